/**
 * Persona import throughput in Node: `npm run bench -- persona-import [--n 100000]`.
 *
 * Writes n seeded synthetic personas (default 10^5: id, a 60–120-word text from a varied
 * vocabulary, age, region, five trait scores on 0–1) to a temp folder as JSONL, CSV and Parquet
 * (row groups of 10,000), then streams each through readPersonaRecords with a mapping that uses
 * every field (text, id, meta, traits normalised to 1–5), consuming batches as a store would:
 * personas/s, MB/s and peak heap (sampled every 50 ms and at every batch). The Parquet row shows
 * row-group reading; the JSONL/CSV rows are the streamed paths the 10^5–10^6 imports take.
 * Run with NODE_OPTIONS=--expose-gc for a clean heap baseline (a GC before each file).
 */
import { mkdtempSync, openAsBlob, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import Papa from 'papaparse';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { blobSource, readPersonaRecords, type PersonaMapping } from '../src/core/persona-import';
import { Rng } from '../src/core/rng';
import { TRAITS } from '../src/core/traits';

function nArg(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--n=')) return Number(a.slice(4));
    if (a === '--n') return Number(args[i + 1]);
  }
  return 100_000;
}

interface Row { id: string; persona: string; age: number; region: string; o: number; c: number; e: number; a: number; n: number }

function rows(n: number, seed: number): Row[] {
  const rng = new Rng(seed);
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  const vocab: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const len = 2 + Math.min(9, Math.floor(-Math.log(1 - rng.next()) * 3));
    let w = '';
    for (let k = 0; k < len; k++) w += letters[Math.min(25, Math.floor(-Math.log(1 - rng.next()) * 5))];
    vocab.push(w);
  }
  vocab.push('café', 'naïve', '"quoted"', 'a,b', '—');
  const regions = ['north', 'south', 'east', 'west', 'centre'];
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const words = 60 + rng.int(61);
    const ws: string[] = [];
    for (let k = 0; k < words; k++) ws.push(vocab[rng.int(vocab.length)]!);
    out.push({ id: `p${i}`, persona: ws.join(' ') + '.', age: 18 + rng.int(70), region: regions[rng.int(regions.length)]!, o: rng.next(), c: rng.next(), e: rng.next(), a: rng.next(), n: rng.next() });
  }
  return out;
}

const MAPPING: PersonaMapping = {
  preset: 'generic', text: [{ field: 'persona' }], id: 'id', meta: { age: 'age', region: 'region' },
  traits: { fields: { openness: 'o', conscientiousness: 'c', extraversion: 'e', agreeableness: 'a', neuroticism: 'n' }, scale: '0-1' },
};

const heapMb = (): number => getHeapStatistics().used_heap_size / 1048576;

async function measure(path: string, label: string): Promise<string[]> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = heapMb();
  const sample = setInterval(() => (peak = Math.max(peak, heapMb())), 50);
  const t0 = performance.now();
  let records = 0;
  let withTraits = 0;
  try {
    const source = blobSource(await openAsBlob(path), path);
    for await (const b of readPersonaRecords(source, { mapping: MAPPING, batchSize: 1000 })) {
      records += b.records.length;
      for (const r of b.records) if (r.traits) withTraits++;
      peak = Math.max(peak, heapMb());
    }
  } finally {
    clearInterval(sample);
  }
  const s = (performance.now() - t0) / 1000;
  const mb = statSync(path).size / 1048576;
  if (withTraits !== records) throw new Error(`${label}: ${records - withTraits} personas lost their traits`);
  return [label, mb.toFixed(1), records.toLocaleString('en'), s.toFixed(2), Math.round(records / s).toLocaleString('en'), (mb / s).toFixed(1), peak.toFixed(0)];
}

export default async function run(args: string[]): Promise<void> {
  const n = nArg(args);
  if (!(Number.isInteger(n) && n > 0)) throw new Error('--n needs a whole number > 0');
  const dir = mkdtempSync(join(tmpdir(), 'persona-import-bench-'));
  try {
    const data = rows(n, 7);
    const jsonl = join(dir, 'personas.jsonl');
    writeFileSync(jsonl, data.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const csv = join(dir, 'personas.csv');
    writeFileSync(csv, Papa.unparse(data, { newline: '\n' }) + '\n');
    const parquet = join(dir, 'personas.parquet');
    const cols = Object.keys(data[0]!) as (keyof Row)[];
    writeFileSync(parquet, new Uint8Array(parquetWriteBuffer({
      columnData: cols.map((name) => ({ name, data: data.map((r) => r[name]), type: typeof data[0]![name] === 'string' ? ('STRING' as const) : ('DOUBLE' as const) })),
      rowGroupSize: 10_000,
    })));
    data.length = 0;
    console.log(`${n.toLocaleString('en')} synthetic personas (seed 7), mapping: text, id, 2 meta, 5 traits (0–1 → 1–5); ${TRAITS.length} traits each`);
    const head = ['input', 'MB', 'personas', 's', 'personas/s', 'MB/s', 'peak heap MB'];
    const table = [head, await measure(jsonl, 'JSONL'), await measure(csv, 'CSV'), await measure(parquet, 'Parquet')];
    const widths = head.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
