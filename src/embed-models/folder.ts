/**
 * Checking a sentence-embedding model folder picked by the user for offline use (a Hub repo
 * cloned or copied from a USB stick): config.json, tokenizer.json, tokenizer_config.json and at
 * least one ONNX weight file under onnx/ (model.onnx, model_fp16.onnx, model_quantized.onnx).
 * Nothing is written here; cache.ts writes only after the check passed. Works on Blobs, so Node
 * tests run it too.
 */
import { AppError } from '../core/errors';
import type { FolderFile } from '../llm/webllm/folder';
import { EMBED_DTYPES, onnxFile, REQUIRED_FILES, type EmbedDtype, type EmbedModelEntry } from './registry';

export type { FolderFile };

export interface CheckedEmbedFolder {
  entry: EmbedModelEntry;
  /** Files to store, by their path inside the model repository ("onnx/model.onnx"). */
  files: FolderFile[];
  /** Precisions whose weights the folder holds. */
  dtypes: EmbedDtype[];
  totalBytes: number;
}

/** Accepts the Hub layout (onnx/model.onnx) and a flat one (model.onnx beside config.json). */
function repoPath(path: string): string {
  return /^model(_\w+)?\.onnx(_data(_\d+)?)?$/.test(path) ? `onnx/${path}` : path;
}

/**
 * Checks the folder against `entry`; throws one InputError naming every missing or malformed
 * file, so the user can fix the folder in one go.
 */
export async function checkEmbedFolder(files: readonly FolderFile[], entry: EmbedModelEntry): Promise<CheckedEmbedFolder> {
  const byPath = new Map<string, Blob>();
  for (const f of files) {
    if (f.path.includes('..') || f.path.startsWith('/')) continue;
    byPath.set(repoPath(f.path), f.file);
  }
  const missing: string[] = [];
  const problems: string[] = [];
  for (const name of REQUIRED_FILES) {
    const b = byPath.get(name);
    if (!b) missing.push(name);
    else if (b.size === 0) problems.push(`${name} is empty.`);
    else if (!(await isJsonObject(b))) problems.push(`${name} is not valid JSON.`);
  }
  const dtypes = EMBED_DTYPES.filter((d) => entry.weightBytes[d] !== undefined && (byPath.get(onnxFile(d))?.size ?? 0) > 0);
  if (dtypes.length === 0) {
    const offered = EMBED_DTYPES.filter((d) => entry.weightBytes[d] !== undefined).map(onnxFile);
    missing.push(`ONNX weights (one of ${offered.join(', ')})`);
  }
  if (missing.length > 0) problems.unshift(`Missing from the folder: ${missing.join(', ')}.`);
  if (problems.length > 0) {
    throw new AppError('InputError', `This is not a complete transformers.js model folder for ${entry.id}. ${problems.join(' ')} Copy the whole model repository (with its onnx/ folder) and import it again.`);
  }
  const keep = (p: string): boolean =>
    (REQUIRED_FILES as readonly string[]).includes(p) ||
    dtypes.some((d) => p === onnxFile(d) || p.startsWith(`${onnxFile(d)}_data`)) ||
    p === 'special_tokens_map.json' || p === 'vocab.txt' || p === 'sentencepiece.bpe.model';
  const out = [...byPath].filter(([p]) => keep(p)).map(([path, file]) => ({ path, file }));
  return { entry, files: out, dtypes, totalBytes: out.reduce((s, f) => s + f.file.size, 0) };
}

/** The registry entry a folder name suggests ("all-MiniLM-L6-v2" → Xenova/all-MiniLM-L6-v2). */
export function guessEntry(folder: string | undefined, registry: readonly EmbedModelEntry[]): EmbedModelEntry | undefined {
  if (!folder) return undefined;
  const f = folder.toLowerCase();
  return registry.find((e) => e.id.toLowerCase() === f || (e.id.split('/')[1] ?? '').toLowerCase() === f);
}

async function isJsonObject(b: Blob): Promise<boolean> {
  try {
    const v = JSON.parse(await b.text()) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
