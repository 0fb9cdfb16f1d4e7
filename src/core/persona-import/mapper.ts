/**
 * One record → one PersonaRecord under a PersonaMapping, with the per-row rules every format
 * shares: empty text is skipped, a missing id gets a stable one from the text, a duplicate id is
 * skipped, trait scores that are missing, not numbers or off their scale are dropped (the persona
 * is kept without them), and everything else is normalised to the 1–5 Likert mean.
 */
import type { PersonaRecord, PersonaSource } from '../../contracts/persona';
import { AppError } from '../errors';
import { hash53, stripControls } from '../corpus/text';
import { TRAITS, type Trait, type TraitVector } from '../traits';
import { alternatives, getField, getFirst, renderValue, type RawRecord } from './fields';
import type { PersonaMapping, PersonaRowIssue, TraitMapping } from './types';

/** Stable id of a persona without one: a hash of its text, so re-imports give the same ids. */
export function generatedPersonaId(text: string): string {
  return 'p-' + hash53(text).toString(36).padStart(11, '0');
}

/** The persona text of a record: one part as is, several as "Label: value" paragraphs. */
export function personaText(rec: RawRecord, mapping: Pick<PersonaMapping, 'text'>): string {
  return textOf(rec, compileText(mapping.text));
}

interface CompiledPart { alts: string[]; label: string }

function compileText(parts: PersonaMapping['text']): CompiledPart[] {
  return parts.map((p) => ({ alts: alternatives(p.field), label: p.label ?? p.field.split('|')[0]!.trim() }));
}

/** The text of a record: the hot path of an import, so plain loops over pre-split field specs. */
function textOf(rec: RawRecord, parts: readonly CompiledPart[]): string {
  if (parts.length === 1) return stripControls(renderValue(getFirst(rec, parts[0]!.alts))).trim();
  let out = '';
  for (const p of parts) {
    const v = stripControls(renderValue(getFirst(rec, p.alts))).trim();
    if (v === '') continue;
    out += (out === '' ? '' : '\n\n') + p.label + ': ' + v;
  }
  return out;
}

/**
 * A score on `m.scale` → 1–5, or a reason it cannot be used. Exact ends of each scale are allowed;
 * values a hair outside them from float rounding (1e-9) are clamped.
 */
export function normaliseTrait(raw: unknown, m: Pick<TraitMapping, 'scale' | 'zMean' | 'zSd'>): number | string {
  const x = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(x)) return raw === undefined || raw === null || raw === '' ? 'missing' : `"${String(raw).slice(0, 30)}" is not a number`;
  const eps = 1e-9;
  const within = (lo: number, hi: number): boolean => x >= lo - eps && x <= hi + eps;
  const clamp = (v: number): number => Math.min(5, Math.max(1, v));
  switch (m.scale) {
    case '1-5':
      return within(1, 5) ? clamp(x) : `${x} is outside the 1–5 scale`;
    case '0-1':
      return within(0, 1) ? clamp(1 + 4 * x) : `${x} is outside the 0–1 scale`;
    case '0-100':
      return within(0, 100) ? clamp(1 + (4 * x) / 100) : `${x} is outside the 0–100 scale`;
    case 'z':
      return clamp((m.zMean ?? 3) + (m.zSd ?? 0.7) * x);
  }
}

/** Checks a mapping before any row is read: a mapping without text cannot make personas. */
export function checkMapping(mapping: PersonaMapping): void {
  if (mapping.text.length === 0 || mapping.text.some((p) => p.field.trim() === '')) {
    throw new AppError('InputError', 'The mapping names no text field: choose the field (or fields) that hold the persona text.');
  }
  const t = mapping.traits;
  if (t) {
    const named = TRAITS.filter((k) => t.fields[k] !== undefined && t.fields[k]!.trim() !== '');
    if (named.length > 0 && named.length < TRAITS.length) {
      const missing = TRAITS.filter((k) => !named.includes(k));
      throw new AppError('InputError', `Trait fields are mapped for ${named.join(', ')} but not for ${missing.join(', ')}: map all five or none.`);
    }
    if (t.scale === 'z' && t.zSd !== undefined && !(t.zSd > 0)) throw new AppError('InputError', 'The z-score scale needs a positive standard deviation.');
  }
}

