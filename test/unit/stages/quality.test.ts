import { describe, expect, test } from 'vitest';
import {
  assessPersona, checkBoilerplate, checkIdentifiers, checkLanguage, checkLength, checkRepetition, DEFAULT_RULE_OPTIONS,
  deriveVerdict, mineAuthor, mineOptions, parseJudge, qualityOptions, reevaluate, type QualityAssessment, type StoredPersona,
} from '../../../src/core/stages';
import { engineCtx, makePosts } from './helpers';

const GOOD =
  'She is a woman in her late twenties who works in a small design studio and spends her evenings on long walks with her dog. ' +
  'Her posts return again and again to the garden she keeps behind her flat, to the novels she reads on the train, and to the ' +
  'friends she cooks for on Sundays. She values loyalty and patience, and she is wary of people who talk more than they listen. ';

function words(n: number): string {
  const base = (GOOD + 'Over the months her tone moves from anxious to calmer as her job settles, and she writes about it with dry humour. ').split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) out.push(base[i % base.length]!);
  return out.join(' ');
}

describe('rule checks', () => {
  const o = DEFAULT_RULE_OPTIONS;
  test('length 150–300 words by default', () => {
    expect(checkLength(words(149), o).passed).toBe(false);
    expect(checkLength(words(150), o).passed).toBe(true);
    expect(checkLength(words(300), o).passed).toBe(true);
    expect(checkLength(words(301), o)).toMatchObject({ passed: false, detail: '301 words (allowed 150–300)' });
  });
  test('repetition: looping text and repeated sentences fail, normal prose passes', () => {
    expect(checkRepetition(GOOD, o).passed).toBe(true);
    expect(checkRepetition('She likes tea and she likes cake. '.repeat(8), o).passed).toBe(false);
    expect(checkRepetition('He walks the dog every morning. It rains. He walks the dog every morning.', o).passed).toBe(false);
  });
  test('boilerplate and refusals', () => {
    expect(checkBoilerplate(GOOD).passed).toBe(true);
    expect(checkBoilerplate('As an AI language model, I cannot describe this person.').passed).toBe(false);
    expect(checkBoilerplate('Here’s a persona based on the posts: she likes tea.').passed).toBe(false);
  });
  test('language heuristic: English prose passes, other languages and scripts fail', () => {
    expect(checkLanguage(GOOD, o).passed).toBe(true);
    expect(checkLanguage('Sie arbeitet in einem kleinen Büro und geht abends mit ihrem Hund spazieren, liest Romane im Zug.', o).passed).toBe(false);
    expect(checkLanguage('彼女は小さなデザイン事務所で働いていて、夜は犬と長い散歩をします。', o).passed).toBe(false);
    expect(checkLanguage('彼女は小さなデザイン事務所で働いています', { ...o, language: 'any' }).passed).toBe(true);
  });
  test('leaked identifiers, including the author key', () => {
    expect(checkIdentifiers(GOOD, '1234567').passed).toBe(true);
    expect(checkIdentifiers('Her blog, www.janes-garden.com, ...', '1234567')).toMatchObject({ passed: false });
    expect(checkIdentifiers('Blogger 1234567 writes a lot.', '1234567').detail).toContain('author key');
  });
});

describe('judge parsing', () => {
  test('accepts JSON, fenced JSON and string digits', () => {
    expect(parseJudge('{"faithfulness":4,"consistency":5,"specificity":3,"rationale":"ok"}').scores).toEqual({ faithfulness: 4, consistency: 5, specificity: 3 });
    const fenced = parseJudge('Sure:\n```json\n{"faithfulness": "5", "consistency": 4, "specificity": 4, "rationale": "Fits."}\n```');
    expect(fenced).toMatchObject({ scores: { faithfulness: 5, consistency: 4, specificity: 4 }, rationale: 'Fits.' });
  });
  test('rejects out-of-range, missing and non-JSON answers with FormatError', () => {
    expect(() => parseJudge('{"faithfulness":6,"consistency":5,"specificity":3}')).toThrow(/faithfulness = 6/);
    expect(() => parseJudge('{"faithfulness":4,"consistency":5}')).toThrow(/specificity/);
    expect(() => parseJudge('I rate it a four.')).toThrow(expect.objectContaining({ name: 'FormatError' }));
    expect(() => parseJudge('{"faithfulness":4.5,"consistency":5,"specificity":3}')).toThrow(/integer/);
  });
});

