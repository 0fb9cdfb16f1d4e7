/**
 * The Target stage's inputs: the persona pool (demo personas, a persona file, or a stored persona
 * set / mined corpus) as PersonaRecords with the SHA-256 the manifest needs, and each target's
 * reference through the Align stage's loader (built-in sample or stored reference with countries).
 */
import type { PersonaRecord } from '../../contracts/persona';
import { AppError } from '../../core/errors';
import { parsePersonaJsonl } from '../../core/persona-jsonl';
import type { TargetPoolInput, TargetReference } from '../../core/target/build';
import { DEMO_PERSONAS_PATH, loadReference, sha256Hex, type InputServices, type ReferenceInput } from '../align-inputs';

export type TargetPoolSource =
  | { kind: 'demo' }
  | { kind: 'jsonl'; name: string; data: Blob | string }
  /** Personas in the `personas` store under this owner (a corpus id or a persona-set id). */
  | { kind: 'stored'; ownerId: string; name: string };

export interface TargetInputServices extends InputServices {
  /** Stored personas of one owner (src/storage/persona-store.ts listPersonas); absent: no stored pools. */
  personas?: (ownerId: string) => Promise<PersonaRecord[]>;
}

export async function loadTargetPool(src: TargetPoolSource, services: TargetInputServices): Promise<TargetPoolInput> {
  const hash = services.sha256 ?? sha256Hex;
  if (src.kind === 'demo') {
    const text = await services.fetchText(DEMO_PERSONAS_PATH);
    return { name: 'demo personas (synthetic)', sha256: await hash(text), records: parsePersonaJsonl(text, 'demo personas') };
  }
  if (src.kind === 'jsonl') {
    const text = typeof src.data === 'string' ? src.data : await src.data.text();
    return { name: src.name, sha256: await hash(text), records: parsePersonaJsonl(text, src.name) };
  }
  if (!services.personas) throw new AppError('InputError', 'Stored personas are not available here; use the demo personas or a persona file.');
  const stored = await services.personas(src.ownerId);
  if (stored.length === 0) throw new AppError('InputError', `"${src.name}" has no personas; mine or import some first.`);
  // Plain records, so the hash covers what a selection is built from (text, meta, traits), not stage bookkeeping.
  const records = stored.map((p) => ({ id: p.id, source: p.source, text: p.text, meta: { ...p.meta }, ...(p.traits ? { traits: p.traits } : {}) }));
  const jsonl = records.map((r) => JSON.stringify(r)).join('\n');
  return { name: src.name, sha256: await hash(jsonl), records };
}

export async function loadTargetReference(input: ReferenceInput, services: InputServices): Promise<TargetReference> {
  const r = await loadReference(input, services);
  return { name: r.name, cloud: r.cloud, label: r.label, details: { ...r.details, kind: r.kind }, notes: r.notes };
}
