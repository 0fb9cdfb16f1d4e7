/**
 * A user's own reference CSV → WeightedCloud. Two accepted shapes (header required):
 * - the five trait columns by canonical name (case-insensitive), on any one scale the user keeps
 *   consistent with the persona scores (the 1–5 mean scale is the app's);
 * - the 50 IPIP-FFM item columns (EXT1 … OPN10), scored with the app's own key (scoring.ts).
 * Optional `weight` (survey weights, non-negative) and `country` columns. Stability columns are
 * never silently flipped: a file with "stability" but no "neuroticism" is an error saying how to
 * convert.
 */
import Papa from 'papaparse';
import { makeCloud, type WeightedCloud } from '../cloud';
import { AppError, type ErrorLocation } from '../errors';
import { ITEM_CODES, N_ITEMS } from '../psychometrics/ipip50';
import { DEFAULT_MISSING_POLICY, scoreAnswersInto, type MissingPolicy } from '../psychometrics/scoring';
import { TRAITS } from '../traits';

export interface ReferenceCsvOptions {
  file?: string;
  /** Missing-answer policy for the item form (default `drop`). */
  missing?: MissingPolicy;
}

export interface ReferenceCsvResult {
  cloud: WeightedCloud;
  mode: 'traits' | 'items';
  rowsRead: number;
  /** Item form only: rows dropped by the missing-answer policy. */
  droppedMissing: number;
  weighted: boolean;
  /** Per kept row, when the file has a `country` column. */
  countries?: string[];
}

export function parseReferenceCsv(text: string, options: ReferenceCsvOptions = {}): ReferenceCsvResult {
  const loc = (line: number, column?: string): ErrorLocation => {
    const l: ErrorLocation = { line };
    if (options.file) l.file = options.file;
    if (column !== undefined) l.column = column;
    return l;
  };
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false, dynamicTyping: false });
  const rows = parsed.data;
  const header = rows[0];
  if (!header || header.every((h) => h.trim() === '')) throw new AppError('InputError', 'The reference file is empty: expected a header row.', loc(1));
  const names = header.map((h) => h.trim().toLowerCase());
  const col = (name: string): number => names.indexOf(name.toLowerCase());
  const traitCols = TRAITS.map((t) => col(t));
  const itemCols = ITEM_CODES.map((c) => col(c));
  const weightCol = col('weight');
  const countryCol = col('country');
  let mode: 'traits' | 'items';
  if (traitCols.every((c) => c >= 0)) mode = 'traits';
  else if (itemCols.every((c) => c >= 0)) mode = 'items';
  else {
    if (col('neuroticism') < 0 && names.some((n) => n.includes('stability'))) {
      throw new AppError('InputError', 'The file has an emotional stability column but no "neuroticism" column. Convert it first (on the 1–5 scale, neuroticism = 6 − stability) and name the column "neuroticism".', loc(1));
    }
    const missingTraits = TRAITS.filter((_, k) => traitCols[k]! < 0);
    const missingItems = ITEM_CODES.filter((_, k) => itemCols[k]! < 0);
    throw new AppError(
      'InputError',
      `The header needs either the five trait columns (${TRAITS.join(', ')}; missing: ${missingTraits.join(', ')}) or the 50 item columns EXT1 … OPN10 (missing ${missingItems.length}, e.g. ${missingItems.slice(0, 3).join(', ')}).`,
      loc(1),
    );
  }
  const points: number[] = [];
  const weights: number[] = [];
  const countries: string[] = [];
  const out = new Float64Array(TRAITS.length);
  const answers = new Float64Array(N_ITEMS);
  let read = 0;
  let dropped = 0;
  const policy = options.missing ?? DEFAULT_MISSING_POLICY;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    if (row.length === 1 && row[0]!.trim() === '') continue; // empty line
    read++;
    if (row.length !== header.length) {
      throw new AppError('InputError', `expected ${header.length} comma-separated fields as in the header, found ${row.length}.`, loc(line));
    }
    if (mode === 'traits') {
      for (let t = 0; t < TRAITS.length; t++) {
        const raw = row[traitCols[t]!]!.trim();
        const v = raw === '' ? NaN : Number(raw);
        if (!Number.isFinite(v)) throw new AppError('InputError', `"${raw}" is not a number; every trait value must be filled in.`, loc(line, TRAITS[t]));
        out[t] = v;
      }
    } else {
      for (let j = 0; j < N_ITEMS; j++) {
        const raw = row[itemCols[j]!]!.trim();
        const v = raw === '' || raw.toUpperCase() === 'NULL' || raw.toUpperCase() === 'NA' ? 0 : Number(raw);
        if (Number.isNaN(v)) throw new AppError('InputError', `"${raw}" is not a number (use 1–5, or empty/0 for missing).`, loc(line, ITEM_CODES[j]));
        answers[j] = v;
      }
      if (scoreAnswersInto(answers, policy, out, 0, loc(line)) < 0) {
        dropped++;
        continue;
      }
    }
    let w = 1;
    if (weightCol >= 0) {
      const raw = row[weightCol]!.trim();
      w = Number(raw);
      if (raw === '' || !Number.isFinite(w) || w < 0) throw new AppError('InputError', `weight "${raw}" must be a finite number ≥ 0.`, loc(line, 'weight'));
    }
    for (let t = 0; t < TRAITS.length; t++) points.push(out[t]!);
    weights.push(w);
    if (countryCol >= 0) countries.push(row[countryCol]!.trim().toUpperCase() || 'NONE');
  }
  if (weights.length === 0) throw new AppError('InputError', `No usable rows in the reference file (${read} read, ${dropped} dropped for missing answers).`, loc(1));
  const cloud = makeCloud(Float32Array.from(points), TRAITS.length, weightCol >= 0 ? weights : undefined, options.file ?? 'reference');
  const result: ReferenceCsvResult = { cloud, mode, rowsRead: read, droppedMissing: dropped, weighted: weightCol >= 0 };
  if (countryCol >= 0) result.countries = countries;
  return result;
}
