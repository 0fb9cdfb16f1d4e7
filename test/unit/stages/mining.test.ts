import { describe, expect, test } from 'vitest';
import {
  chronological, mineAuthor, mineOptions, preparePosts, renderedPost, selectWithinBudget, spreadOrder, spreadOrderByTime,
} from '../../../src/core/stages';
import { engineCtx, makePosts } from './helpers';

describe('post selection', () => {
  test('spreadOrder visits every index once, ends first', () => {
    for (const n of [1, 2, 3, 10, 37]) {
      const o = spreadOrder(n);
      expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(o[0]).toBe(0);
    }
    expect(spreadOrder(9).slice(0, 5)).toEqual([0, 8, 4, 2, 6]);
  });

  test('chronological: by date, undated posts stay after their predecessor', () => {
    const posts = [
      { seq: 0, date: '2004-01-02', text: 'a' },
      { seq: 1, date: null, text: 'b' },
      { seq: 2, date: '2003-05-01', text: 'c' },
    ];
    expect(chronological(posts).map((p) => p.text)).toEqual(['c', 'a', 'b']);
  });

  test('within budget (model tokens), evenly spread over time, chronological', async () => {
    const { llm } = await engineCtx();
    const posts = makePosts(100, 50);
    const prepared = await preparePosts(posts, (t) => llm.countTokens(t), 10_000);
    const total = prepared.reduce((s, p) => s + p.tokens, 0);
    const budget = Math.floor(total / 5);
    const chosen = selectWithinBudget(prepared, budget);
    const used = chosen.reduce((s, p) => s + p.tokens, 0);
    expect(used).toBeLessThanOrEqual(budget);
    expect(used).toBeGreaterThan(budget * 0.85);
    // Sum of the counts equals the model's count of the rendered posts.
    let direct = 0;
    for (const p of chosen) direct += await llm.countTokens(renderedPost(p));
    expect(direct).toBe(used);
    const seqs = chosen.map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(0);
    expect(seqs[seqs.length - 1]).toBe(99);
    // Even spread: every fifth of the timeline has some of the selection.
    for (let q = 0; q < 5; q++) expect(seqs.some((s) => s >= q * 20 && s < (q + 1) * 20)).toBe(true);
    const gaps = seqs.slice(1).map((s, i) => s - seqs[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8);
    // Everything fits: everything is used.
    expect(selectWithinBudget(prepared, total)).toHaveLength(100);
  });

  test('evenly spread over time, not over post count: a burst does not crowd out other years', async () => {
    const { llm } = await engineCtx();
    // 60 posts in January 2003, then one post a month through 2004 (12).
    const burst = Array.from({ length: 60 }, (_, i) => ({ seq: i, date: `2003-01-${String(1 + (i % 28)).padStart(2, '0')}`, text: `burst post ${i} about the same few days` }));
    const later = Array.from({ length: 12 }, (_, m) => ({ seq: 60 + m, date: `2004-${String(m + 1).padStart(2, '0')}-15`, text: `monthly post ${m} about a later time` }));
    const prepared = await preparePosts([...burst, ...later], (t) => llm.countTokens(t), 1000);
    const per = prepared[0]!.tokens;
    const chosen = selectWithinBudget(prepared, per * 12);
    expect(chosen.length).toBeGreaterThanOrEqual(10);
    const fromLater = chosen.filter((p) => p.seq >= 60).length;
    // The timeline is 2003-01 … 2004-12: most of it is the monthly part, so most picks come from it.
    expect(fromLater).toBeGreaterThanOrEqual(7);
    expect(chosen.some((p) => p.seq < 60)).toBe(true);
    expect(spreadOrderByTime([{ date: null }, { date: null }, { date: null }])).toEqual(spreadOrder(3));
    const order = spreadOrderByTime(prepared);
    expect([...order].sort((x, y) => x - y)).toEqual(prepared.map((_, i) => i));
  });

  test('a post longer than the per-post cap is cut to fit', async () => {
    const { llm } = await engineCtx();
    const [p] = await preparePosts([{ seq: 0, date: null, text: 'word '.repeat(2000) }], (t) => llm.countTokens(t), 200);
    expect(p!.truncated).toBe(true);
    expect(p!.tokens).toBeLessThanOrEqual(200);
    expect(p!.tokens).toBeGreaterThan(120);
  });
});

describe('mineAuthor', () => {
  const input = (n: number, words = 60) => ({
    corpusId: 'c1',
    author: '1234567',
    meta: { gender: 'female', age: '27', industry: 'Arts' },
    posts: makePosts(n, words).map((p, i) => (i === 3 ? { ...p, text: `${p.text} Write me at ann@mail.com or http://ann.example.org` } : p)),
  });

  test('direct: fits the context, records provenance, strips identifiers', async () => {
    const ctx = await engineCtx();
    const p = await mineAuthor(ctx, input(20), mineOptions({ seed: 7 }));
    const m = p.stages.mine!;
    expect(p.id).toBe('c1/1234567');
    expect(p.status).toBe('mined');
    expect(p.meta).toMatchObject({ gender: 'female', age: '27', ageBand: '25-34' });
    expect(m.selection).toMatchObject({ mode: 'direct', available: 20, used: 20, chunks: 1 });
    expect(m.selection.stripped).toMatchObject({ email: 1, url: 1 });
    expect(m.provenance).toMatchObject({ modelId: 'test-engine', backend: 'test', seed: 7, prompt: { id: 'persona-mining', version: 1 } });
    expect(m.provenance.prompt.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.provenance.decoding.temperature).toBe(0.7);
    expect(p.text.split(/\s+/).length).toBeGreaterThan(100);
    // Same seed → same persona; a different seed → a different one.
    expect((await mineAuthor(await engineCtx(), input(20), mineOptions({ seed: 7 }))).text).toBe(p.text);
    expect((await mineAuthor(await engineCtx(), input(20), mineOptions({ seed: 8 }))).text).not.toBe(p.text);
  });

  test('the prompt never carries the stripped identifiers', async () => {
    const ctx = await engineCtx();
    const seen: string[] = [];
    const chat = ctx.llm.chat.bind(ctx.llm);
    ctx.llm.chat = async (req) => {
      seen.push(req.messages.map((m) => m.content).join('\n'));
      return chat(req);
    };
    await mineAuthor(ctx, input(10), mineOptions());
    expect(seen.join('\n')).not.toMatch(/ann@mail\.com|ann\.example\.org/);
    expect(seen.join('\n')).toContain('[email]');
  });

  test('map-reduce when the history exceeds the context; every prompt fits', async () => {
    const ctx = await engineCtx({ contextWindow: 2048 });
    const prompts: number[] = [];
    const chat = ctx.llm.chat.bind(ctx.llm);
    ctx.llm.chat = async (req) => {
      const r = await chat(req);
      prompts.push(r.promptTokens);
      return r;
    };
    const p = await mineAuthor(ctx, input(200, 80), mineOptions({ maxChunks: 4 }));
    const sel = p.stages.mine!.selection;
    expect(sel.mode).toBe('map-reduce');
    expect(sel.chunks).toBeGreaterThan(1);
    expect(sel.chunks).toBeLessThanOrEqual(5);
    expect(prompts).toHaveLength(sel.chunks + 1);
    expect(Math.max(...prompts)).toBeLessThanOrEqual(2048);
    expect(sel.used).toBeLessThan(200);
    expect(sel.seqs[0]).toBe(0);
    expect(p.stages.mine!.mapPrompt?.id).toBe('persona-chunk-notes');
    expect(p.stages.mine!.provenance.prompt.id).toBe('persona-from-notes');
  });

  test("'sample' mode uses an evenly spread subset in one prompt", async () => {
    const ctx = await engineCtx({ contextWindow: 2048 });
    const p = await mineAuthor(ctx, input(200, 80), mineOptions({ historyMode: 'sample' }));
    expect(p.stages.mine!.selection).toMatchObject({ mode: 'direct', chunks: 1 });
    expect(p.stages.mine!.selection.used).toBeLessThan(200);
  });

  test('an edited prompt gets a new hash', async () => {
    const base = mineOptions();
    const a = await mineAuthor(await engineCtx(), input(5), base);
    const b = await mineAuthor(await engineCtx(), input(5), mineOptions({ prompt: { ...base.prompt, user: base.prompt.user + '\nBe brief.' } }));
    expect(b.stages.mine!.provenance.prompt.version).toBe(a.stages.mine!.provenance.prompt.version);
    expect(b.stages.mine!.provenance.prompt.hash).not.toBe(a.stages.mine!.provenance.prompt.hash);
  });

  test('flags verbatim copying from the posts', async () => {
    const ctx = await engineCtx();
    const copied = 'she spends every single weekend repairing old radios in her cramped garage';
    ctx.llm.chat = async () => ({ text: `The author is a tinkerer; ${copied}.`, promptTokens: 1, completionTokens: 1, finishReason: 'stop', ms: 0 });
    const p = await mineAuthor(ctx, { ...input(3), posts: [{ seq: 0, date: null, text: `Honestly ${copied} and loves it` }] }, mineOptions());
    expect(p.stages.mine!.verbatim).toHaveLength(1);
    expect(p.stages.mine!.verbatim[0]!.words).toBe(12);
  });

  test('no posts with text is an InputError; a tiny context is a ModelError', async () => {
    await expect(mineAuthor(await engineCtx(), { ...input(1), posts: [{ seq: 0, date: null, text: '  ' }] })).rejects.toMatchObject({ name: 'InputError' });
    await expect(mineAuthor(await engineCtx({ contextWindow: 600 }), input(3))).rejects.toMatchObject({ name: 'ModelError' });
  });
});
