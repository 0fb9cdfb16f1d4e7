/** Word tokenisation shared by the stages: letters/digits/apostrophes, case-folded for comparison. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function normWords(text: string): string[] {
  return words(text).map((w) => w.toLowerCase().replace(/’/g, "'"));
}

export function wordCount(text: string): number {
  return words(text).length;
}
