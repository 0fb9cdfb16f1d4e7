import type { Rng } from '../core/rng';

/**
 * Text helpers of the deterministic test engine: content words of a prompt, a templated persona
 * narrative, and keyword trait cues that make questionnaire answers correlate with persona text.
 * Nothing here pretends to be a language model; it only has to be content-dependent and stable.
 */

const STOP = new Set(
  ('about above after again against also among another anyone anything around because been before being below between both ' +
    'could does doing down during each even ever every from further have having here hers herself himself into itself just ' +
    'know like made make many might more most much must myself never once only other ours ourselves over really said same ' +
    'should some still such than that their theirs them themselves then there these they thing things think this those ' +
    'through today told took under until upon very want was were what when where which while whom whose will with would ' +
    'your yours yourself going gonna got get gets went come came back well yeah okay something nothing everything because ' +
    // instruction words of the app's own prompts, so they are not mistaken for the author's topics
    'persona personas narrative posts post blog blogger author words word write written describe covering inferred band ' +
    'occupation interests values habits social behaviour behavior communication style facts supported names emails urls ' +
    'identifiers third person paragraph summary summaries user users text texts following below answer item items')
    .split(' '),
);

const URLISH = /\b(?:https?:\/\/|www\.)\S+|\S+@\S+/g;

/**
 * Lower-case content words of `text`, most frequent first (ties: first appearance). Capitalised
 * words, numbers, URLs and e-mail addresses are skipped so names and identifiers never reach a
 * generated persona.
 */
