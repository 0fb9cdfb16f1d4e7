/** Shared set-up for the stage-UI tests: the demo corpus in a fresh database, a loaded test engine. */
import { afterAll } from 'vitest';
import { fetchDemoCorpus } from '../../../src/components/import-panel/demo-corpus';
import { createTestEngine, TEST_ENGINE_ID, type TestEngine, type TestEngineOptions } from '../../../src/llm/test-engine';
import { ImportService } from '../../../src/services/import-service';
import { freshDbName } from '../ui/helpers';

const services: ImportService[] = [];
afterAll(() => services.forEach((s) => s.terminate()));

export async function importDemo(): Promise<{ dbName: string; corpusId: string }> {
  const dbName = freshDbName('stage-ui');
  const service = new ImportService({ dbName });
  services.push(service);
  const info = await service.importCorpus({ name: 'demo', sources: await fetchDemoCorpus('/demo-corpus/') });
  return { dbName, corpusId: info.id };
}

export async function loadedEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const llm = createTestEngine({ seed: 2, ...options });
  await llm.load(TEST_ENGINE_ID);
  return llm;
}

export function setInput(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** Whitespace-collapsed text of an element's shadow root. */
export function shadowText(el: Element): string {
  return (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
