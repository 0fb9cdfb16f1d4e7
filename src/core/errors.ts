/**
 * The app's few error kinds. Each has a stable `name` (matched across the worker boundary, where
 * comlink delivers only name, message and stack) and a message that says what to do next.
 */
export type AppErrorName =
  | 'InputError' // the user's file or options are wrong: say where and how to fix it
  | 'FormatError' // a file is not in the format we expected
  | 'QuotaError' // browser storage is full
  | 'StorageError' // IndexedDB failed for another reason
  | 'GpuError' // WebGPU missing, lost or out of limits (callers fall back to the CPU)
  | 'NumericError' // NaN/Inf or divergence in a computation
  | 'AbortError' // the user cancelled
  | 'ModelError'; // a model could not be found, loaded or run

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: string | number;
}

export class AppError extends Error {
  override readonly name: AppErrorName;
  readonly location: ErrorLocation | undefined;

  constructor(name: AppErrorName, message: string, location?: ErrorLocation) {
    super(location ? `${formatLocation(location)}: ${message}` : message);
    this.name = name;
    this.location = location;
  }
}

export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  return parts.join(', ');
}

export function isAppError(e: unknown, name?: AppErrorName): e is AppError {
  if (!(e instanceof Error)) return false;
  const known = e instanceof AppError || KNOWN_NAMES.has(e.name);
  return known && (name === undefined || e.name === name);
}

const KNOWN_NAMES = new Set<string>([
  'InputError', 'FormatError', 'QuotaError', 'StorageError', 'GpuError', 'NumericError', 'AbortError', 'ModelError',
]);

/** Throws the DOM-compatible AbortError when the signal has fired; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('AbortError', 'Cancelled.');
}
