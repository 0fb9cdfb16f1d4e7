/**
 * Reading and checking an MLC model folder picked by the user (offline import, e.g. copied from a
 * USB stick): mlc-chat-config.json, tensor-cache.json (or the older ndarray-cache.json),
 * params_shard_*.bin, tokenizer files, and the model library .wasm. Nothing is written here; the
 * check runs before cache.ts writes anything. Works on Blobs, so Node tests run it too.
 */
import type { ModelRecord } from '@mlc-ai/web-llm';
import { AppError } from '../../core/errors';
import { CHAT_CONFIG, LEGACY_TENSOR_MANIFEST, TENSOR_MANIFEST, wasmFileName } from './urls';

export interface FolderFile {
  /** Path inside the picked folder, without the folder's own name ("params_shard_0.bin", "sub/x"). */
  path: string;
  file: Blob;
}

export interface TensorShard {
  dataPath: string;
  nbytes: number;
  records: Array<{ name: string; nbytes: number; byteOffset: number }>;
}

export interface TensorManifest {
  metadata?: Record<string, unknown>;
  records: TensorShard[];
}

export interface CheckedFolder {
  record: ModelRecord;
  /** The files to write, by name relative to the model URL (the manifest under tensor-cache.json). */
  modelFiles: FolderFile[];
  manifest: TensorManifest;
  manifestFile: Blob;
  config: Blob;
  wasm: Blob;
  totalBytes: number;
}

/** Files from <input type="file" webkitdirectory>: drops the top folder name from webkitRelativePath. */
export function filesFromInput(list: ArrayLike<File>): FolderFile[] {
  const out: FolderFile[] = [];
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (!f) continue;
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    out.push({ path: rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel, file: f });
  }
  return out;
}

interface DirHandle {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirHandle | { kind: 'file'; name: string; getFile(): Promise<File> }>;
}

/** Files from showDirectoryPicker() (Chromium). */
export async function filesFromDirectory(dir: DirHandle, prefix = ''): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  for await (const entry of dir.values()) {
    if (entry.kind === 'file') out.push({ path: prefix + entry.name, file: await entry.getFile() });
    else out.push(...(await filesFromDirectory(entry, `${prefix}${entry.name}/`)));
  }
  return out;
}

/** The folder name a set of input files came from (for matching it to a registry entry). */
export function folderName(list: ArrayLike<File>): string | undefined {
  const f = list[0] as (File & { webkitRelativePath?: string }) | undefined;
  const rel = f?.webkitRelativePath ?? '';
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : undefined;
}

/**
 * Checks the folder against the model record. Throws one InputError that lists every problem
 * (missing files by name, wrong sizes, malformed JSON) so the user can fix the folder in one go.
 */
