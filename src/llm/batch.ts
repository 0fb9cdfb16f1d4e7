import type { ChatRequest, ChatResponse, ChoiceRequest, ChoiceResponse } from '../contracts/llm';
import { AppError } from '../core/errors';
import { snippet } from './net';
import { chatBody, choiceBody, parseChoiceLogprobs, parseCompletion } from './openai';
import { estimateMessageTokens, estimateTokens } from './tokens';

/**
 * Offline batches in the OpenAI batch JSONL format, so a stage's pending requests can run on a GPU
 * box with vLLM's batch runner and come back as a file:
 *
 *   python -m vllm.entrypoints.openai.run_batch -i in.jsonl -o out.jsonl --model <model>
 *
 * Input line:  {"custom_id": "...", "method": "POST", "url": "/v1/chat/completions", "body": {...}}
 * Output line: {"custom_id": "...", "response": {"status_code": 200, "body": {choices...}}, "error": null}
 *
 * custom_id scheme: `<stage>:<part>:<part>…`, the stage a lower-case word and every part
 * percent-encoded with encodeURIComponent (so ':' inside an author name becomes %3A and ids are
 * plain ASCII). Used by the stages:
 *   mine:<corpusId>:<author>        persona mining, one per author
 *   judge:<personaId>               quality judge, one per persona
 *   q:<personaId>:<itemCode>        questionnaire, one per persona and item
 */

const STAGE = /^[a-z][a-z0-9-]*$/;

export function encodeCustomId(stage: string, ...parts: string[]): string {
  if (!STAGE.test(stage)) throw new AppError('InputError', `Batch stage "${stage}" must be a lower-case word (a-z, 0-9, -).`);
  return [stage, ...parts.map(encodeURIComponent)].join(':');
}

export function decodeCustomId(id: string): { stage: string; parts: string[] } {
  const [stage = '', ...rest] = id.split(':');
  if (!STAGE.test(stage)) throw new AppError('FormatError', `custom_id "${snippet(id, 80)}" does not start with a stage name.`);
  try {
    return { stage, parts: rest.map(decodeURIComponent) };
  } catch {
    throw new AppError('FormatError', `custom_id "${snippet(id, 80)}" has a broken %-escape.`);
  }
}

export const miningCustomId = (corpusId: string, author: string): string => encodeCustomId('mine', corpusId, author);
export const judgeCustomId = (personaId: string): string => encodeCustomId('judge', personaId);
export const questionnaireCustomId = (personaId: string, itemCode: string): string => encodeCustomId('q', personaId, itemCode);

export type BatchItem = { customId: string; chat: ChatRequest } | { customId: string; choice: ChoiceRequest };

export const BATCH_URL = '/v1/chat/completions';

/** One JSONL line (no newline) for one request. */
export function batchLine(item: BatchItem, model: string): string {
  const body = 'chat' in item ? chatBody(model, item.chat) : choiceBody(model, item.choice);
  return JSON.stringify({ custom_id: item.customId, method: 'POST', url: BATCH_URL, body });
}

/** Lines of a batch file, one per item; throws InputError on a repeated custom_id. */
export function* exportBatchLines(items: Iterable<BatchItem>, model: string): Generator<string> {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.customId)) throw new AppError('InputError', `custom_id "${item.customId}" appears twice in the batch; each request needs its own id.`);
    seen.add(item.customId);
    yield batchLine(item, model);
  }
}

/** A whole batch file as one string (newline after every line). */
export function exportBatchJsonl(items: Iterable<BatchItem>, model: string): string {
  let out = '';
  for (const line of exportBatchLines(items, model)) out += `${line}\n`;
  return out;
}

/** Chunks of a ReadableStream (e.g. File.stream()) as an async iterable, in every browser. */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

type Chunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/**
 * Lines of a chunked text (UTF-8 bytes or strings), 1-based line numbers, CR LF or LF endings.
 * Holds only the current partial line, so files larger than memory stream through.
 */
export async function* readLines(chunks: Chunks): AsyncGenerator<{ text: string; line: number }> {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let line = 0;
  const drain = function* (final: boolean): Generator<{ text: string; line: number }> {
    // One pass with a moving start (slicing the rest after every line would be quadratic in a big chunk).
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf('\n', start)) >= 0) {
      const text = buf.slice(start, nl).replace(/\r$/, '');
      start = nl + 1;
      yield { text, line: ++line };
    }
    buf = buf.slice(start);
    if (final && buf.length > 0) {
      yield { text: buf.replace(/\r$/, ''), line: ++line };
      buf = '';
    }
  };
  for await (const chunk of chunks) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* drain(false);
  }
  buf += decoder.decode();
  yield* drain(true);
}

