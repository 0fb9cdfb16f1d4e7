/**
 * OASIS (camel-ai/oasis) agent profiles, in the two forms its agent generators read
 * (camel-ai/oasis, oasis/social_agent/agents_generator.py):
 *
 * - Reddit: a JSON array, one object per agent with the keys `generate_reddit_agent_graph` reads:
 *   realname, username, bio, persona, age, gender, mbti, country. `persona` becomes the agent's
 *   user_profile (its system prompt); `bio` its profile text.
 * - Twitter: a CSV with the columns `generate_twitter_agent_graph` / `generate_agents` read:
 *   user_id, name, username, user_char, description, following_agentid_list, previous_tweets; the
 *   last two are Python list literals (read with ast.literal_eval), here "[]".
 *
 * OASIS has no Big Five field, so the trait profile is written into the persona text. It does
 * require an `mbti` key; we do not invent an MBTI type from Big Five scores and write "unknown".
 */
import { csvText } from './tabular';
import { ageOf, bigFiveSentence, displayName } from './describe';
import type { FinalSet, FinalSetRow } from './final-set';

export interface OasisRedditProfile {
  realname: string;
  username: string;
  bio: string;
  persona: string;
  age: number | null;
  gender: string;
  mbti: string;
  country: string;
}

export function oasisRedditProfiles(set: FinalSet): OasisRedditProfile[] {
  const names = usernames(set.rows);
  return set.rows.map((r, i) => ({
    realname: displayName(r),
    username: names[i]!,
    bio: bioOf(r),
    persona: personaText(r),
    age: ageOf(r),
    gender: r.meta.gender ?? 'unknown',
    mbti: 'unknown',
    country: r.meta.country ?? r.meta.region ?? 'unknown',
  }));
}

export function oasisRedditJson(set: FinalSet): string {
  return JSON.stringify(oasisRedditProfiles(set), null, 2) + '\n';
}

export const OASIS_TWITTER_COLUMNS = ['user_id', 'name', 'username', 'user_char', 'description', 'following_agentid_list', 'previous_tweets'] as const;

export function oasisTwitterCsv(set: FinalSet): string {
  const names = usernames(set.rows);
  return csvText(
    [...OASIS_TWITTER_COLUMNS],
    set.rows.map((r, i) => [i, displayName(r), names[i]!, personaText(r), bioOf(r), '[]', '[]']),
  );
}

function personaText(r: FinalSetRow): string {
  const text = r.text.trim() === '' ? `${displayName(r)}.` : r.text.trim();
  return `${text}\n\n${bigFiveSentence(r)}`;
}

/** A one-line profile: occupation, age and place when known. */
function bioOf(r: FinalSetRow): string {
  const parts = [r.meta.occupation, r.meta.age ? `${r.meta.age} years old` : r.meta.ageBand ? `aged ${r.meta.ageBand}` : undefined, r.meta.city ?? r.meta.country ?? r.meta.region];
  const bio = parts.filter((p): p is string => p !== undefined && p.trim() !== '').join(', ');
  return bio === '' ? displayName(r) : bio;
}

/** Unique handles from the persona id ([a-z0-9_], at most 30 chars), numbered on collision. */
function usernames(rows: FinalSetRow[]): string[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const base = (r.id.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'persona').slice(0, 24);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}_${n + 1}`;
  });
}
