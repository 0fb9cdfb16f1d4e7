/** What every format parser is: fed decoded text (line ends already '\n') in order, then ended once. */
export interface TextParser {
  push(text: string): void;
  end(): void;
}

/** Number of '\n' in text[from, to). */
export function countNewlines(text: string, from = 0, to = text.length): number {
  let n = 0;
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}

/** The last path segment of a file name ('a/b/c.xml' → 'c.xml'). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i === -1 ? path : path.slice(i + 1);
}