export interface BatchResultRow {
  customId: string;
  /** 1-based line in the result file. */
  line: number;
  /** The chat-completions response body. */
  body: unknown;
}

export interface BatchImportReport {
  /** Non-blank lines read. */
  lines: number;
  /** Rows accepted into `results`. */
  ok: number;
  /** Expected ids with no row in the file (run them again). */
  missing: string[];
  /** Ids with more than one row: the first is kept, all line numbers listed. */
  duplicate: { customId: string; lines: number[] }[];
  /** Rows whose id was not expected (another batch's file?). */
  unknown: { customId: string; line: number }[];
  /** Lines that are not a usable result row (with the id when the line had one: run it again). */
  malformed: { line: number; reason: string; customId?: string }[];
  /** Rows where the server failed the request (error set or status ≠ 200). */
  failed: { customId: string; line: number; statusCode: number | undefined; message: string }[];
}

export interface BatchImport {
  results: Map<string, BatchResultRow>;
  report: BatchImportReport;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Reads a batch result file, matching rows to `expectedIds` by custom_id. Never throws for a bad
 * row: every problem lands in the report with its line number. `onRow` sees each accepted row as
 * it streams (to store it without keeping the whole file), and `keep: false` skips the Map.
 */
export async function importBatchResults(
  chunks: Chunks,
  expectedIds: Iterable<string>,
  options: { onRow?: (row: BatchResultRow) => void | Promise<void>; keep?: boolean } = {},
): Promise<BatchImport> {
  const expected = new Set(expectedIds);
  const results = new Map<string, BatchResultRow>();
  const firstLine = new Map<string, number>();
  const dupLines = new Map<string, number[]>();
  const report: BatchImportReport = { lines: 0, ok: 0, missing: [], duplicate: [], unknown: [], malformed: [], failed: [] };

  for await (const { text, line } of readLines(chunks)) {
    if (text.trim() === '') continue;
    report.lines++;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      report.malformed.push({ line, reason: `not JSON: ${snippet(text, 60)}` });
      continue;
    }
    if (!isRecord(row) || typeof row['custom_id'] !== 'string') {
      report.malformed.push({ line, reason: 'no custom_id' });
      continue;
    }
    const customId = row['custom_id'];
    const first = firstLine.get(customId);
    if (first !== undefined) {
      const lines = dupLines.get(customId) ?? [first];
      lines.push(line);
      dupLines.set(customId, lines);
      continue;
    }
    firstLine.set(customId, line);
    if (!expected.has(customId)) {
      report.unknown.push({ customId, line });
      continue;
    }
    const response = row['response'];
    const status = isRecord(response) && typeof response['status_code'] === 'number' ? response['status_code'] : undefined;
    const error = row['error'];
    if ((error !== null && error !== undefined) || (status !== undefined && status !== 200)) {
      const msg = isRecord(error) && typeof error['message'] === 'string' ? error['message'] : snippet(JSON.stringify(error ?? (isRecord(response) ? response['body'] : null)) ?? '', 120);
      report.failed.push({ customId, line, statusCode: status, message: msg });
      continue;
    }
    if (!isRecord(response) || !isRecord(response['body'])) {
      report.malformed.push({ line, customId, reason: 'no response.body' });
      continue;
    }
    const body = response['body'];
    try {
      parseCompletion(body);
    } catch (e) {
      report.malformed.push({ line, customId, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const accepted: BatchResultRow = { customId, line, body };
    report.ok++;
    if (options.keep !== false) results.set(customId, accepted);
    await options.onRow?.(accepted);
  }
  for (const [customId, lines] of dupLines) report.duplicate.push({ customId, lines });
  for (const id of expected) if (!firstLine.has(id)) report.missing.push(id);
  return { results, report };
}

/** The ChatResponse of an imported row (token counts estimated where the server gave none). */
export function chatResponseFromRow(row: BatchResultRow, req?: ChatRequest): ChatResponse {
  const p = parseCompletion(row.body);
  return {
    text: p.text,
    promptTokens: p.promptTokens ?? (req ? estimateMessageTokens(req.messages) : 0),
    completionTokens: p.completionTokens ?? estimateTokens(p.text),
    finishReason: p.finishReason,
    ms: 0,
  };
}

/** The ChoiceResponse of an imported row; ModelError when the batch ran without logprobs. */
export function choiceResponseFromRow(row: BatchResultRow, choices: readonly string[]): ChoiceResponse {
  const c = parseChoiceLogprobs(row.body, choices);
  const p = parseCompletion(row.body);
  return { logprobs: c.logprobs, coverage: c.coverage, promptTokens: p.promptTokens ?? 0, cachedPromptTokens: p.cachedTokens ?? 0, ms: 0 };
}
