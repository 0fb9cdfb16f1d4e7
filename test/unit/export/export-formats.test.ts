// Exports of a final set: every format from a real Align run in Node, validated against the
// framework's documented schema (test/unit/export/schemas.ts), read back, and carrying the same
// numbers; hostile persona content survives as data and CSV formula cells are guarded.
import { beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import Papa from 'papaparse';
import { unzipSync, strFromU8 } from 'fflate';
import { parquetReadObjects } from 'hyparquet';
import type { StoredRun } from '../../../src/contracts/run';
import { TRAITS } from '../../../src/core/traits';
import { EXPORT_FORMATS, exportRun, finalSetOf, finalSetCsv, finalSetJsonl, finalSetParquet, oasisRedditJson, oasisTwitterCsv, referencePercentiles, systemPromptJsonl, tinyTroupeFiles, tinyTroupeZip, type FinalSet } from '../../../src/core/export';
import { OASIS_REDDIT_SCHEMA, OASIS_TWITTER_ROW_SCHEMA, SYSTEM_PROMPT_LINE_SCHEMA, TINYTROUPE_SCHEMA } from './schemas';
import { demoRun, HOSTILE, hostileRun } from './fixtures';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
function valid(schema: object, value: unknown): void {
  const check = ajv.compile(schema);
  const ok = check(value);
  expect(ok ? [] : check.errors).toEqual([]);
}

let run: StoredRun;
let set: FinalSet;
let hostile: FinalSet;
beforeAll(async () => {
  run = await demoRun('is', 60);
  set = finalSetOf(run);
  hostile = finalSetOf(hostileRun());
});

describe('final set rows', () => {
  it('one row per selected index with the pool trait scores, the persona record and provenance', () => {
    const r = run.result!;
    expect(set.rows.length).toBe(r.selected.length);
    set.rows.forEach((row, j) => {
      const i = r.selected[j]!;
      expect(row.id).toBe(r.poolIds[i]);
      TRAITS.forEach((t, k) => expect(row.traits[t]).toBe(r.pool.points[i * 5 + k]));
      expect(row.text).toBe(r.records!.find((p) => p.id === row.id)!.text);
      expect(row.provenance.sourceKind).toBe('demo');
      expect(row.provenance.poolSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row.provenance.selectedSha256).toBe((r.manifest.result as { selectedSha256: string }).selectedSha256);
      expect(row.importanceWeight).not.toBeNull(); // the IS method computes importance weights
    });
  });

  it('percentiles are weighted mid-ranks of the reference points', () => {
    // Hand-computable: values 1, 2, 2, 3 with weights 1, 1, 1, 1 → 2 sits at (1 + 2/2)/4 = 50%.
    const pts = new Float32Array(4 * 5);
    [1, 2, 2, 3].forEach((v, i) => (pts[i * 5] = v));
    const pct = referencePercentiles(pts, new Float64Array([1, 1, 1, 1]), 4);
    expect(pct(0, 2)).toBeCloseTo(50);
    expect(pct(0, 0.5)).toBe(0);
    expect(pct(0, 9)).toBe(100);
    expect(pct(0, 1)).toBeCloseTo(12.5);
    // Weights count: the value 3 weighted 3× moves 2 down to (1 + 1)/6.
    const w = referencePercentiles(pts, new Float64Array([1, 1, 1, 3]), 4);
    expect(w(0, 2)).toBeCloseTo((100 * 2) / 6);
    // Against the run's reference: the mean percentile of reference points themselves is ~50.
    const r = run.result!;
    const ref = referencePercentiles(r.reference.points, r.reference.weights, r.reference.n);
    const mean = Array.from({ length: r.reference.n }, (_, i) => ref(0, r.reference.points[i * 5]!)).reduce((a, b) => a + b, 0) / r.reference.n;
    expect(mean).toBeCloseTo(50, 0);
  });

  it('a run that is not done cannot be exported', () => {
    expect(() => finalSetOf({ ...run, status: 'running' })).toThrow(/has not finished/);
  });
});

describe('research formats', () => {
  it('JSONL: one object per persona, round-trips the rows exactly', () => {
    const lines = finalSetJsonl(set).trimEnd().split('\n');
    expect(lines.length).toBe(set.rows.length);
    lines.forEach((l, j) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      const row = set.rows[j]!;
      expect(o.id).toBe(row.id);
      expect(o.text).toBe(row.text);
      expect(o.traits).toEqual(row.traits);
      expect(o.percentiles).toEqual(row.percentiles);
      expect(o.provenance).toEqual(row.provenance);
      expect(o.source).toEqual(row.record!.source);
    });
  });

  it('CSV: the documented columns; papaparse reads back ids, narratives and numbers', () => {
    const parsed = Papa.parse<Record<string, string>>(finalSetCsv(set), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual(['id', 'text', ...TRAITS, ...TRAITS.map((t) => `${t}_percentile`), 'weight', 'importance_weight', 'group', 'source_kind', 'source_id', 'run_id', 'pool_sha256', 'selected_sha256', 'meta_json']);
    parsed.data.forEach((row, j) => {
      const r = set.rows[j]!;
      expect(row.id).toBe(r.id);
      expect(row.text).toBe(r.text);
      for (const t of TRAITS) expect(Number(row[t])).toBe(r.traits[t]);
      expect(Number(row.openness_percentile)).toBeCloseTo(r.percentiles.openness, 2);
      expect(JSON.parse(row.meta_json!)).toEqual(r.meta);
    });
  });

  it('Parquet: hyparquet reads back the same rows and types', async () => {
    const bytes = finalSetParquet(set);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(rows.length).toBe(set.rows.length);
    rows.forEach((row, j) => {
      const r = set.rows[j]!;
      expect(row.id).toBe(r.id);
      expect(row.text).toBe(r.text);
      for (const t of TRAITS) expect(row[t]).toBe(r.traits[t]);
      expect(row.importance_weight).toBeCloseTo(r.importanceWeight!, 12);
      expect(JSON.parse(row.meta_json as string)).toEqual(r.meta);
    });
  });
});

describe('simulator formats against their documented schemas', () => {
  it('OASIS Reddit JSON', () => {
    const profiles = JSON.parse(oasisRedditJson(set)) as { username: string; persona: string; age: number | null; country: string }[];
    valid(OASIS_REDDIT_SCHEMA, profiles);
    expect(profiles.length).toBe(set.rows.length);
    expect(new Set(profiles.map((p) => p.username)).size).toBe(profiles.length);
    profiles.forEach((p, j) => {
      const r = set.rows[j]!;
      expect(p.persona.startsWith(r.text.trim())).toBe(true);
      expect(p.persona).toContain(`Openness`);
      expect(p.age).toBe(r.meta.age ? Number(r.meta.age) : null);
    });
  });

  it('OASIS Twitter CSV: pandas-readable columns, Python list literals', () => {
    const parsed = Papa.parse<Record<string, string>>(oasisTwitterCsv(set), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length).toBe(set.rows.length);
    parsed.data.forEach((row, j) => {
      valid(OASIS_TWITTER_ROW_SCHEMA, row);
      expect(row.user_id).toBe(String(j));
    });
  });

  it('TinyTroupe .agent.json files in a zip', () => {
    const files = unzipSync(tinyTroupeZip(set));
    const names = Object.keys(files);
    expect(names.length).toBe(set.rows.length);
    for (const name of names) {
      expect(name).toMatch(/^agents\/[A-Za-z0-9_-]+\.agent\.json$/);
      valid(TINYTROUPE_SCHEMA, JSON.parse(strFromU8(files[name]!)));
    }
    const first = JSON.parse(strFromU8(files[names[0]!]!)) as { persona: { other_facts: string[]; personality: { big_five: Record<string, string> } } };
    expect(first.persona.other_facts[0]).toBe(set.rows[0]!.text.trim());
    expect(first.persona.personality.big_five.openness).toContain(set.rows[0]!.traits.openness.toFixed(2));
  });

  it('system-prompt JSONL', () => {
    const lines = systemPromptJsonl(set).trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; messages: { content: string }[] });
    expect(lines.length).toBe(set.rows.length);
    lines.forEach((l, j) => {
      valid(SYSTEM_PROMPT_LINE_SCHEMA, l);
      expect(l.id).toBe(set.rows[j]!.id);
      expect(l.messages[0]!.content).toContain(set.rows[j]!.text.trim());
    });
  });

  it('every listed format writes a non-empty file named after the run', () => {
    for (const f of EXPORT_FORMATS) {
      const file = exportRun(run, f.id);
      expect(file.filename).toMatch(new RegExp(`^persona-set-is-k60-run-is\\.${f.extension.replace('.', '\\.')}$`));
      expect(file.data.length).toBeGreaterThan(100);
    }
  });
});

