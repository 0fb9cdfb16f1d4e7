/** A tiny fake MLC model folder (a few hundred bytes, valid tensor-cache.json) for cache/import tests. */
import type { ModelRecord } from '@mlc-ai/web-llm';
import type { FolderFile } from '../../../src/llm/webllm/folder';

export function fakeRecord(name: string): ModelRecord {
  return {
    model: `https://huggingface.co/test-org/${name}-q4f32_1-MLC`,
    model_id: `${name}-q4f32_1-MLC`,
    model_lib: `https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/${name}-q4f32_1_cs1k-webgpu.wasm`,
    vram_required_MB: 100,
    low_resource_required: true,
    overrides: { context_window_size: 1024 },
  };
}

const json = (v: unknown): Blob => new Blob([JSON.stringify(v)], { type: 'application/json' });
const bytes = (n: number, fill: number): Blob => new Blob([new Uint8Array(n).fill(fill)]);

export function fakeFolder(name: string, opts: { legacyManifest?: boolean } = {}): FolderFile[] {
  const manifest = {
    metadata: { ParamSize: 3, ParamBytes: 192, BitsPerParam: 32 },
    records: [0, 1, 2].map((i) => ({
      dataPath: `params_shard_${i}.bin`,
      format: 'raw-shard',
      nbytes: 64,
      records: [{ name: `w${i}`, shape: [16], dtype: 'float32', format: 'raw', nbytes: 64, byteOffset: 0 }],
    })),
  };
  return [
    { path: 'mlc-chat-config.json', file: json({ tokenizer_files: ['tokenizer.json', 'tokenizer_config.json'], context_window_size: 1024, conv_template: {} }) },
    { path: opts.legacyManifest ? 'ndarray-cache.json' : 'tensor-cache.json', file: json(manifest) },
    { path: 'params_shard_0.bin', file: bytes(64, 1) },
    { path: 'params_shard_1.bin', file: bytes(64, 2) },
    { path: 'params_shard_2.bin', file: bytes(64, 3) },
    { path: 'tokenizer.json', file: json({ model: { vocab: {} } }) },
    { path: 'tokenizer_config.json', file: json({}) },
    { path: `${name}-q4f32_1_cs1k-webgpu.wasm`, file: bytes(32, 0) },
  ];
}
