/** The run manifest as the download holds it (pretty JSON), from a stored run. */
import type { StoredRun } from '../../contracts/run';
import { AppError } from '../../core/errors';

export function manifestJsonOf(run: StoredRun): string {
  if (!run.result) throw new AppError('InputError', `Run "${run.title}" has no manifest yet; it is written when the run finishes.`);
  return JSON.stringify(run.result.manifest, null, 2) + '\n';
}
