import { describe, expect, test } from 'vitest';
import {
  answerQuestionnaire, choiceProbabilities, expectedLikert, itemOrder, questionnaireOptions, questionnaireReport, traitsFromAnswers, type StoredPersona,
} from '../../../src/core/stages';
import { IPIP50_ITEMS } from '../../../src/core/psychometrics/ipip50';
import { scoreResponses } from '../../../src/core/psychometrics/scoring';
import { TRAITS } from '../../../src/core/traits';
import { engineCtx } from './helpers';

function persona(id: string, text: string): StoredPersona {
  return { id, source: { kind: 'mined', corpusId: 'c', author: id }, corpusId: 'c', text, meta: {}, status: 'kept', stages: {} };
}
const OUTGOING = persona('p1', 'An outgoing, talkative, sociable man who loves parties and meeting new people. He is organised, punctual and tidy, calm and relaxed, curious and imaginative. '.repeat(6));
// ≈ 170 words, the low end of a mined persona (150–300): the least favourable case for prefix reuse.

describe('expected values', () => {
  test('probabilities and Σ k·p(k)', () => {
    expect(expectedLikert([0, 0, 1, 0, 0])).toBe(3);
    expect(expectedLikert([0.5, 0, 0, 0, 0.5])).toBe(3);
    expect(expectedLikert([0.1, 0.2, 0.3, 0.2, 0.2])).toBeCloseTo(3.2, 12);
    const p = choiceProbabilities([Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.2), Math.log(0.2)]);
    p.forEach((x, i) => expect(x).toBeCloseTo([0.1, 0.2, 0.3, 0.2, 0.2][i]!, 12));
    // Renormalises when the logprobs do not sum to 1.
    expect(choiceProbabilities([-10, -10]).map((x) => x.toFixed(3))).toEqual(['0.500', '0.500']);
  });

  test('item order: a seeded permutation per persona', () => {
    const a = itemOrder(1, 'p1');
    expect([...a].sort((x, y) => x - y)).toEqual(IPIP50_ITEMS.map((_, i) => i));
    expect(itemOrder(1, 'p1')).toEqual(a);
    expect(itemOrder(1, 'p2')).not.toEqual(a);
    expect(itemOrder(2, 'p1')).not.toEqual(a);
  });
});

