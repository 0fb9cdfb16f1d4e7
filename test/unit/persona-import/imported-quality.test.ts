import { describe, expect, test } from 'vitest';
import {
  assessImportedPersona, IMPORTED_JUDGE_PROMPT, importedQualityOptions, parseJudge, promptRef, JUDGE_PROMPT, type StoredPersona,
} from '../../../src/core/stages';
import { engineCtx } from '../stages/helpers';

const TEXT =
  'A retired primary-school teacher in a small coastal town who spends her mornings in the allotment and her evenings ' +
  'reading crime novels. She volunteers at the library on Thursdays and is wary of new technology.';

function imported(text: string, id = 'p1'): StoredPersona {
  return { id, source: { kind: 'imported', file: 'set.jsonl', format: 'personahub' }, text, meta: {}, corpusId: 'set-1', status: 'mined', stages: {} };
}

describe('quality of imported personas', () => {
  test('rules only: no verbatim rule, short set-style personas pass, boilerplate fails', async () => {
    const ctx = await engineCtx();
    const o = importedQualityOptions({ judge: false });
    const p = await assessImportedPersona(ctx, imported(TEXT), o);
    expect(p.stages.quality!.rules.map((r) => r.rule)).toEqual(['length', 'repetition', 'boilerplate', 'language', 'identifiers']);
    expect(p.quality).toMatchObject({ kept: true, reasons: [] });
    expect(p.status).toBe('kept');
    const bad = await assessImportedPersona(ctx, imported('As an AI language model I cannot write a persona for this person, sorry about that.'), o);
    expect(bad.quality!.kept).toBe(false);
    expect(bad.quality!.reasons.join(' ')).toMatch(/boilerplate/);
    const tiny = await assessImportedPersona(ctx, imported('A chef.'), o);
    expect(tiny.quality!.reasons.join(' ')).toMatch(/length/);
  });

  test('the judge scores consistency and specificity only, with its own versioned prompt', async () => {
    const ctx = await engineCtx({ seed: 3 });
    const p = await assessImportedPersona(ctx, imported(TEXT), importedQualityOptions({ judge: true }));
    const q = p.stages.quality!;
    expect(Object.keys(q.judge!.scores).sort()).toEqual(['consistency', 'specificity']);
    expect(q.provenance.prompt).toEqual(await promptRef(IMPORTED_JUDGE_PROMPT));
    expect(q.provenance.prompt.hash).not.toBe((await promptRef(JUDGE_PROMPT)).hash);
    expect(q.promptTokens).toBeGreaterThan(0);
    const low = Object.entries(q.judge!.scores).filter(([, v]) => v < 4).length;
    expect(p.quality!.kept).toBe(low === 0);
    expect(IMPORTED_JUDGE_PROMPT.user).not.toMatch(/faithful|POSTS/);
  });

  test('a mined persona is refused', async () => {
    const ctx = await engineCtx();
    const mined = { ...imported(TEXT), source: { kind: 'mined' as const, corpusId: 'c', author: 'a' } };
    await expect(assessImportedPersona(ctx, mined, importedQualityOptions({ judge: false }))).rejects.toMatchObject({ name: 'InputError' });
  });

  test('parseJudge with the imported criteria needs exactly those', () => {
    expect(parseJudge('{"consistency": 4, "specificity": 5, "rationale": "ok"}', ['consistency', 'specificity']).scores).toEqual({ consistency: 4, specificity: 5 });
    expect(() => parseJudge('{"consistency": 4, "rationale": "ok"}', ['consistency', 'specificity'])).toThrow(/specificity/);
  });
});
