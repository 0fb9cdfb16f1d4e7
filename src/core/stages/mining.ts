/**
 * Stage 2 (METHOD.md §2): one narrative persona per author, from their posts.
 *
 *   posts → strip identifiers → token-count → fit the context budget
 *     fits:      one persona prompt over the (evenly spread) posts            ('direct')
 *     too long:  notes per chunk (map), then a persona from the notes (reduce) ('map-reduce')
 *   → verbatim check (8-word shingles against the stripped posts) → StoredPersona, status 'mined'
 */
import type { DecodingOptions } from '../../contracts/llm';
import { AGE_BANDS } from '../../contracts/persona';
import { AppError } from '../errors';
import { provenance, withAbort, type StageContext } from './context';
import { fnv1a32 } from './hash';
import { emptyCounts, stripIdentifiers } from './pii';
import {
  CHUNK_NOTES_PROMPT, fillTemplate, PERSONA_FROM_NOTES_PROMPT, PERSONA_PROMPT, promptRef, renderPosts, type PromptTemplate,
} from './prompts';
import { packChunks, preparePosts, selectWithinBudget, type PreparedPost, type SelectablePost } from './select-posts';
import { minedPersonaId, type MineDetail, type PostSelection, type StoredPersona } from './types';
import { DEFAULT_VERBATIM_WORDS, findVerbatimSpans } from './verbatim';

/** Options of the mining stage; every [ours] default of METHOD.md §2 is here, visible. */
export interface MineOptions {
  /** Target persona length in words (default 150–300). */
  minWords: number;
  maxWords: number;
  /** Decoding of the persona call (default temperature 0.7, maxTokens 700). */
  decoding: DecodingOptions;
  /** Base seed; each author's decoding seed is derived from it and the author key. */
  seed: number;
  /** 'map-reduce' (default): summarise chunks when the history is too long; 'sample': an evenly spread subset only. */
  historyMode: 'map-reduce' | 'sample';
  /** At most this many map calls per author; older/newer posts beyond are sampled out evenly (default 8). */
  maxChunks: number;
  /** Words of notes per chunk in map-reduce (default 200). */
  notesWords: number;
  /** Override the model's context window (tokens), e.g. to leave room on a small GPU. */
  contextTokens?: number;
  /** Fraction of the context kept free as a safety margin for tokenizer differences (default 0.05). */
  marginFraction: number;
  /** A copied span of this many words or more is flagged (default 8). */
  verbatimWords: number;
  prompt: PromptTemplate;
  notesPrompt: PromptTemplate;
  reducePrompt: PromptTemplate;
}

export const DEFAULT_MINE_OPTIONS: MineOptions = {
  minWords: 150,
  maxWords: 300,
  decoding: { temperature: 0.7, maxTokens: 700 },
  seed: 1,
  historyMode: 'map-reduce',
  maxChunks: 8,
  notesWords: 200,
  marginFraction: 0.05,
  verbatimWords: DEFAULT_VERBATIM_WORDS,
  prompt: PERSONA_PROMPT,
  notesPrompt: CHUNK_NOTES_PROMPT,
  reducePrompt: PERSONA_FROM_NOTES_PROMPT,
};

export function mineOptions(over: Partial<MineOptions> = {}): MineOptions {
  const o = { ...DEFAULT_MINE_OPTIONS, ...over, decoding: { ...DEFAULT_MINE_OPTIONS.decoding, ...over.decoding } };
  if (!(o.minWords > 0 && o.maxWords >= o.minWords)) throw new AppError('InputError', `Persona length ${o.minWords}–${o.maxWords} words is not a range; give 0 < min ≤ max.`);
  if (!(o.maxChunks >= 1)) throw new AppError('InputError', 'maxChunks must be at least 1.');
  return o;
}

export interface AuthorInput {
  corpusId: string;
  author: string;
  meta: Record<string, string>;
  posts: readonly SelectablePost[];
}

/** Per-author seed: the same author gets the same seed in every run with the same base seed. */
export function authorSeed(seed: number, author: string): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a32(author)) >>> 0;
}

/** Persona meta from the corpus's author metadata: self-reported fields kept, an age band derived. */
export function personaMeta(meta: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...meta };
  const age = Number(meta['age']);
  if (meta['age'] !== undefined && Number.isFinite(age) && !out['ageBand']) {
    const band = age < 25 ? AGE_BANDS[0] : age < 35 ? AGE_BANDS[1] : age < 45 ? AGE_BANDS[2] : age < 55 ? AGE_BANDS[3] : AGE_BANDS[4];
    if (age >= 18) out['ageBand'] = band;
  }
  delete out['name'];
  return out;
}

