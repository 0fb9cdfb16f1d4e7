/** Shared by the persona-import tests: fixture files and in-memory texts as PersonaFileSources. */
import { openAsBlob } from 'node:fs';
import { blobSource, type PersonaFileSource } from '../../../src/core/persona-import';

export const FIXTURES = new URL('../../fixtures/persona-import/', import.meta.url);

export async function fixture(name: string): Promise<PersonaFileSource> {
  return blobSource(await openAsBlob(new URL(name, FIXTURES)), name);
}

/** A source over text or bytes, streamed in chunks of `chunk` bytes (to test chunk boundaries). */
export function memorySource(name: string, content: string | Uint8Array, chunk = 64 * 1024): PersonaFileSource {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.length,
    stream: () => {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (at >= bytes.length) return c.close();
          c.enqueue(bytes.slice(at, at + chunk));
          at += chunk;
        },
      });
    },
    slice: async (s, e) => bytes.slice(s, e).buffer,
  };
}