describe('hostile content stays data in every export', () => {
  it('JSONL, system prompts and OASIS JSON keep each hostile string verbatim as a JSON string', () => {
    const back = finalSetJsonl(hostile).trimEnd().split('\n').map((l) => JSON.parse(l) as { text: string; meta: Record<string, string> });
    HOSTILE.forEach((h, i) => {
      expect(back[i]!.text).toContain(h);
      expect(back[i]!.meta.name).toBe(h);
    });
    const prompts = systemPromptJsonl(hostile).trimEnd().split('\n').map((l) => JSON.parse(l) as { messages: { content: string }[] });
    HOSTILE.forEach((h, i) => expect(prompts[i]!.messages[0]!.content).toContain(h));
    const oasis = JSON.parse(oasisRedditJson(hostile)) as { realname: string; username: string }[];
    valid(OASIS_REDDIT_SCHEMA, oasis); // usernames are reduced to [a-z0-9_] whatever the id holds
    HOSTILE.forEach((h, i) => expect(oasis[i]!.realname).toBe(h));
  });

  it('CSV: formula-like cells get a leading apostrophe, everything else is kept verbatim', () => {
    for (const csv of [finalSetCsv(hostile), oasisTwitterCsv(hostile)]) {
      const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
      expect(parsed.errors).toEqual([]);
      for (const row of parsed.data.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const rows = Papa.parse<Record<string, string>>(finalSetCsv(hostile), { header: true, skipEmptyLines: true }).data;
    HOSTILE.forEach((h, i) => {
      expect(rows[i]!.group).toBe(/^[=+\-@]/.test(h) ? `'${h}` : h);
      expect(rows[i]!.text).toBe(hostile.rows[i]!.text);
    });
  });

  it('TinyTroupe file names are safe whatever the persona name; contents keep the text', () => {
    const files = tinyTroupeFiles(hostile);
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
    files.forEach((f, i) => {
      expect(f.name).toMatch(/^[A-Za-z0-9_-]+\.agent\.json$/);
      const spec = JSON.parse(f.text) as { persona: { name: string } };
      valid(TINYTROUPE_SCHEMA, spec);
      expect(spec.persona.name).toBe(HOSTILE[i]);
    });
  });

  it('Parquet keeps bidi overrides and zero-width characters byte for byte', async () => {
    const bytes = finalSetParquet(hostile);
    const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as { text: string }[];
    rows.forEach((r, i) => expect(r.text).toBe(hostile.rows[i]!.text));
  });
});

describe('records given beside the run', () => {
  it('a run stored without records takes them from the caller (e.g. the persona store)', () => {
    const r = run.result!;
    const bare: StoredRun = { ...run, result: { ...r, records: undefined } as typeof r };
    expect(finalSetOf(bare).rows.every((row) => row.text === '' && row.provenance.sourceKind === 'pool-row')).toBe(true);
    const withRecords = finalSetOf(bare, r.records);
    expect(withRecords.rows.map((x) => x.text)).toEqual(set.rows.map((x) => x.text));
  });
});