/** Mines one author's persona. Throws InputError when the author has no usable posts. */
export async function mineAuthor(ctx: StageContext, input: AuthorInput, options: MineOptions = DEFAULT_MINE_OPTIONS): Promise<StoredPersona> {
  const { llm, model, signal } = ctx;
  const started = Date.now();
  const seed = authorSeed(options.seed, input.author);
  const decoding: DecodingOptions = { ...options.decoding, seed };
  const stripped = emptyCounts();
  const clean = input.posts
    .filter((p) => p.text.trim().length > 0)
    .map((p) => {
      const s = stripIdentifiers(p.text);
      for (const k of Object.keys(stripped) as (keyof typeof stripped)[]) stripped[k] += s.counts[k];
      return { seq: p.seq, date: p.date, text: s.text };
    });
  if (clean.length === 0) throw new AppError('InputError', `Author ${input.author} has no posts with text; nothing to mine.`);

  // Budget: the context minus the prompt around the posts, the answer and a margin.
  const context = options.contextTokens ?? model.contextWindow;
  const frame = fillTemplate(options.prompt.user, { postCount: clean.length, minWords: options.minWords, maxWords: options.maxWords, posts: '' });
  const overhead = (await llm.countTokens(options.prompt.system)) + (await llm.countTokens(frame)) + 16;
  const answer = options.decoding.maxTokens ?? 700;
  const budget = Math.floor(context * (1 - options.marginFraction)) - overhead - answer;
  if (budget < 64) {
    throw new AppError('ModelError', `The model's context (${context} tokens) leaves only ${budget} tokens for posts; choose a model with a longer context or lower maxTokens.`);
  }

  const prepared = await preparePosts(clean, (t) => llm.countTokens(t), budget);
  const total = prepared.reduce((s, p) => s + p.tokens, 0);
  const selection: PostSelection = {
    available: input.posts.length, used: 0, tokens: 0, mode: 'direct', chunks: 1,
    truncated: 0, stripped, seqs: [],
  };
  let used: PreparedPost[];
  let text: string;
  let promptTokens = 0;
  let completionTokens = 0;
  let finishReason: 'stop' | 'length' = 'stop';
  let mapPrompt: MineDetail['mapPrompt'];
  const persona = options.historyMode === 'map-reduce' && total > budget ? options.reducePrompt : options.prompt;

  if (total <= budget || options.historyMode === 'sample') {
    used = selectWithinBudget(prepared, budget);
    const user = fillTemplate(options.prompt.user, { postCount: used.length, minWords: options.minWords, maxWords: options.maxWords, posts: renderPosts(used) });
    const r = await withAbort(signal, llm, () => llm.chat({ messages: [{ role: 'system', content: options.prompt.system }, { role: 'user', content: user }], decoding }));
    ({ text } = r);
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    finishReason = r.finishReason;
  } else {
    // Map: notes per chunk of an evenly spread subset that fits maxChunks chunks.
    const notesFrame = fillTemplate(options.notesPrompt.user, { chunkIndex: 1, chunkCount: 1, maxWords: options.notesWords, posts: '' });
    const notesAnswer = Math.ceil(options.notesWords * 2);
    const chunkBudget = Math.floor(context * (1 - options.marginFraction)) - (await llm.countTokens(options.notesPrompt.system)) - (await llm.countTokens(notesFrame)) - notesAnswer - 16;
    if (chunkBudget < 64) throw new AppError('ModelError', `The model's context (${context} tokens) is too small for map-reduce mining.`);
    const fitting = prepared.filter((p) => p.tokens <= chunkBudget);
    used = selectWithinBudget(fitting, chunkBudget * options.maxChunks);
    const chunks = packChunks(used, chunkBudget);
    const notes: string[] = [];
    for (let c = 0; c < chunks.length; c++) {
      const user = fillTemplate(options.notesPrompt.user, { chunkIndex: c + 1, chunkCount: chunks.length, maxWords: options.notesWords, posts: renderPosts(chunks[c]!) });
      const r = await withAbort(signal, llm, () =>
        llm.chat({ messages: [{ role: 'system', content: options.notesPrompt.system }, { role: 'user', content: user }], decoding: { ...decoding, maxTokens: notesAnswer, seed: seed + c + 1 } }),
      );
      notes.push(`Chunk ${c + 1}:\n${r.text.trim()}`);
      promptTokens += r.promptTokens;
      completionTokens += r.completionTokens;
    }
    const user = fillTemplate(options.reducePrompt.user, { postCount: used.length, minWords: options.minWords, maxWords: options.maxWords, notes: notes.join('\n\n') });
    const r = await withAbort(signal, llm, () => llm.chat({ messages: [{ role: 'system', content: options.reducePrompt.system }, { role: 'user', content: user }], decoding }));
    ({ text } = r);
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    finishReason = r.finishReason;
    selection.mode = 'map-reduce';
    selection.chunks = chunks.length;
    mapPrompt = await promptRef(options.notesPrompt);
  }
  text = text.trim();
  selection.used = used.length;
  selection.tokens = used.reduce((s, p) => s + p.tokens, 0);
  selection.truncated = used.filter((p) => p.truncated).length;
  selection.seqs = used.map((p) => p.seq);

  const detail: MineDetail = {
    provenance: provenance(model, await promptRef(persona), decoding, options.seed),
    selection,
    // Against every stripped post, not just the used ones: copying from any of them counts.
    verbatim: findVerbatimSpans(text, clean.map((p) => p.text), options.verbatimWords),
    verbatimWords: options.verbatimWords,
    promptTokens,
    completionTokens,
    finishReason,
    ms: Date.now() - started,
  };
  if (mapPrompt) detail.mapPrompt = mapPrompt;
  return {
    id: minedPersonaId(input.corpusId, input.author),
    source: { kind: 'mined', corpusId: input.corpusId, author: input.author },
    corpusId: input.corpusId,
    text,
    meta: personaMeta(input.meta),
    status: 'mined',
    stages: { mine: detail },
  };
}
