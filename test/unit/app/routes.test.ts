import { describe, expect, it } from 'vitest';
import { STAGES, formatHash, parseHash, stepStage } from '../../../src/app/routes';

describe('hash routes', () => {
  it('parses stages and params', () => {
    expect(parseHash('#/corpus')).toEqual({ stage: 'corpus', params: [] });
    expect(parseHash('#/align/')).toEqual({ stage: 'align', params: [] });
    expect(parseHash('#/corpus/abc%2Fdef')).toEqual({ stage: 'corpus', params: ['abc/def'] });
  });
  it('falls back to the corpus stage for empty or unknown hashes', () => {
    expect(parseHash('')).toEqual({ stage: 'corpus', params: [] });
    expect(parseHash('#/nope')).toEqual({ stage: 'corpus', params: [] });
    expect(parseHash('#/corpus/%E0%A4%A')).toEqual({ stage: 'corpus', params: [] });
  });
  it('round-trips', () => {
    for (const s of STAGES) {
      const r = { stage: s.id, params: ['x y', 'ü/ß'] };
      expect(parseHash(formatHash(r))).toEqual(r);
    }
  });
  it('lists the seven stages in pipeline order', () => {
    expect(STAGES.map((s) => s.id)).toEqual(['corpus', 'personas', 'quality', 'profile', 'align', 'target', 'results']);
  });
  it('steps with wrap-around', () => {
    expect(stepStage('corpus', 1)).toBe('personas');
    expect(stepStage('corpus', -1)).toBe('results');
    expect(stepStage('results', 1)).toBe('corpus');
  });
});
