/**
 * The argument walk shared by the Node CLIs (align, corpus, pipeline, reference, target). Each CLI keeps
 * its own `switch` over the flags (so its flags and messages read in one place); this module owns
 * the walk itself: `--flag value` and `--flag=value`, a missing value, and the usage error that
 * every CLI turns into exit code 2.
 */

/** A usage mistake: the CLI prints the message and exits with `exitCode` (2). */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** One command-line item as the walk sees it. */
export interface ArgItem {
  /** The item as given, e.g. `--out=x.csv` or `file.txt`. */
  readonly arg: string;
  /** The flag part: `--out` for `--out=x.csv`; the whole item otherwise. */
  readonly flag: string;
  /** The flag's value: the text after `=`, else the next item (consumed). Throws "FLAG needs a value". */
  value(): string;
}

/**
 * Walks `argv` one item at a time. A boolean flag simply ignores `value()`; a repeated flag is
 * seen once per occurrence; an item that is not a flag (a path) comes through with `flag === arg`.
 */
export function* walkArgs(argv: readonly string[]): Generator<ArgItem> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    yield {
      arg,
      flag,
      value: (): string => {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`${flag} needs a value`);
        return v;
      },
    };
  }
}

/** A flag's number (`integer`: a whole one); anything else is a UsageError naming the flag. */
export function numberArg(flag: string, v: string, integer = false): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new UsageError(`${flag} needs ${integer ? 'an integer' : 'a number'}, got "${v}"`);
  return x;
}

/** The error for a flag no `case` took: "unknown WORD ARG", then the usage text when given. */
export function unknownFlag(arg: string, word: 'argument' | 'option', usage?: string): UsageError {
  return new UsageError(`unknown ${word} ${arg}${usage === undefined ? '' : `\n${usage}`}`);
}