describe('verdicts and thresholds', () => {
  const assessment: Pick<QualityAssessment, 'rules' | 'judge'> = {
    rules: [{ rule: 'length', passed: true, detail: '200 words' }],
    judge: { scores: { faithfulness: 4, consistency: 5, specificity: 3 }, rationale: 'generic', raw: '' },
  };
  test('keep iff every rule passes and every score ≥ threshold; reasons kept', () => {
    expect(deriveVerdict(assessment, 3)).toEqual({ kept: true, scores: { faithfulness: 4, consistency: 5, specificity: 3 }, reasons: [] });
    expect(deriveVerdict(assessment, 4)).toMatchObject({ kept: false, reasons: ['judge specificity 3 < 4'] });
    const failedRule = { ...assessment, rules: [{ rule: 'identifiers' as const, passed: false, detail: 'email "a@b.io"' }] };
    expect(deriveVerdict(failedRule, 1)).toMatchObject({ kept: false, reasons: ['identifiers: email "a@b.io"'] });
    expect(() => deriveVerdict(assessment, 6)).toThrow(/1–5/);
  });

  test('assess with the test engine, then re-evaluate thresholds without any model call', async () => {
    const ctx = await engineCtx({ seed: 3 });
    const posts = makePosts(12);
    const personas: StoredPersona[] = [];
    for (let a = 0; a < 12; a++) {
      const mined = await mineAuthor(ctx, { corpusId: 'c', author: `author${a}`, meta: {}, posts }, mineOptions({ seed: a }));
      personas.push(await assessPersona(ctx, mined, posts, qualityOptions({ threshold: 4 })));
    }
    for (const p of personas) {
      const q = p.stages.quality!;
      expect(q.judge!.rationale.length).toBeGreaterThan(0);
      expect(q.judge!.raw).toContain('{');
      expect(q.provenance.prompt.id).toBe('persona-judge');
      expect(p.status).toBe(p.quality!.kept ? 'kept' : 'rejected');
      for (const r of p.quality!.reasons) expect(r).toMatch(/^(judge \w+ \d < 4|\w+: .+)$/);
    }
    const calls = ctx.llm.stats().calls;
    const kept = (t: number): number => personas.map((p) => reevaluate(p, t)).filter((p) => p.quality!.kept).length;
    // Lower thresholds keep at least as many; threshold 1 keeps everyone the rules let through.
    expect(kept(1)).toBeGreaterThanOrEqual(kept(3));
    expect(kept(3)).toBeGreaterThanOrEqual(kept(4));
    expect(kept(4)).toBeGreaterThanOrEqual(kept(5));
    expect(kept(1)).toBe(personas.filter((p) => p.stages.quality!.rules.every((r) => r.passed)).length);
    expect(kept(4)).toBe(personas.filter((p) => p.quality!.kept).length);
    expect(kept(1)).toBeGreaterThan(kept(5));
    expect(ctx.llm.stats().calls).toBe(calls);
    // Re-evaluation records the threshold it applied.
    expect(reevaluate(personas[0]!, 2).stages.quality!.threshold).toBe(2);
  });

  test('a profiled persona rejected by a stricter threshold comes back profiled, answers intact', () => {
    const base: StoredPersona = {
      id: 'c/a', source: { kind: 'mined', corpusId: 'c', author: 'a' }, corpusId: 'c', text: GOOD, meta: {}, status: 'profiled',
      quality: { kept: true, scores: { faithfulness: 4, consistency: 5, specificity: 4 }, reasons: [] }, answers: { EXT1: 4.2 },
      stages: {
        quality: { ...(assessment as QualityAssessment), judge: { scores: { faithfulness: 4, consistency: 5, specificity: 4 }, rationale: '', raw: '' }, threshold: 4, promptTokens: 0, completionTokens: 0 } as QualityAssessment,
        profile: {} as NonNullable<StoredPersona['stages']['profile']>,
      },
    };
    const strict = reevaluate(base, 5);
    expect(strict).toMatchObject({ status: 'rejected', quality: { kept: false }, answers: { EXT1: 4.2 } });
    expect(reevaluate(strict, 4)).toMatchObject({ status: 'profiled', quality: { kept: true, reasons: [] } });
    const unprofiled = { ...base, status: 'kept' as const, answers: undefined, stages: { quality: base.stages.quality } };
    expect(reevaluate(reevaluate(unprofiled, 5), 3).status).toBe('kept');
  });

  test('unparseable judge answers are retried, then fail with the reason', async () => {
    const ctx = await engineCtx();
    const posts = makePosts(5);
    const mined = await mineAuthor(ctx, { corpusId: 'c', author: 'x', meta: {}, posts });
    let n = 0;
    ctx.llm.chat = async () => ({ text: n++ === 0 ? 'nope' : '{"faithfulness":5,"consistency":5,"specificity":5,"rationale":"r"}', promptTokens: 1, completionTokens: 1, finishReason: 'stop', ms: 0 });
    const ok = await assessPersona(ctx, mined, posts);
    expect(ok.stages.quality!.judge!.scores.faithfulness).toBe(5);
    ctx.llm.chat = async () => ({ text: 'still nope', promptTokens: 1, completionTokens: 1, finishReason: 'stop', ms: 0 });
    await expect(assessPersona(ctx, mined, posts)).rejects.toMatchObject({ name: 'FormatError' });
  });
});
