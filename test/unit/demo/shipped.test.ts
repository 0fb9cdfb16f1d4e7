// The shipped demo set must be exactly what the generator produces, so it cannot drift.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LLM_TILT_SD } from '../../../src/core/demo/latent';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import { DEMO_GENERATOR, DEMO_GENERATOR_VERSION, generateDemoPersonas, personasToJsonl } from '../../../src/core/demo/personas';

const dir = new URL('../../../public/demo-personas/', import.meta.url);
const jsonl = readFileSync(new URL('personas.jsonl', dir), 'utf8');
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
  synthetic: boolean; generator: string; version: string; seed: number; n: number; bytes: number; sha256: string; tiltSd: unknown;
};

describe('public/demo-personas', () => {
  it('personas.jsonl equals a fresh generation with the manifest seed and n', () => {
    const fresh = personasToJsonl(generateDemoPersonas({ seed: manifest.seed, n: manifest.n }));
    // Compare a digest first: a 2.5 MB string diff is unreadable.
    expect(createHash('sha256').update(jsonl).digest('hex')).toBe(createHash('sha256').update(fresh).digest('hex'));
  });

  it('manifest matches the file and the generator', () => {
    expect(manifest.synthetic).toBe(true);
    expect(manifest.generator).toBe(DEMO_GENERATOR);
    expect(manifest.version).toBe(DEMO_GENERATOR_VERSION);
    expect(manifest.tiltSd).toEqual(LLM_TILT_SD);
    expect(manifest.sha256).toBe(createHash('sha256').update(jsonl).digest('hex'));
    expect(manifest.bytes).toBe(Buffer.byteLength(jsonl));
    expect(manifest.bytes).toBeLessThan(2_600_000);
  });

  it('parses as valid PersonaRecords labelled demo', () => {
    const records = parsePersonaJsonl(jsonl);
    expect(records).toHaveLength(manifest.n);
    expect(records.every((r) => r.source.kind === 'demo')).toBe(true);
  });

  it('README labels the set as synthetic and names the tilt', () => {
    const readme = readFileSync(new URL('README.md', dir), 'utf8');
    expect(readme).toMatch(/synthetic/i);
    expect(readme).toMatch(/not measurements/);
    expect(readme).toContain(manifest.sha256);
  });
});
