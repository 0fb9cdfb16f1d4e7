/**
 * The stages' prompts as versioned templates. A template is data (id, version, system and user
 * text with {{placeholders}}), so a user may edit one; every output records the template's id,
 * version and the SHA-256 of its exact text, so an edited prompt is always told apart from the
 * shipped one even if nobody bumped the version.
 */
import { AppError } from '../errors';
import { sha256Hex } from './hash';

export interface PromptTemplate {
  id: string;
  version: number;
  system: string;
  /** User turn; {{name}} placeholders are filled by fillTemplate. */
  user: string;
}

export interface PromptRef {
  id: string;
  version: number;
  hash: string;
}

export async function promptRef(t: PromptTemplate): Promise<PromptRef> {
  return { id: t.id, version: t.version, hash: await sha256Hex(JSON.stringify([t.id, t.version, t.system, t.user])) };
}

/** Replaces every {{name}} in `text`; an unknown or missing placeholder is an InputError (a typo in an edited prompt). */
export function fillTemplate(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new AppError('InputError', `The prompt uses {{${name}}}, which is not one of: ${Object.keys(values).join(', ')}. Fix the prompt text.`);
    return String(v);
  });
}

/** METHOD.md §2: one narrative persona from an author's posts. */
export const PERSONA_PROMPT: PromptTemplate = {
  id: 'persona-mining',
  version: 1,
  system:
    'You write short narrative personas of social-media authors for research simulations. ' +
    'You only state what the posts support, and you never reveal who the author is.',
  user: [
    'Below are posts by one author, oldest first ({{postCount}} posts).',
    '',
    'Write a {{minWords}}–{{maxWords}}-word narrative persona of this author in the third person, as one or two plain paragraphs. Cover:',
    '- inferred age band, occupation or main activity',
    '- interests, values, habits',
    '- social behaviour and communication style',
    '',
    'Rules:',
    '- Only state what the posts support; where they say nothing, say less rather than invent.',
    '- Never copy names, e-mail addresses, URLs, user handles, phone numbers or other identifiers; do not quote the posts.',
    '- Output only the persona text, with no title, preamble or notes.',
    '',
    'POSTS:',
    '{{posts}}',
  ].join('\n'),
};

/** Map step of map-reduce mining: notes on one chunk of a long history. */
export const CHUNK_NOTES_PROMPT: PromptTemplate = {
  id: 'persona-chunk-notes',
  version: 1,
  system: 'You take careful, factual notes about the author of social-media posts. You never copy identifiers.',
  user: [
    'Posts {{chunkIndex}} of {{chunkCount}} by one author, oldest first.',
    'Write at most {{maxWords}} words of notes on what these posts show about the author: age hints, occupation, interests, values, habits, social behaviour, communication style.',
    'Only what the posts support. No names, e-mail addresses, URLs, handles or quotes.',
    '',
    'POSTS:',
    '{{posts}}',
  ].join('\n'),
};

/** Reduce step: the persona from chunk notes (same output rules as PERSONA_PROMPT). */
export const PERSONA_FROM_NOTES_PROMPT: PromptTemplate = {
  id: 'persona-from-notes',
  version: 1,
  system: PERSONA_PROMPT.system,
  user: [
    'Below are notes on one author\'s posts, taken chunk by chunk in time order ({{postCount}} posts in all).',
    '',
    'Write a {{minWords}}–{{maxWords}}-word narrative persona of this author in the third person, as one or two plain paragraphs. Cover:',
    '- inferred age band, occupation or main activity',
    '- interests, values, habits',
    '- social behaviour and communication style',
    '',
    'Rules:',
    '- Only state what the notes support; where they say nothing, say less rather than invent.',
    '- Never include names, e-mail addresses, URLs, user handles, phone numbers or other identifiers.',
    '- Output only the persona text, with no title, preamble or notes.',
    '',
    'NOTES:',
    '{{notes}}',
  ].join('\n'),
};

/** METHOD.md §3: the LLM-judge rubric, JSON output. */
export const JUDGE_PROMPT: PromptTemplate = {
  id: 'persona-judge',
  version: 1,
  system: 'You are a strict reviewer of personas written from social-media posts. You answer in JSON only.',
  user: [
    'POSTS (oldest first):',
    '{{posts}}',
    '',
    'PERSONA:',
    '{{persona}}',
    '',
    'Score the persona from 1 (poor) to 5 (excellent) on:',
    '- faithfulness: every statement is supported by the posts; nothing invented.',
    '- consistency: the persona does not contradict itself.',
    '- specificity: it describes this author, not a generic person.',
    'Reply with JSON: {"faithfulness": n, "consistency": n, "specificity": n, "rationale": "one or two sentences"}.',
  ].join('\n'),
};

export const JUDGE_CRITERIA = ['faithfulness', 'consistency', 'specificity'] as const;

/**
 * METHOD.md §4: the persona answers one IPIP item. Everything but the statement sits in the system
 * message, the prefix shared by all 50 calls, so the per-item turn is a dozen tokens.
 */
export const QUESTIONNAIRE_PROMPT: PromptTemplate = {
  id: 'ipip50-item',
  version: 1,
  system: [
    'You are the person described below. Answer every question as this person would, in character.',
    '',
    '{{persona}}',
    '',
    'You will be shown statements about yourself. For each, answer how accurately it describes you:',
    '1 = Very inaccurate, 2 = Moderately inaccurate, 3 = Neither accurate nor inaccurate, 4 = Moderately accurate, 5 = Very accurate.',
    'Answer with a single digit from 1 to 5.',
  ].join('\n'),
  user: 'Statement: "{{item}}"',
};

/** Posts rendered into a prompt: one dated block each. */
export function renderPosts(posts: readonly { date: string | null; text: string }[]): string {
  return posts.map((p) => `[${p.date ?? 'undated'}] ${p.text.trim()}`).join('\n\n');
}