export async function checkModelFolder(files: readonly FolderFile[], record: ModelRecord): Promise<CheckedFolder> {
  if (record.model_manifest !== undefined) {
    throw new AppError('InputError', `${record.model_id} loads through a model package manifest, which folder import does not support yet. Download it instead.`);
  }
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const problems: string[] = [];
  const missing: string[] = [];

  const config = byPath.get(CHAT_CONFIG);
  if (!config) missing.push(CHAT_CONFIG);
  const manifestName = byPath.has(TENSOR_MANIFEST) ? TENSOR_MANIFEST : byPath.has(LEGACY_TENSOR_MANIFEST) ? LEGACY_TENSOR_MANIFEST : undefined;
  if (!manifestName) missing.push(`${TENSOR_MANIFEST} (or ${LEGACY_TENSOR_MANIFEST})`);
  const wasmName = wasmFileName(record);
  const wasm = byPath.get(wasmName) ?? byPath.get(`lib/${wasmName}`);
  if (!wasm) missing.push(`${wasmName} (the model library from github.com/mlc-ai/binary-mlc-llm-libs, ${record.model_lib})`);

  const tokenizerNames: string[] = [];
  if (config) {
    const parsed = await readJson(config, CHAT_CONFIG, problems);
    const tf = isRecord(parsed) ? parsed.tokenizer_files : undefined;
    if (parsed !== undefined && !Array.isArray(tf)) problems.push(`${CHAT_CONFIG} has no tokenizer_files list.`);
    else if (Array.isArray(tf)) {
      // web-llm reads tokenizer.json when listed, else tokenizer.model; copy every listed file present.
      const listed = tf.filter((x): x is string => typeof x === 'string');
      const needed = listed.includes('tokenizer.json') ? 'tokenizer.json' : listed.includes('tokenizer.model') ? 'tokenizer.model' : undefined;
      if (!needed) problems.push(`${CHAT_CONFIG} lists neither tokenizer.json nor tokenizer.model; web-llm cannot load its tokenizer.`);
      else if (!byPath.has(needed)) missing.push(needed);
      for (const name of listed) if (byPath.has(name)) tokenizerNames.push(name);
    }
  }

  let manifest: TensorManifest | undefined;
  const manifestFile = manifestName ? byPath.get(manifestName) : undefined;
  if (manifestName && manifestFile) {
    const parsed = await readJson(manifestFile, manifestName, problems);
    if (parsed !== undefined) {
      manifest = parseManifest(parsed, manifestName, problems);
      for (const shard of manifest?.records ?? []) {
        const f = byPath.get(shard.dataPath);
        if (!f) missing.push(shard.dataPath);
        else if (f.size !== shard.nbytes) problems.push(`${shard.dataPath} has ${f.size} bytes; ${manifestName} says ${shard.nbytes}. The copy is incomplete: copy it again.`);
      }
    }
  }

  if (missing.length > 0) problems.unshift(`Missing from the folder: ${missing.join(', ')}.`);
  if (problems.length > 0 || !config || !manifest || !manifestFile || !wasm) {
    throw new AppError('InputError', `This is not a complete MLC model folder for ${record.model_id}. ${problems.join(' ')}`);
  }
  const modelFiles: FolderFile[] = [
    ...manifest.records.map((s) => ({ path: s.dataPath, file: byPath.get(s.dataPath) as Blob })),
    ...tokenizerNames.map((n) => ({ path: n, file: byPath.get(n) as Blob })),
  ];
  const totalBytes = [...modelFiles.map((f) => f.file), manifestFile, config, wasm].reduce((s, b) => s + b.size, 0);
  return { record, modelFiles, manifest, manifestFile, config, wasm, totalBytes };
}

function parseManifest(v: unknown, name: string, problems: string[]): TensorManifest | undefined {
  if (!isRecord(v) || !Array.isArray(v.records)) {
    problems.push(`${name} has no "records" list.`);
    return undefined;
  }
  const shards: TensorShard[] = [];
  v.records.forEach((r: unknown, i: number) => {
    if (!isRecord(r) || typeof r.dataPath !== 'string' || typeof r.nbytes !== 'number' || !Array.isArray(r.records)) {
      problems.push(`${name} record ${i} lacks dataPath, nbytes or records.`);
      return;
    }
    if (r.dataPath.includes('..') || r.dataPath.startsWith('/')) {
      problems.push(`${name} record ${i} points outside the folder (${r.dataPath}).`);
      return;
    }
    const tensors: TensorShard['records'] = [];
    for (const t of r.records as unknown[]) {
      if (!isRecord(t) || typeof t.nbytes !== 'number' || typeof t.byteOffset !== 'number') {
        problems.push(`${name}: a tensor in ${r.dataPath} lacks nbytes or byteOffset.`);
        continue;
      }
      if (t.byteOffset < 0 || t.byteOffset + t.nbytes > r.nbytes) {
        problems.push(`${name}: tensor ${String(t.name)} lies outside ${r.dataPath} (offset ${t.byteOffset} + ${t.nbytes} > ${r.nbytes}).`);
      }
      tensors.push({ name: String(t.name), nbytes: t.nbytes, byteOffset: t.byteOffset });
    }
    shards.push({ dataPath: r.dataPath, nbytes: r.nbytes, records: tensors });
  });
  if (shards.length === 0 && problems.length === 0) problems.push(`${name} lists no weight shards.`);
  return { metadata: isRecord(v.metadata) ? v.metadata : undefined, records: shards };
}

async function readJson(b: Blob, name: string, problems: string[]): Promise<unknown> {
  try {
    return JSON.parse(await b.text()) as unknown;
  } catch {
    problems.push(`${name} is not valid JSON.`);
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