describe('answerQuestionnaire with the test engine', () => {
  test('logprobs: 50 expected values, traits via psychometrics scoring, provenance, asked in the seeded order', async () => {
    const ctx = await engineCtx();
    const asked: string[] = [];
    const choice = ctx.llm.choiceLogprobs.bind(ctx.llm);
    ctx.llm.choiceLogprobs = async (req) => {
      asked.push(req.messages[req.messages.length - 1]!.content);
      return choice(req);
    };
    const p = await answerQuestionnaire(ctx, OUTGOING, questionnaireOptions({ seed: 5 }));
    const d = p.stages.profile!;
    expect(d.method).toBe('logprobs');
    expect(d.calls).toBe(50);
    expect(Object.keys(p.answers!)).toHaveLength(50);
    for (const it of IPIP50_ITEMS) {
      const probs = d.perItem[it.code]!;
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(p.answers![it.code]).toBeCloseTo(expectedLikert(probs), 12);
      expect(p.answers![it.code]).toBeGreaterThanOrEqual(1);
      expect(p.answers![it.code]).toBeLessThanOrEqual(5);
    }
    expect(d.order).toEqual(itemOrder(5, 'p1').map((i) => IPIP50_ITEMS[i]!.code));
    expect(asked.map((q) => IPIP50_ITEMS.find((it) => q.includes(`"${it.text}"`))!.code)).toEqual(d.order);
    // Traits equal the psychometrics module's scoring of the same answers.
    const ref = scoreResponses([IPIP50_ITEMS.map((it) => p.answers![it.code]!)]);
    TRAITS.forEach((t, i) => expect(p.traits![t]).toBeCloseTo(ref.scores[i]!, 12));
    expect(p.traits).toEqual(traitsFromAnswers(p.answers!));
    // The test engine reads cues: an outgoing, calm persona scores high E and low N.
    expect(p.traits!.extraversion).toBeGreaterThan(3.3);
    expect(p.traits!.neuroticism).toBeLessThan(2.7);
    expect(d.provenance).toMatchObject({ modelId: 'test-engine', seed: 5, prompt: { id: 'ipip50-item' } });
    expect(d.meanCoverage).toBeGreaterThan(0.8);
    expect(p.status).toBe('profiled');
    expect(Array.isArray(d.flags)).toBe(true);
    // Deterministic.
    expect((await answerQuestionnaire(await engineCtx(), OUTGOING, questionnaireOptions({ seed: 5 }))).answers).toEqual(p.answers);
  });

  test('prefix reuse: ≥ 5× fewer prefilled tokens with the persona as a shared prefix', async () => {
    const withReuse = await engineCtx();
    const a = await answerQuestionnaire(withReuse, OUTGOING, questionnaireOptions({ prefixReuse: true }));
    const without = await engineCtx();
    const b = await answerQuestionnaire(without, OUTGOING, questionnaireOptions({ prefixReuse: false }));
    const sa = withReuse.llm.stats();
    const sb = without.llm.stats();
    const prefillWith = sa.promptTokens - sa.cachedPromptTokens;
    const prefillWithout = sb.promptTokens - sb.cachedPromptTokens;
    expect(sb.cachedPromptTokens).toBe(0);
    expect(prefillWithout / prefillWith).toBeGreaterThanOrEqual(5);
    expect(a.stages.profile!.cachedPromptTokens).toBe(sa.cachedPromptTokens);
    // Same answers either way: reuse changes cost, not results.
    expect(b.answers).toEqual(a.answers);
  });

  test('json fallback: temperature and repeats, integer samples averaged', async () => {
    const ctx = await engineCtx();
    ctx.model = { ...ctx.model, supportsLogprobs: false };
    const p = await answerQuestionnaire(ctx, OUTGOING, questionnaireOptions({ repeats: 2, temperature: 0.9 }));
    const d = p.stages.profile!;
    expect(d.method).toBe('json');
    expect(d.repeats).toBe(2);
    expect(d.calls).toBeGreaterThanOrEqual(100);
    expect(d.provenance.decoding.temperature).toBe(0.9);
    for (const it of IPIP50_ITEMS) {
      const s = d.perItem[it.code]!;
      expect(s).toHaveLength(2);
      for (const v of s) expect([1, 2, 3, 4, 5]).toContain(v);
      expect(p.answers![it.code]).toBe((s[0]! + s[1]!) / 2);
    }
    await expect(answerQuestionnaire(ctx, OUTGOING, questionnaireOptions({ method: 'logprobs' }))).rejects.toMatchObject({ name: 'ModelError' });
  });

  test('flags acquiescence and reverse-key inconsistency', async () => {
    const ctx = await engineCtx();
    ctx.llm.choiceLogprobs = async () => ({ logprobs: [-9, -9, -9, -5, -0.02], coverage: 1, promptTokens: 1, cachedPromptTokens: 0, ms: 0 });
    const p = await answerQuestionnaire(ctx, OUTGOING);
    expect(p.stages.profile!.flags).toEqual(expect.arrayContaining(['acquiescence', 'inconsistency', 'straight-lining']));
    expect(p.stages.profile!.style.inconsistentTraits).toBe(5);
  });

  test("'auto' falls back to JSON answers when the server turns out to have no logprobs", async () => {
    const ctx = await engineCtx();
    let noLogprobs = false;
    const info = ctx.llm.info.bind(ctx.llm);
    ctx.llm.info = async () => ({ ...(await info())!, supportsLogprobs: !noLogprobs });
    ctx.llm.choiceLogprobs = async () => {
      noLogprobs = true; // as the HTTP backend records it on the first reply without logprobs
      throw Object.assign(new Error('This endpoint returns no log-probabilities'), { name: 'ModelError' });
    };
    const p = await answerQuestionnaire(ctx, OUTGOING, questionnaireOptions({ repeats: 1 }));
    expect(p.stages.profile!.method).toBe('json');
    expect(Object.keys(p.answers!)).toHaveLength(50);
    // An explicit 'logprobs' method does not fall back.
    await expect(answerQuestionnaire(ctx, OUTGOING, questionnaireOptions({ method: 'logprobs' }))).rejects.toMatchObject({ name: 'ModelError' });
  });

  test('set report: Cronbach\'s α per trait over profiled personas, flags and methods', async () => {
    const ctx = await engineCtx();
    const cues = ['outgoing talkative sociable', 'shy quiet reserved', 'anxious nervous moody', 'calm relaxed organised tidy', 'curious imaginative creative', 'kind warm helpful'];
    const set: StoredPersona[] = [];
    for (let i = 0; i < 12; i++) set.push(await answerQuestionnaire(ctx, persona(`q${i}`, `A person who is ${cues[i % 6]} and ${cues[(i * 5 + 1) % 6]}. `.repeat(8))));
    const r = questionnaireReport([...set, persona('unprofiled', 'x')]);
    expect(r.n).toBe(12);
    expect(r.methods).toEqual({ logprobs: 12, json: 0 });
    expect(r.reliability.map((t) => t.trait)).toEqual(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    for (const t of r.reliability) {
      expect(t.nComplete).toBe(12);
      expect(Number.isFinite(t.alpha)).toBe(true);
    }
    // The test engine makes a trait's items agree (one latent per trait): α well above 0.
    expect(Math.min(...r.reliability.map((t) => t.alpha))).toBeGreaterThan(0.5);
    expect(r.meanCoverage).toBeGreaterThan(0.8);
  });
});
