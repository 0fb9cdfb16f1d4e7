import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CorpusSummary } from '../../../src/contracts/corpus';
import { FIXTURES } from './helpers';

const ROOT = join(import.meta.dirname, '../../..');

function corpus(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'src/cli/corpus.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  // npm prints its own config warnings on stderr; only the command's lines matter here.
  const stderr = r.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn')).join('\n');
  return { code: r.status, stdout: r.stdout, stderr };
}

describe('npm run corpus', () => {
  it('prints a JSON summary with every skipped item for a folder', () => {
    const r = corpus(join(FIXTURES, 'blogs'), '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as CorpusSummary;
    expect(s).toMatchObject({ authors: 2, posts: 6, files: 3, dateMin: '2002-08-14', dateMax: '2004-06-01' });
    expect(s.words).toBeGreaterThan(30);
    expect(s.byFormat['blog-xml']).toMatchObject({ files: 3, authors: 2, posts: 6 });
    expect(s.skipped).toHaveLength(s.skippedCount);
    expect(s.skipped).toContainEqual({ file: join(FIXTURES, 'blogs/7000.male.40.Arts.Virgo.xml'), line: 1, reason: 'empty file' });
    expect(s.skipped).toContainEqual({ file: join(FIXTURES, 'blogs/1000331.female.37.indUnk.Leo.xml'), line: 28, reason: 'empty post' });
  });

  it('prints a table and the skipped items as text', () => {
    const r = corpus(join(FIXTURES, 'blogtext.csv'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^format\s+files\s+authors\s+posts\s+words$/m);
    expect(r.stdout).toMatch(/^blog-csv\s+1\s+2\s+4\s+\d+$/m);
    expect(r.stdout).toContain('blogtext.csv, line 12: row has 2 fields, expected 7');
  });

  it('reads a generic CSV with column options, and says what to pass without them', () => {
    const file = join(FIXTURES, 'comments.csv');
    const ok = corpus(file, '--json', '--author-col', 'username', '--text-col', 'body', '--date-col=created_at', '--meta-col', 'country');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ authors: 2, posts: 3, byFormat: { csv: { posts: 3 } } });

    const no = corpus(file);
    expect(no.code).toBe(1);
    expect(no.stderr.split('\n')).toHaveLength(1);
    expect(no.stderr).toMatch(/comments\.csv: .*column mapping is needed.*--author-col and --text-col/);
  });

  it('fails with one clear line for a missing path or nothing usable', () => {
    const missing = corpus('no/such/dir', '--json');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe('corpus: no/such/dir: no such file or folder');

    const dir = mkdtempSync(join(tmpdir(), 'corpus-cli-'));
    writeFileSync(join(dir, '1.male.20.Arts.Leo.xml'), '<Blog>\n</Blog>\n');
    const empty = corpus(dir);
    expect(empty.code).toBe(1);
    expect(empty.stderr.split('\n')).toHaveLength(1);
    expect(empty.stderr).toMatch(/^corpus: No posts found in .*author has no posts: 1/);
  });

  it('reads the demo corpus: 40 synthetic bloggers, the warts reported, every listed file present', () => {
    const dir = join(ROOT, 'public/demo-corpus');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { files: string[] };
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
    expect([...index.files].sort()).toEqual(onDisk);
    expect(onDisk.reduce((s, f) => s + statSync(join(dir, f)).size, 0)).toBeLessThan(1024 * 1024);
    for (const f of onDisk) expect(readFileSync(join(dir, f), 'latin1').startsWith('<!-- Synthetic blogger written for the persona-align project')).toBe(true);

    const r = corpus(dir, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as CorpusSummary;
    expect(s.authors).toBe(40);
    expect(s.posts).toBeGreaterThanOrEqual(400);
    expect(s.posts).toBeLessThanOrEqual(2400);
    expect(s.dateMin! >= '2001-01-01' && s.dateMax! <= '2004-12-31').toBe(true);
    expect(s.skipped.map((k) => k.reason)).toEqual([
      expect.stringMatching(/^not valid UTF-8 from byte \d+ on; read the rest of the file as windows-1252/),
      expect.stringMatching(/^1 date not understood \(first: "\d+,Mai,\d{4}"\)/),
    ]);
  });
});
