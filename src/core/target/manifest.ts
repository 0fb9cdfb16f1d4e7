/**
 * The target run manifest: everything needed to repeat or judge a target build — the inputs with
 * SHA-256, the query and the target spec, the embedder's modelId, the adapter's options and
 * held-out scores, the query set's id/version/hash (and its prompt when an LLM wrote it), the
 * alignment method, the seed, the counts at each step, the energy distances of the four selections
 * and the SHA-256 of each selection. Same seed and inputs ⇒ same selection hashes.
 */
import { APP_INFO, PACKAGE_VERSIONS } from '../package-info';
import { sha256Hex } from '../stages/hash';
import type { PreparedPool, SelectionKey, TargetCounts, TargetResult } from './build';
import { SELECTION_KEYS } from './build';
import { TEMPLATE_VERSION } from './queries';
import type { TargetSpec } from './spec';

export const TARGET_MANIFEST_FORMAT = 'persona-align/target-run@1';

export interface TargetManifest {
  format: typeof TARGET_MANIFEST_FORMAT;
  app: { name: string; version: string };
  /** Declared versions of the runtime libraries (package.json `dependencies`). */
  packages: Record<string, string>;
  createdAt: string;
  seed: number;
  query: string;
  spec: TargetSpec;
  inputs: {
    pool: { name: string; sha256: string; records: number; withTraits: number };
    reference: { name: string; n: number; label: 'approximate' | null; details: Record<string, unknown>; notes: string[] };
  };
  embedder: { modelId: string; backend: string; dim: number; normalized: boolean };
  adapter: null | {
    options: Record<string, unknown>;
    before: { recallAtK: number; ndcgAtK: number; k: number; queries: number };
    after: { recallAtK: number; ndcgAtK: number; k: number; queries: number };
    epochs: number;
    stoppedEarly: boolean;
    filteredNegatives: number;
    backend: string;
    querySet: NonNullable<PreparedPool['adapter']>['querySet'];
  };
  retrieval: { candidates: TargetSpec['candidates']; topK: string };
  method: string;
  align: TargetResult['align'];
  counts: TargetCounts;
  evaluation: TargetResult['evaluation'];
  unit: string;
  diagnosticsReferenceSubsample: number | null;
  results: Record<SelectionKey, { energy: number; inGroupShare: number | null; meanScore: number; selectedSha256: string }>;
  floor: { energy: number } | null;
  versions: { templates: number; manifest: string };
  timings: Record<string, number>;
}

export async function buildTargetManifest(prepared: PreparedPool, r: TargetResult, topKBackend = 'cpu', createdAt = new Date()): Promise<TargetManifest> {
  const results = {} as TargetManifest['results'];
  for (const key of SELECTION_KEYS) {
    const s = r.selections[key];
    results[key] = { energy: s.diagnostics.energy, inGroupShare: s.inGroupShare, meanScore: s.meanScore, selectedSha256: await selectionSha256(s.indices, prepared) };
  }
  const a = prepared.adapter;
  return {
    format: TARGET_MANIFEST_FORMAT,
    app: { ...APP_INFO },
    packages: { ...PACKAGE_VERSIONS },
    createdAt: createdAt.toISOString(),
    seed: r.spec.seed,
    query: r.spec.query,
    spec: r.spec,
    inputs: {
      pool: { name: prepared.name, sha256: prepared.sha256, records: prepared.counts.records, withTraits: prepared.counts.withTraits },
      reference: { name: r.reference.name, n: r.reference.cloud.n, label: r.reference.label, details: r.reference.details, notes: r.reference.notes },
    },
    embedder: { modelId: prepared.embedder.modelId, backend: prepared.embedder.backend, dim: prepared.dim, normalized: prepared.normalized },
    adapter: a
      ? {
          options: { ...a.report.options },
          before: { ...a.report.before },
          after: { ...a.report.after },
          epochs: a.report.epochs,
          stoppedEarly: a.report.stoppedEarly,
          filteredNegatives: a.report.filteredNegatives,
          backend: a.report.backend,
          querySet: a.querySet,
        }
      : null,
    retrieval: { candidates: r.spec.candidates, topK: topKBackend },
    method: r.spec.method,
    align: r.align,
    counts: r.counts,
    evaluation: r.evaluation,
    unit: r.unit,
    diagnosticsReferenceSubsample: r.referenceSubsample ?? null,
    results,
    floor: r.floor ? { energy: r.floor.energy } : null,
    versions: { templates: TEMPLATE_VERSION, manifest: TARGET_MANIFEST_FORMAT },
    timings: { ...prepared.timings, ...r.timings },
  };
}

/** SHA-256 of the selected persona ids joined by commas (pool order): equal ⇔ same selection. */
export function selectionSha256(indices: ArrayLike<number>, prepared: Pick<PreparedPool, 'records'>): Promise<string> {
  return sha256Hex(Array.from(indices, (i) => prepared.records[i]!.id).join(','));
}

export function targetManifestJson(m: TargetManifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}