export function contentWords(text: string, limit = 24): string[] {
  const counts = new Map<string, number>();
  const clean = text.replace(URLISH, ' ');
  for (const m of clean.matchAll(/[A-Za-z][A-Za-z'-]*/g)) {
    const w = m[0];
    if (w.length < 4 || w !== w.toLowerCase() || w.includes("'") || STOP.has(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([w]) => w);
}

function ageBand(words: Set<string>): string {
  const has = (...ws: string[]): boolean => ws.some((w) => words.has(w));
  if (has('homework', 'teacher', 'teachers', 'highschool', 'prom', 'parents')) return 'a teenager, probably still at school';
  if (has('college', 'university', 'dorm', 'exams', 'semester', 'professor', 'campus')) return 'a young adult in their early twenties, likely a student';
  if (has('retired', 'retirement', 'grandchildren', 'grandkids', 'pension')) return 'an older adult, likely past sixty';
  if (has('kids', 'children', 'husband', 'wife', 'mortgage', 'daughter', 'son')) return 'an adult in their thirties or forties with a family';
  return 'an adult, most likely in their twenties or thirties';
}

type Slot = (w: () => string) => string;

// Sentences of 8–28 words; topic words are always separated by template words, so the output never
// repeats a long run of the source text.
const SENTENCES: Slot[] = [
  (w) => `Much of what this person shares circles around ${w()} and ${w()}, topics they come back to with visible enthusiasm.`,
  (w) => `Their working life seems tied to ${w()}, although the posts leave the exact job title unclear.`,
  (w) => `In their free time they are drawn to ${w()}, and they describe ${w()} as a small but steady pleasure.`,
  (w) => `They appear to value honesty and loyalty, and they judge people by how they handle ${w()}.`,
  (w) => `Daily habits come through in passing remarks: routines built around ${w()}, late evenings, and a fondness for ${w()}.`,
  (w) => `Socially they seem to keep a small circle, checking in with friends about ${w()} rather than seeking large crowds.`,
  (w) => `Their writing is informal and conversational, mixing wry humour with candid notes on ${w()}.`,
  (w) => `When something goes wrong, for instance with ${w()}, they tend to reflect at length before deciding what to do.`,
  (w) => `They show curiosity about ${w()} and often ask readers what they make of it.`,
  (w) => `There is a practical streak too: they plan ahead for ${w()} and keep track of small commitments.`,
  (w) => `Occasional frustration surfaces around ${w()}, yet the overall tone stays hopeful and self-aware.`,
  (w) => `They care about fairness and mention ${w()} when explaining what matters most to them.`,
  (w) => `Mentions of ${w()} suggest an interest in learning new things outside their usual routine.`,
  (w) => `They rarely dwell on appearances; conversations about ${w()} and ${w()} seem to matter more.`,
  (w) => `Overall they come across as thoughtful, a little restless, and attached to ${w()}.`,
];

function wordCount(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

/**
 * A 150–250-word third-person persona narrative built from the content words of `posts`. Seeded by
 * `rng`, so the same prompt gives the same narrative.
 */
export function personaNarrative(posts: string, rng: Rng): string {
  const topics = contentWords(posts);
  const pool = topics.length >= 3 ? topics : [...topics, 'music', 'friends', 'weekends', 'reading'];
  let next = 0;
  const offset = rng.int(pool.length);
  const w = (): string => pool[(offset + next++) % pool.length]!;
  const sentences = [`This person appears to be ${ageBand(new Set(topics))}.`];
  const order = rng.shuffle(SENTENCES.map((_, i) => i));
  const target = 165 + rng.int(50);
  let words = wordCount(sentences[0]!);
  for (let i = 0; words < target; i++) {
    const s = i < order.length ? SENTENCES[order[i]!]!(w) : `They also return, again and again, to ${w()} and to ${w()}.`;
    sentences.push(s);
    words += wordCount(s);
  }
  return sentences.join(' ');
}

/** Keyword cues per Big Five trait: [words for the high pole, words for the low pole]. */
const TRAIT_CUES: Record<string, [string[], string[]]> = {
  extraversion: [
    ['outgoing', 'sociable', 'talkative', 'party', 'parties', 'life of the party', 'energetic', 'extravert', 'extroverted', 'lively', 'crowd', 'center of attention', 'comfortable around people', 'start conversations', 'talk to a lot'],
    ['shy', 'quiet', 'reserved', 'introvert', 'introverted', 'solitary', 'withdrawn', 'keep in the background', "don't talk a lot", 'little to say', "don't like to draw attention"],
  ],
  neuroticism: [
    ['anxious', 'worried', 'worry', 'stressed', 'nervous', 'moody', 'upset', 'irritated', 'panic', 'mood swings', 'feel blue', 'disturbed'],
    ['calm', 'relaxed', 'stable', 'composed', 'serene', 'seldom feel blue', 'relaxed most of the time'],
  ],
  agreeableness: [
    ['kind', 'warm', 'caring', 'sympathetic', 'helpful', 'friendly', 'compassionate', 'trusting', "feel others' emotions", 'make people feel at ease', 'take time out for others', 'soft heart', 'interested in people'],
    ['rude', 'harsh', 'cold', 'selfish', 'insult', 'not interested in other', 'not really interested in others', 'little concern for others'],
  ],
  conscientiousness: [
    ['organized', 'organised', 'tidy', 'careful', 'diligent', 'punctual', 'prepared', 'schedule', 'disciplined', 'attention to details', 'get chores done', 'exacting', 'like order'],
    ['messy', 'careless', 'lazy', 'disorganized', 'procrastinate', 'chaotic', 'make a mess', 'leave my belongings around', 'forget to put things back', 'shirk my duties'],
  ],
  openness: [
    ['curious', 'imaginative', 'creative', 'art', 'poetry', 'philosophy', 'abstract', 'rich vocabulary', 'vivid imagination', 'excellent ideas', 'full of ideas', 'quick to understand', 'reflecting on things'],
    ['conventional', 'routine', 'traditional', 'unimaginative', 'not interested in abstract ideas', 'difficulty understanding abstract', 'not have a good imagination'],
  ],
};

function countCues(text: string, cues: readonly string[]): number {
  let n = 0;
  for (const c of cues) {
    const re = new RegExp(`\\b${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
    n += (text.match(re) ?? []).length;
  }
  return n;
}

/** Trait levels in [-1, 1] read from keyword cues (0 where the text says nothing). */
export function traitCues(text: string): Record<string, number> {
  const lower = text.toLowerCase();
  const out: Record<string, number> = {};
  for (const [trait, [hi, lo]] of Object.entries(TRAIT_CUES)) {
    const h = countCues(lower, hi);
    const l = countCues(lower, lo);
    out[trait] = h + l === 0 ? 0 : Math.tanh(h - l);
  }
  return out;
}

/**
 * The trait a questionnaire item speaks to and its keying (+1 agrees with the high pole, −1 with the
 * low pole), from the same cues; undefined when the item matches none.
 */
export function itemKeying(item: string): { trait: string; sign: number } | undefined {
  const lower = item.toLowerCase();
  let best: { trait: string; sign: number; score: number } | undefined;
  for (const [trait, [hi, lo]] of Object.entries(TRAIT_CUES)) {
    // Longer cues are more specific (a low-pole phrase often contains a high-pole word).
    const score = (cues: string[]): number => cues.filter((c) => countCues(lower, [c]) > 0).reduce((s, c) => s + c.length, 0);
    const h = score(hi);
    const l = score(lo);
    const top = Math.max(h, l);
    if (top > 0 && (!best || top > best.score)) best = { trait, sign: l > h ? -1 : 1, score: top };
  }
  return best && { trait: best.trait, sign: best.sign };
}
