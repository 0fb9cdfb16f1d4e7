/**
 * Rule checks of the quality stage (METHOD.md §3), pure and cheap, run before the LLM judge.
 *
 * - length: word count within [minWords, maxWords] (default 150–300).
 * - repetition: share of repeated word trigrams (a looping model repeats whole phrases) above
 *   maxRepeatedTrigrams (default 0.15), or any sentence of 5+ words appearing twice.
 * - boilerplate: refusal and assistant phrases ("as an AI", "I cannot", "here is a persona", ...).
 * - language (heuristic, documented): for 'en', at least minStopwordShare (default 0.25) of the
 *   words are common English function words, and at least 90% of letters are Latin script. It
 *   tells English prose from other languages or word salad; it is not a language identifier.
 * - identifiers: e-mails, URLs, @handles, phone numbers, or the author's key in the persona.
 * - verbatim: a span of ≥ verbatimWords words copied from the posts (from the mining stage).
 */
import { findIdentifiers } from './pii';
import type { RuleCheck, VerbatimSpan } from './types';
import { normWords, words } from './words';

export interface RuleOptions {
  minWords: number;
  maxWords: number;
  maxRepeatedTrigrams: number;
  /** 'en' checks English; 'any' skips the language rule. */
  language: 'en' | 'any';
  minStopwordShare: number;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  minWords: 150,
  maxWords: 300,
  maxRepeatedTrigrams: 0.15,
  language: 'en',
  minStopwordShare: 0.25,
};

export const BOILERPLATE_PHRASES: readonly string[] = [
  'as an ai', 'as a language model', 'language model', "i'm sorry", 'i am sorry', 'i cannot', "i can't", 'i am unable',
  "i'm unable", 'i apologize', 'cannot fulfill', 'cannot help with', 'here is a persona', "here's a persona",
  'here is the persona', "here's the persona", 'persona:', '[insert', 'lorem ipsum', 'not enough information to',
];

const EN_STOPWORDS = new Set(
  ('a an the and or but if of to in on at by for with from as is are was were be been being has have had do does did ' +
    'he she they it his her their its them him this that these those who whom which what when where how not no so ' +
    'than then too very can will would should could may might about into over after before also more most some such ' +
    'only own same other all any both each few many much one out up down off again once there here while because').split(' '),
);

export function checkLength(text: string, o: RuleOptions): RuleCheck {
  const n = words(text).length;
  return { rule: 'length', passed: n >= o.minWords && n <= o.maxWords, detail: `${n} words (allowed ${o.minWords}–${o.maxWords})` };
}

export function checkRepetition(text: string, o: RuleOptions): RuleCheck {
  const ws = normWords(text);
  const seen = new Set<string>();
  let repeated = 0;
  let total = 0;
  for (let i = 0; i + 3 <= ws.length; i++) {
    const k = `${ws[i]} ${ws[i + 1]} ${ws[i + 2]}`;
    total++;
    if (seen.has(k)) repeated++;
    else seen.add(k);
  }
  const share = total > 0 ? repeated / total : 0;
  const sentences = text.split(/[.!?]+\s*/).map((s) => normWords(s).join(' ')).filter((s) => s.split(' ').length >= 5);
  const dupSentence = sentences.find((s, i) => sentences.indexOf(s) !== i);
  const passed = share <= o.maxRepeatedTrigrams && dupSentence === undefined;
  const detail = dupSentence !== undefined
    ? `sentence repeated: "${dupSentence.slice(0, 80)}"`
    : `${(share * 100).toFixed(1)}% repeated word trigrams (max ${(o.maxRepeatedTrigrams * 100).toFixed(0)}%)`;
  return { rule: 'repetition', passed, detail };
}

export function checkBoilerplate(text: string): RuleCheck {
  const lower = text.toLowerCase().replace(/’/g, "'");
  const hits = BOILERPLATE_PHRASES.filter((p) => lower.includes(p));
  return { rule: 'boilerplate', passed: hits.length === 0, detail: hits.length ? `contains ${hits.map((h) => `"${h}"`).join(', ')}` : 'none found' };
}

export function checkLanguage(text: string, o: RuleOptions): RuleCheck {
  if (o.language === 'any') return { rule: 'language', passed: true, detail: 'not checked (language: any)' };
  const ws = normWords(text);
  const stop = ws.filter((w) => EN_STOPWORDS.has(w)).length;
  const share = ws.length ? stop / ws.length : 0;
  const letters = text.match(/\p{L}/gu) ?? [];
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  const latinShare = letters.length ? latin / letters.length : 0;
  const passed = share >= o.minStopwordShare && latinShare >= 0.9;
  return {
    rule: 'language',
    passed,
    detail: `English function words ${(share * 100).toFixed(0)}% (min ${(o.minStopwordShare * 100).toFixed(0)}%), Latin letters ${(latinShare * 100).toFixed(0)}% (min 90%)`,
  };
}

export function checkIdentifiers(text: string, author: string): RuleCheck {
  const found = findIdentifiers(text).map((f) => `${f.kind} "${f.match}"`);
  // The author key is an identifier too (blog ids, user names); only when long enough to be one.
  if (author.length >= 4 && new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(author)}(?![\\p{L}\\p{N}])`, 'iu').test(text)) found.push(`author key "${author}"`);
  return { rule: 'identifiers', passed: found.length === 0, detail: found.length ? found.join(', ') : 'none found' };
}

export function checkVerbatim(spans: readonly VerbatimSpan[], n: number): RuleCheck {
  if (spans.length === 0) return { rule: 'verbatim', passed: true, detail: `no span of ${n}+ words copied` };
  const longest = spans.reduce((a, b) => (b.words > a.words ? b : a));
  return { rule: 'verbatim', passed: false, detail: `${spans.length} span(s) of ${n}+ words copied from the posts, longest ${longest.words}: "${longest.text.slice(0, 100)}"` };
}

export function runRuleChecks(text: string, author: string, verbatim: readonly VerbatimSpan[], verbatimWords: number, o: RuleOptions = DEFAULT_RULE_OPTIONS): RuleCheck[] {
  return [checkLength(text, o), checkRepetition(text, o), checkBoilerplate(text), checkLanguage(text, o), checkIdentifiers(text, author), checkVerbatim(verbatim, verbatimWords)];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
