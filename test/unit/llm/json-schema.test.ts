import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng';
import { generateFromSchema, validateJson } from '../../../src/llm/json-schema';

/** Random small schemas of the supported subset, always satisfiable. */
const leaf = fc.oneof(
  fc.record({ type: fc.constant('integer'), minimum: fc.integer({ min: -50, max: 50 }), span: fc.integer({ min: 0, max: 20 }) }).map(({ type, minimum, span }) => ({ type, minimum, maximum: minimum + span })),
  fc.record({ type: fc.constant('number'), exclusiveMinimum: fc.integer({ min: -5, max: 5 }), span: fc.integer({ min: 1, max: 9 }) }).map(({ type, exclusiveMinimum, span }) => ({ type, exclusiveMinimum, exclusiveMaximum: exclusiveMinimum + span / 10 })),
  fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 10 }), extra: fc.integer({ min: 0, max: 30 }) }).map(({ type, minLength, extra }) => ({ type, minLength, maxLength: minLength + extra })),
  fc.constant({ type: 'boolean' }),
  fc.constant({ type: ['string', 'null'] }),
  fc.array(fc.oneof(fc.string(), fc.integer()), { minLength: 1, maxLength: 5 }).map((e) => ({ enum: e })),
  fc.constant({ const: 'fixed' }),
);
const { schema } = fc.letrec<{ schema: Record<string, unknown> }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ minItems: fc.integer({ min: 0, max: 3 }), extra: fc.integer({ min: 0, max: 3 }), items: tie('schema') }).map(({ minItems, extra, items }) => ({ type: 'array', minItems, maxItems: minItems + extra, items })),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('schema'), { maxKeys: 4 }).chain((properties) =>
      fc.subarray(Object.keys(properties)).map((required) => ({ type: 'object', properties, required, additionalProperties: false })),
    ),
    fc.array(leaf, { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
  ),
}));

describe('JSON schema generator', () => {
  it('always produces a value its validator accepts, deterministically per seed', () => {
    fc.assert(
      fc.property(schema, fc.integer(), (s, seed) => {
        const v = generateFromSchema(s, new Rng(seed));
        expect(validateJson(v, s)).toEqual([]);
        expect(JSON.parse(JSON.stringify(v))).toEqual(v);
        expect(generateFromSchema(s, new Rng(seed))).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('validator catches what the generator must avoid', () => {
    const s = { type: 'object', properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, tag: { enum: ['a', 'b'] } }, required: ['score'], additionalProperties: false };
    expect(validateJson({ score: 6 }, s)).toEqual(['$.score: 6 > maximum 5']);
    expect(validateJson({ score: 2.5 }, s)).toEqual(['$.score: expected integer, got number']);
    expect(validateJson({ tag: 'c' }, s)).toEqual(['$: missing required "score"', '$.tag: "c" is not one of ["a","b"]']);
    expect(validateJson({ score: 3, x: 1 }, s)).toEqual(['$: unexpected property "x"']);
    expect(validateJson('abc', { type: 'string', pattern: '^[0-9]+$' })).toHaveLength(1);
  });

  it('refuses unsupported or unsatisfiable schemas with InputError', () => {
    expect(() => generateFromSchema({ $ref: '#/defs/x' }, new Rng(1))).toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringContaining('$ref') }));
    expect(() => generateFromSchema({ type: 'integer', minimum: 2.2, maximum: 2.8 }, new Rng(1))).toThrow(/no integer/);
    expect(() => generateFromSchema({ enum: [] }, new Rng(1))).toThrow(/empty enum/);
  });
});
