/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or only those whose name contains one
 * of the given words) in file order. Each module's default export prints its own ratios and
 * throughputs. Speed targets are checked here, never by timed tests.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
// Names come first; everything from the first --option on (with its values) belongs to the benches.
const firstOption = args.findIndex((a) => a.startsWith('--'));
const filters = firstOption === -1 ? args : args.slice(0, firstOption);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}. Available: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: (args: string[]) => Promise<void> };
  await mod.default(args);
}