export interface MapResult {
  record?: PersonaRecord;
  issues: PersonaRowIssue[];
}

/** Applies a mapping row by row; holds the ids seen so far (as 53-bit hashes) to skip duplicates. */
export class PersonaRowMapper {
  /** hash53(id) → line of its first row. A hash keeps 10^6 ids in a few tens of MB; a false match needs ~10^8 ids. */
  private readonly seen = new Map<number, number>();
  private readonly traitFields: [Trait, string, string[]][] | undefined;
  private readonly text: CompiledPart[];
  private readonly idAlts: string[] | undefined;
  private readonly meta: [string, string[]][];

  constructor(
    private readonly mapping: PersonaMapping,
    private readonly source: PersonaSource,
  ) {
    checkMapping(mapping);
    const t = mapping.traits;
    this.traitFields = t && TRAITS.every((k) => t.fields[k]) ? TRAITS.map((k) => [k, t.fields[k]!, alternatives(t.fields[k]!)]) : undefined;
    this.text = compileText(mapping.text);
    this.idAlts = mapping.id !== undefined ? alternatives(mapping.id) : undefined;
    this.meta = Object.entries(mapping.meta).map(([k, spec]) => [k, alternatives(spec)]);
  }

  map(rec: RawRecord, file: string, line: number): MapResult {
    const issues: PersonaRowIssue[] = [];
    const m = this.mapping;
    const text = textOf(rec, this.text);
    if (text === '') {
      const fields = m.text.map((p) => `"${p.field}"`).join(', ');
      return { issues: [{ file, line, reason: `empty text (nothing in ${fields})`, outcome: 'skipped' }] };
    }
    let id = this.idAlts !== undefined ? stripControls(renderValue(getFirst(rec, this.idAlts))).trim() : '';
    if (id === '') {
      id = generatedPersonaId(text);
      if (m.id !== undefined) issues.push({ file, line, reason: `no id in "${m.id}"; generated ${id} from the text`, outcome: 'kept' });
    }
    const key = hash53(id);
    const first = this.seen.get(key);
    if (first !== undefined) {
      const why = m.id !== undefined && !id.startsWith('p-') ? `duplicate id "${id.slice(0, 60)}" (first on line ${first})` : `duplicate persona (same text as line ${first})`;
      return { issues: [...issues.filter((i) => i.outcome === 'skipped'), { file, line, reason: why, outcome: 'skipped' }] };
    }
    this.seen.set(key, line);

    const meta: Record<string, string> = {};
    if (m.metaObject !== undefined) {
      let obj = getField(rec, m.metaObject);
      // In CSV the object comes as JSON text (this app's meta_json column).
      if (typeof obj === 'string' && obj.trimStart().startsWith('{')) {
        try {
          obj = JSON.parse(obj);
        } catch {
          issues.push({ file, line, reason: `"${m.metaObject}" is not a JSON object; its metadata was left out`, outcome: 'kept' });
        }
      }
      if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
        for (const [k, v] of Object.entries(obj as RawRecord)) {
          const s = stripControls(renderValue(v)).trim();
          if (s !== '') meta[k] = s;
        }
      }
    }
    for (const [k, alts] of this.meta) {
      const s = stripControls(renderValue(getFirst(rec, alts))).trim();
      if (s !== '') meta[k] = s;
    }

    const record: PersonaRecord = { id, source: this.source, text, meta };
    if (this.traitFields) {
      const traits = {} as TraitVector;
      let problem: string | undefined;
      for (const [trait, spec, alts] of this.traitFields) {
        const v = normaliseTrait(getFirst(rec, alts), m.traits!);
        if (typeof v === 'string') {
          problem = `trait ${trait} ("${spec}") ${v}`;
          break;
        }
        traits[trait] = v;
      }
      if (problem === undefined) record.traits = traits;
      else issues.push({ file, line, reason: `${problem}; kept without trait scores`, outcome: 'kept' });
    }
    return { record, issues };
  }
}
