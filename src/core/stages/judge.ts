/** The LLM judge's answer: JSON schema for constrained decoding, and a tolerant parser. */
import { AppError } from '../errors';
import { JUDGE_CRITERIA } from './prompts';
import type { JudgeResult } from './types';

/** The JSON schema of a judge answer with these criteria (integers 1–5) and a rationale. */
export function judgeSchema(criteria: readonly string[], name = 'persona_judgement'): { name: string; schema: Record<string, unknown> } {
  return {
    name,
    schema: {
      type: 'object',
      properties: {
        ...Object.fromEntries(criteria.map((c) => [c, { type: 'integer', minimum: 1, maximum: 5 }])),
        rationale: { type: 'string' },
      },
      required: [...criteria, 'rationale'],
      additionalProperties: false,
    },
  };
}

export const JUDGE_SCHEMA: { name: string; schema: Record<string, unknown> } = judgeSchema(JUDGE_CRITERIA);

/**
 * Reads the judge's scores from its text: the JSON object (also when wrapped in prose or a code
 * fence), each criterion an integer 1–5 (a number like 4.0 or "4" is accepted). Throws
 * FormatError naming what was wrong, so the job records it as the item's failure reason.
 */
export function parseJudge(raw: string, criteria: readonly string[] = JUDGE_CRITERIA): JudgeResult {
  const start = raw.indexOf('{');
  const end = raw.lastIndexOf('}');
  if (start < 0 || end <= start) throw new AppError('FormatError', `The judge's answer has no JSON object: "${raw.slice(0, 120)}"`);
  let obj: unknown;
  try {
    obj = JSON.parse(raw.slice(start, end + 1));
  } catch (e) {
    throw new AppError('FormatError', `The judge's answer is not valid JSON (${(e as Error).message}): "${raw.slice(0, 120)}"`);
  }
  if (typeof obj !== 'object' || obj === null) throw new AppError('FormatError', 'The judge\'s answer is not a JSON object.');
  const rec = obj as Record<string, unknown>;
  const scores: Record<string, number> = {};
  for (const c of criteria) {
    const v = typeof rec[c] === 'string' ? Number(rec[c]) : rec[c];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5) {
      throw new AppError('FormatError', `The judge gave ${c} = ${JSON.stringify(rec[c])}; expected an integer from 1 to 5.`);
    }
    scores[c] = v;
  }
  const rationale = typeof rec['rationale'] === 'string' ? rec['rationale'] : '';
  return { scores, rationale, raw };
}
