/**
 * The runner over the real compute worker, loaded lazily by <align-stage> when no runner is
 * provided (keeps comlink and the worker URL out of the first chunk).
 */
import { AppError } from '../../core/errors';
import { AlignService } from '../../services/align-service';
import { serviceAlignRunner, type AlignRunner } from '../../pipeline/align-runner';

export function createDefaultAlignRunner(): AlignRunner {
  return serviceAlignRunner(new AlignService());
}

/** Public files (demo personas, built-in reference) from this app's own origin. */
export async function fetchPublicText(path: string): Promise<string> {
  const url = `${import.meta.env.BASE_URL}${path}`;
  const res = await fetch(url);
  if (!res.ok) throw new AppError('InputError', `Could not load ${url} (HTTP ${res.status}); reload the page, or check that the app is served with its public files.`);
  return res.text();
}

/** The run store over the app's database (lazily loaded with idb). */
export async function createDefaultRunStore(): Promise<import('./context').AlignRunStore> {
  const { RunStore } = await import('../../storage/run-store');
  return new RunStore();
}
