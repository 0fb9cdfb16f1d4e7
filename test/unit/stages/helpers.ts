/** Shared by the stage tests: a loaded test engine as a StageContext, and synthetic posts. */
import type { SelectablePost } from '../../../src/core/stages';
import type { StageContext } from '../../../src/core/stages/context';
import { createTestEngine, TEST_ENGINE_ID, type TestEngine, type TestEngineOptions } from '../../../src/llm/test-engine';

export async function engineCtx(options: TestEngineOptions = {}): Promise<StageContext & { llm: TestEngine }> {
  const llm = createTestEngine(options);
  const model = await llm.load(TEST_ENGINE_ID);
  return { llm, model };
}

const TOPICS = ['garden', 'guitar', 'exam', 'coffee', 'hiking', 'office', 'novel', 'kitchen', 'football', 'rain', 'train', 'sister'];

/** `n` dated posts, one every 3 days from 2003-01-01, each about `words` words, deterministic. */
export function makePosts(n: number, words = 60): SelectablePost[] {
  const out: SelectablePost[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2003, 0, 1 + 3 * i)).toISOString().slice(0, 10);
    const ws: string[] = [];
    for (let w = 0; w < words; w++) ws.push(w % 7 === 0 ? TOPICS[(i + w) % TOPICS.length]! : ['today', 'I', 'went', 'with', 'my', 'friend', 'to', 'the'][(i * 3 + w) % 8]!);
    out.push({ seq: i, date: d, text: `Post ${i}. ${ws.join(' ')}.` });
  }
  return out;
}
