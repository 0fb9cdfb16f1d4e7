import type { ChatMessage } from '../contracts/llm';

/**
 * Token-count estimate for backends without a tokenizer: ceil(characters / 4), the usual rule of
 * thumb for English BPE vocabularies (GPT/Llama/Qwen tokenizers give 3.5–4.5 chars per token on
 * blog prose). Good to ±20% for budgeting; never use it where an exact count matters.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Chat-template overhead the estimate adds per message (role markers, separators). */
export const TOKENS_PER_MESSAGE = 4;

/** Estimated prompt tokens of a conversation: content plus per-message template overhead. */
export function estimateMessageTokens(messages: readonly ChatMessage[]): number {
  let total = 0;
  for (const m of messages) total += estimateTokens(m.content) + TOKENS_PER_MESSAGE;
  return total;
}
