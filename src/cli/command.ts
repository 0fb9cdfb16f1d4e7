/**
 * The frame of a Node CLI that reports through `io` (align, target): parse, run, and turn what
 * went wrong into a message and an exit code — 2 for usage and bad input, 1 for anything else.
 */
import { readFileSync } from 'node:fs';
import { AppError, isAppError, type AppErrorName } from '../core/errors';
import { UsageError } from './args';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/**
 * `run(parse())`, with its exit code. A UsageError from `parse` prints its message (exit 2); an
 * AppError from `run` prints "Name: message", exit 2 when its name is in `badInput`, else 1; any
 * other error prints its stack (exit 1). Anything but a UsageError thrown by `parse` propagates.
 */
export async function runCommand<A>(io: CliIo, parse: () => A, run: (args: A) => Promise<number>, badInput: readonly AppErrorName[]): Promise<number> {
  let args: A;
  try {
    args = parse();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(e.message);
      return e.exitCode;
    }
    throw e;
  }
  try {
    return await run(args);
  } catch (e) {
    if (isAppError(e)) {
      io.stderr(`${e.name}: ${e.message}`);
      return badInput.includes(e.name) ? 2 : 1;
    }
    io.stderr(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return 1;
  }
}

/** A file's text; InputError "cannot read FILE: why" when it cannot be read. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('InputError', `cannot read ${file}: ${(e as Error).message}`);
  }
}
