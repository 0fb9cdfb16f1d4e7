/**
 * Parquet of the final set (hyparquet-writer; the app reads Parquet with its companion hyparquet):
 * the CSV's columns with typed numbers and meta as a JSON string column; Snappy pages (the writer's
 * built-in default, which hyparquet, pandas and DuckDB all read).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { TRAITS } from '../traits';
import type { FinalSet } from './final-set';

export function finalSetParquet(set: FinalSet): Uint8Array {
  const rows = set.rows;
  const num = (f: (i: number) => number | null): (number | null)[] => rows.map((_, i) => f(i));
  const columnData = [
    { name: 'id', data: rows.map((r) => r.id), type: 'STRING' as const },
    { name: 'text', data: rows.map((r) => r.text), type: 'STRING' as const },
    ...TRAITS.map((t) => ({ name: t, data: num((i) => rows[i]!.traits[t]), type: 'DOUBLE' as const })),
    ...TRAITS.map((t) => ({ name: `${t}_percentile`, data: num((i) => finite(rows[i]!.percentiles[t])), type: 'DOUBLE' as const })),
    { name: 'weight', data: num((i) => rows[i]!.weight), type: 'DOUBLE' as const },
    { name: 'importance_weight', data: num((i) => rows[i]!.importanceWeight), type: 'DOUBLE' as const },
    { name: 'group', data: rows.map((r) => r.group), type: 'STRING' as const },
    { name: 'source_kind', data: rows.map((r) => r.provenance.sourceKind), type: 'STRING' as const },
    { name: 'source_id', data: rows.map((r) => r.provenance.sourceId), type: 'STRING' as const },
    { name: 'run_id', data: rows.map((r) => r.provenance.runId), type: 'STRING' as const },
    { name: 'pool_sha256', data: rows.map((r) => r.provenance.poolSha256), type: 'STRING' as const },
    { name: 'selected_sha256', data: rows.map((r) => r.provenance.selectedSha256), type: 'STRING' as const },
    { name: 'meta_json', data: rows.map((r) => JSON.stringify(r.meta)), type: 'STRING' as const },
  ];
  return new Uint8Array(parquetWriteBuffer({ columnData, kvMetadata: [{ key: 'persona-align.run', value: set.runId }] }));
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
