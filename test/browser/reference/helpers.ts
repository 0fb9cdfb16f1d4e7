/** Shared by the reference browser tests: fresh databases, generated IPIP-FFM files, dumps. */
import { importFfm, type FfmImportOptions, type FfmImportResult } from '../../../src/core/reference/ffm-import';
import { synthFfmLines, synthFfmText, type SynthFfmOptions } from '../../../src/core/reference/ffm-synth';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { uniqueDbName } from '../db-helpers';

export { dump, req } from '../db-helpers';

export function freshDbName(): string {
  return uniqueDbName('reference');
}

export async function freshDb(): Promise<{ db: AppDb; name: string }> {
  const name = freshDbName();
  return { db: await openAppDb(name), name };
}

/** A generated data-final.csv as a File (real layout, seeded). */
export function ffmFile(n: number, options: SynthFfmOptions = {}, name = 'data-final.csv'): File {
  return new File([synthFfmText(n, options)], name, { type: 'text/tab-separated-values' });
}

/**
 * A large generated file without generating every row: the header plus `repeat` copies of an
 * n-row body (tens of MB in a second), for cancel tests that need the import to last.
 */
export function bigFfmFile(rows: number, repeat: number, options: SynthFfmOptions = {}): File {
  const lines = [...synthFfmLines(rows, options)];
  const header = lines[0]!;
  const body = lines.slice(1).join('');
  return new File([header, ...Array.from({ length: repeat }, () => body)], 'data-final.csv');
}

/** The core importer's result on the same file: the oracle for what the worker stored. */
export async function expectedImport(file: File, options: FfmImportOptions = {}): Promise<FfmImportResult> {
  return importFfm([new Uint8Array(await file.arrayBuffer())], options);
}

export async function sha256Hex(file: Blob): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}
