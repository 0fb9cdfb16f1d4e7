import { describe, expect, it } from 'vitest';
import {
  defaultDtype,
  EMBED_MODELS,
  findEmbedModel,
  modelRef,
  onnxFile,
  parseModelRef,
  validateRegistry,
  type EmbedModelEntry,
} from '../../../src/embed-models/registry';
import { embedderChoices } from '../../../src/embed-models/choices';
import { LEXICAL_LIMITS } from '../../../src/core/embed/lexical';

const base = EMBED_MODELS[0] as EmbedModelEntry;

describe('embedding model registry', () => {
  it('is valid and offers an English and a multilingual model with prefixes where the model needs them', () => {
    expect(validateRegistry(EMBED_MODELS)).toEqual([]);
    expect(EMBED_MODELS.some((e) => e.languages === 'en')).toBe(true);
    const e5 = EMBED_MODELS.find((e) => e.languages === 'multilingual');
    expect(e5?.prefixes).toEqual({ query: 'query: ', passage: 'passage: ' });
  });

  it('reports each kind of broken entry', () => {
    const bad: EmbedModelEntry[] = [
      { ...base, id: 'no-owner', dim: 0 },
      { ...base, id: 'a/b', weightBytes: { fp32: 10, q8: 20 }, prefixes: { query: 'query:', passage: '' } },
      { ...base, id: 'a/b', weightBytes: {} },
      { ...base, id: 'c/d@q8', maxTokens: 1.5, label: ' ' },
    ];
    const problems = validateRegistry(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no-owner: id is not a Hub/),
        expect.stringMatching(/no-owner: dim must be/),
        expect.stringMatching(/a\/b: q8 weights should be smaller/),
        expect.stringMatching(/a\/b: the query prefix should end with a space/),
        expect.stringMatching(/a\/b: listed twice/),
        expect.stringMatching(/a\/b: offers no dtype/),
        expect.stringMatching(/c\/d@q8: "@" is reserved/),
        expect.stringMatching(/c\/d@q8: maxTokens/),
        expect.stringMatching(/c\/d@q8: needs a label/),
      ]),
    );
  });

  it('names the ONNX file transformers.js reads per precision', () => {
    expect(onnxFile('fp32')).toBe('onnx/model.onnx');
    expect(onnxFile('fp16')).toBe('onnx/model_fp16.onnx');
    expect(onnxFile('q8')).toBe('onnx/model_quantized.onnx');
  });

  it('picks fp32/fp16 on WebGPU and q8 on WASM, falling back to what the entry offers', () => {
    expect(defaultDtype(base, 'webgpu')).toBe('fp32');
    expect(defaultDtype(base, 'webgpu', true)).toBe('fp16');
    expect(defaultDtype(base, 'wasm')).toBe('q8');
    expect(defaultDtype({ ...base, weightBytes: { fp32: 5 } }, 'wasm')).toBe('fp32');
  });

  it('parses "ID@DTYPE" references and rejects unknown ids and precisions', () => {
    expect(parseModelRef('Xenova/all-MiniLM-L6-v2')).toEqual({ id: 'Xenova/all-MiniLM-L6-v2', dtype: undefined });
    expect(parseModelRef(modelRef('Xenova/bge-small-en-v1.5', 'q8'))).toEqual({ id: 'Xenova/bge-small-en-v1.5', dtype: 'q8' });
    expect(() => parseModelRef('a/b@int3')).toThrow(/Unknown precision "int3"/);
    expect(() => findEmbedModel('nobody/nothing')).toThrow(expect.objectContaining({ name: 'ModelError', message: expect.stringMatching(/Pick one of: lexical, Xenova/) }));
  });

  it('lists "lexical (no model)" first with its limits, then every registry model with its size', () => {
    const choices = embedderChoices();
    expect(choices[0]).toMatchObject({ id: 'lexical', label: 'lexical (no model)', backend: 'lexical', downloadBytes: {} });
    expect(choices[0]?.limits).toEqual([...LEXICAL_LIMITS]);
    expect(choices.slice(1).map((c) => c.id)).toEqual(EMBED_MODELS.map((e) => e.id));
    for (const c of choices.slice(1)) {
      expect(Object.keys(c.downloadBytes).length).toBeGreaterThan(0);
      expect(c.limits.join(' ')).toMatch(/reads the first \d+ tokens/);
    }
  });
});
