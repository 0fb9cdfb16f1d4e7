/** What to show for a caught value: an Error's message (AppError messages say what to do), else the value as text. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
