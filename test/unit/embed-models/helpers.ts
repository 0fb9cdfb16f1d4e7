/** Small fake model folders and an in-memory FileStore for the embed-models unit tests. */
import type { FileStore } from '../../../src/embed-models/cache';
import type { FolderFile } from '../../../src/embed-models/folder';

const json = (v: unknown): Blob => new Blob([JSON.stringify(v)]);

/** A folder with config, tokenizer and the given weight files (fake bytes of the given sizes). */
export function fakeFolder(weights: Record<string, number> = { 'onnx/model.onnx': 64 }, omit: string[] = []): FolderFile[] {
  const files: FolderFile[] = [
    { path: 'config.json', file: json({ model_type: 'bert', hidden_size: 384 }) },
    // A real (tiny) WordPiece tokenizer, so a load gets past the tokenizer to the fake weights.
    {
      path: 'tokenizer.json',
      file: json({
        version: '1.0',
        added_tokens: [],
        normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
        pre_tokenizer: { type: 'BertPreTokenizer' },
        post_processor: null,
        decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
        model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, hello: 4 } },
      }),
    },
    { path: 'tokenizer_config.json', file: json({ model_max_length: 512, tokenizer_class: 'BertTokenizer', do_lower_case: true }) },
    { path: 'README.md', file: new Blob(['# model card']) },
    ...Object.entries(weights).map(([path, n]) => ({ path, file: new Blob([new Uint8Array(n).fill(7)]) })),
  ];
  return files.filter((f) => !omit.includes(f.path));
}

export interface MemoryStore extends FileStore {
  map: Map<string, Blob>;
  puts: string[];
}

/** Cache Storage stand-in; `failAfter` makes the n-th put (0-based) throw `failWith`. */
export function memoryStore(failAfter?: number, failWith: unknown = new DOMException('full', 'QuotaExceededError')): MemoryStore {
  const map = new Map<string, Blob>();
  const puts: string[] = [];
  return {
    map,
    puts,
    async keys() {
      return [...map.keys()];
    },
    async put(url, data) {
      if (failAfter !== undefined && puts.length >= failAfter) throw failWith;
      puts.push(url);
      map.set(url, data);
    },
    async size(url) {
      return map.get(url)?.size;
    },
    async delete(url) {
      map.delete(url);
    },
  };
}

/** The rejection of `p` as an Error (throws when `p` resolves, failing the test). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`rejected with a non-Error: ${String(e)}`);
  }
  throw new Error('expected the promise to reject, but it resolved');
}
