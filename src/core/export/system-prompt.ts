/**
 * Plain system prompts for any chat model: JSONL, one line per persona, in the OpenAI chat
 * "messages" form that llama.cpp, vLLM, Ollama and most fine-tuning tools read:
 * {"id": …, "messages": [{"role": "system", "content": …}]}.
 */
import { bigFiveSentence, displayName } from './describe';
import type { FinalSet, FinalSetRow } from './final-set';

export function systemPrompt(r: FinalSetRow): string {
  const who = r.text.trim() === '' ? `You are ${displayName(r)}.` : `You are the person described below. Stay in character; answer as this person would.\n\n${r.text.trim()}`;
  return `${who}\n\n${bigFiveSentence(r)}`;
}

export function systemPromptJsonl(set: FinalSet): string {
  return set.rows.map((r) => JSON.stringify({ id: r.id, messages: [{ role: 'system', content: systemPrompt(r) }] }) + '\n').join('');
}
