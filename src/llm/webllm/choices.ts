/**
 * Next-token probabilities of given choices ("1".."5") from web-llm's top_logprobs. web-llm returns
 * at most 5 top tokens, computed from softmax(logits / temperature) before top-p: with
 * temperature 1 they are the model's true next-token probabilities. Pure; Node-tested.
 */
import { AppError } from '../../core/errors';

export interface TopLogprob {
  token: string;
  logprob: number;
}

/** web-llm's limit on top_logprobs. */
export const MAX_TOP_LOGPROBS = 5;

export interface ChoiceMass {
  /** Probability of each choice among all next tokens (0 where it was not in the top list). */
  probs: number[];
  /** Which choices appeared in the top list. */
  found: boolean[];
  coverage: number;
}

/** Sums the probability of every top token that is a choice up to surrounding whitespace ("3", " 3"). */
export function choiceMass(top: readonly TopLogprob[], choices: readonly string[]): ChoiceMass {
  const probs = choices.map(() => 0);
  const found = choices.map(() => false);
  for (const t of top) {
    const i = choices.indexOf(t.token.trim());
    if (i < 0) continue;
    probs[i] = (probs[i] ?? 0) + Math.exp(t.logprob);
    found[i] = true;
  }
  return { probs, found, coverage: probs.reduce((s, p) => s + p, 0) };
}

/** log p renormalised over the choices; -Infinity for a choice with no mass. */
export function renormalise(probs: readonly number[]): number[] {
  const total = probs.reduce((s, p) => s + p, 0);
  if (!(total > 0)) throw new AppError('ModelError', 'The model gave none of the answer choices any probability; use JSON answers instead.');
  return probs.map((p) => Math.log(p / total));
}

/**
 * An EBNF grammar allowing exactly one of the choices. Under it web-llm masks every other token
 * before the softmax, so top_logprobs hold the choices renormalised among themselves.
 */
export function choiceGrammar(choices: readonly string[]): string {
  const alts = choices.map((c) => `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `root ::= ${alts.join(' | ')}`;
}

export function checkChoices(choices: readonly string[]): void {
  if (choices.length < 2 || choices.length > MAX_TOP_LOGPROBS) {
    throw new AppError('InputError', `web-llm returns at most ${MAX_TOP_LOGPROBS} top tokens: give 2 to ${MAX_TOP_LOGPROBS} answer choices (got ${choices.length}).`);
  }
  if (new Set(choices).size !== choices.length || choices.some((c) => c.trim() === '' || c !== c.trim())) {
    throw new AppError('InputError', 'Answer choices must be distinct, non-empty and without surrounding spaces.');
  }
}
