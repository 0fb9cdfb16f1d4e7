import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthorRecord, CorpusSink, CorpusSource, PostRecord, SkippedItem } from '../../../src/contracts/corpus';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/corpus');

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

/** A source that yields `bytes` cut at the given offsets (sorted, within range). */
export function source(name: string, bytes: Uint8Array, cuts: number[] = []): CorpusSource {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  return {
    name,
    size: bytes.length,
    stream: () => {
      const bounds = [0, ...points, bytes.length];
      let i = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i >= bounds.length - 1) return controller.close();
          controller.enqueue(bytes.slice(bounds[i], bounds[i + 1]));
          i++;
        },
      });
    },
  };
}

export function fixture(rel: string, cuts: number[] = []): CorpusSource {
  return source(rel, new Uint8Array(readFileSync(join(FIXTURES, rel))), cuts);
}

export function fixtureDir(rel: string): CorpusSource[] {
  return readdirSync(join(FIXTURES, rel)).sort().map((f) => fixture(`${rel}/${f}`));
}

/** Records everything in order, for exact comparisons. */
export class CollectingSink implements CorpusSink {
  authors: AuthorRecord[] = [];
  posts: PostRecord[] = [];
  skips: SkippedItem[] = [];
  events: string[] = [];
  author(a: AuthorRecord): void {
    this.authors.push(a);
    this.events.push(`author:${a.key}`);
  }
  post(p: PostRecord): void {
    this.posts.push(p);
    this.events.push(`post:${p.author}`);
  }
  skip(s: SkippedItem): void {
    this.skips.push(s);
  }
}
