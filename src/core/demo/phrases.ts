/**
 * Sentence banks for the demo narratives. Each trait has low/mid/high banks whose wording carries
 * the trait level (high extraversion: "outgoing", "parties", "crowd"; low: "quiet", "reserved",
 * "alone"), so a reader or a lexical embedder can recover the level from the text.
 *
 * Template syntax (rendered by narrative.ts):
 *   {name} {Sub}/{sub} {obj} {Pos}/{pos} {refl} {age} {occ} {a_occ} {place} {task}
 *   {city} {country} {region} {i1} {i2}
 *   [singular|plural]  verb form after {Sub}/{sub}, plural for singular "they" ("finish[es|]").
 */
import type { Trait } from '../traits';

export type Level = 'low' | 'mid' | 'high';
export type LevelBank = Record<Level, readonly string[]>;

export const INTROS: readonly string[] = [
  '{name} is a {age}-year-old {occ} living in {city}, {country}, in {region}.',
  '{name}, {age}, is {a_occ} in {city}, {country}, and has spent most of {pos} life in {region}.',
  'Based in {city}, {country}, {name} is {a_occ} aged {age} whose daily life is rooted in {region}.',
  '{name} is {a_occ} in {region}: {age} years old and living in {city}, {country}.',
  'Living in {city}, {country}, {name} is a {age}-year-old {occ} who has always called {region} home.',
  'A {age}-year-old {occ} from {city}, {country}, {name} has built {pos} adult life in {region}.',
];

export const WORK: readonly string[] = [
  'Most weekdays are spent at {place}, where {pos} work centres on {task}.',
  '{Pos} days at {place} revolve around {task}.',
  'At {place}, {sub} handle[s|] {task}.',
  "{name}'s time goes largely to {task} at {place}.",
  '{Sub} [has|have] been at {place} for some years now, mostly on {task}.',
];

/** Interests slotted into the openness sentences, by openness level. */
export const INTERESTS: LevelBank = {
  high: [
    'experimental jazz', 'learning a third language', 'independent cinema', 'philosophy podcasts', 'sketching in museums',
    'cooking unfamiliar cuisines', 'science fiction novels', 'contemporary art exhibitions', 'travel to unfamiliar places',
    'writing poetry', 'astronomy', 'improv theatre', 'world music festivals',
  ],
  mid: [
    'crime novels', 'weekend hiking', 'cooking', 'football on TV', 'photography', 'board games', 'gardening',
    'history documentaries', 'cycling', 'pop music', 'swimming', 'home decorating',
  ],
  low: [
    'long-running TV series', 'fishing', 'home repairs', 'family recipes', 'the local football club', 'tidying the garden',
    'card games with old friends', 'walks along the same route', 'the evening news', 'washing the car',
  ],
};

export const TRAIT_SENTENCES: Record<Trait, LevelBank> = {
  openness: {
    high: [
      '{name} is intensely curious and drifts between {i1}, {i2} and whatever new idea caught {pos} attention that week.',
      'Novelty energises {obj}: {sub} fill[s|] {pos} free time with {i1} and {i2}, and [likes|like] debating abstract ideas late into the night.',
      '{Sub} [has|have] a restless, imaginative mind, collecting unusual books and spending spare evenings on {i1} or {i2}.',
      '{name} loves experimenting, whether that means {i1}, {i2} or rethinking a familiar problem from an unconventional angle.',
      'Art, ideas and unfamiliar cultures fascinate {obj}; lately {pos} evenings go to {i1} and {i2}.',
    ],
    mid: [
      'Outside work {sub} enjoy[s|] {i1} and {i2}, and [is|are] open to new things when a friend suggests them.',
      '{Pos} interests are fairly conventional, mostly {i1} and {i2}, with the occasional new hobby that lasts a season.',
      '{name} spends weekends on {i1} and {i2}, and will try a new restaurant or book without going looking for novelty.',
      'Free time usually means {i1} or {i2}; {sub} appreciate[s|] new ideas but [does|do] not chase them.',
      '{Sub} [keeps|keep] a practical mix of interests, {i1} and {i2} among them, and [prefers|prefer] ideas with a clear use.',
    ],
    low: [
      '{name} prefers the familiar: {i1}, {i2} and the routines that have worked for years.',
      '{Sub} [has|have] little patience for abstract theories or experimental art and [sticks|stick] to {i1} and {i2}.',
      'Trends pass {obj} by; {pos} free time goes to {i1} and {i2}, much as it did a decade ago.',
      '{name} is down-to-earth and traditional in taste, happiest with {i1} and {i2} rather than anything new.',
      'New fashions and big ideas rarely interest {obj}; {sub} would rather spend {pos} free hours on {i1} or {i2}.',
    ],
  },
  conscientiousness: {
    high: [
      '{name} is highly organised, keeps a detailed planner and finishes tasks well before deadlines.',
      '{Sub} [plans|plan] each week on Sunday evening, [keeps|keep] a tidy home and rarely [misses|miss] an appointment.',
      'Colleagues rely on {pos} thoroughness; {sub} double-check[s|] details and [follows|follow] through on every commitment.',
      'Disciplined and punctual, {name} budgets carefully and sticks to a fixed morning routine.',
      '{Sub} [makes|make] lists for almost everything and [takes|take] quiet pride in doing a job properly the first time.',
    ],
    mid: [
      '{name} is reasonably organised, on top of important deadlines while letting smaller chores slide now and then.',
      '{Pos} habits are steady if not strict: bills get paid on time, though the desk is often cluttered.',
      '{Sub} [plans|plan] the big things and [improvises|improvise] the rest, usually getting work done on time.',
      'Most days follow a loose routine; {sub} can be disciplined when something matters but [enjoys|enjoy] a lazy weekend.',
      '{name} keeps a calendar for the essentials and otherwise takes things as they come.',
    ],
    low: [
      '{name} is spontaneous and often disorganised, juggling things at the last minute and losing track of paperwork.',
      'Deadlines tend to sneak up on {obj}; {sub} work[s|] in bursts and [leaves|leave] chores until they pile up.',
      '{Sub} rarely [plans|plan] ahead, [misplaces|misplace] keys weekly and [prefers|prefer] impulses to schedules.',
      'Routine bores {obj}, so {pos} days are improvised, with unfinished projects scattered around the home.',
      '{name} admits to procrastinating, forgetting appointments and starting far more than {sub} finish[es|].',
    ],
  },
  extraversion: {
    high: [
      'Outgoing and talkative, {name} is energised by people and is usually the one organising parties and group outings.',
      '{Sub} [loves|love] lively gatherings, [makes|make] friends easily and rarely [spends|spend] an evening alone.',
      '{name} thrives in a crowd, chatting with strangers, hosting dinners and filling weekends with social plans.',
      'Sociable to the core, {sub} [joins|join] every team event and [feels|feel] restless after a quiet day at home.',
      'People describe {obj} as the life of the party: energetic, outgoing and always ready to meet someone new.',
    ],
    mid: [
      '{name} enjoys a night out with friends but also values evenings at home, depending on {pos} mood.',
      '{Sub} [is|are] comfortable in groups without needing to be the centre of attention, and [keeps|keep] a moderate social calendar.',
      'Socially, {sub} [sits|sit] in the middle: happy at a gathering for a few hours, then glad to head home.',
      '{name} balances time with people and time for {refl}, seeing close friends most weekends.',
      '{Sub} can chat easily with colleagues yet [guards|guard] a few evenings a week for {refl}.',
    ],
    low: [
      '{name} is quiet and reserved, preferring solitude or a small circle of close friends to large gatherings.',
      'Crowds drain {obj}; {sub} recharge[s|] alone with a book and [avoids|avoid] parties whenever possible.',
      '{Sub} [is|are] introverted and private, rarely speaking up in meetings and spending most evenings alone.',
      'Reserved with strangers, {name} keeps to {refl} and treasures long, quiet weekends at home.',
      'Large social events feel exhausting to {obj}, so {pos} social life is small, calm and mostly one-to-one.',
    ],
  },
  agreeableness: {
    high: [
      '{name} is warm, trusting and generous, always ready to help a neighbour or cover a colleague\'s shift.',
      '{Sub} [avoids|avoid] conflict, [assumes|assume] the best in people and [puts|put] others\' needs ahead of {pos} own.',
      'Kind and cooperative, {name} volunteers on weekends and is the friend everyone calls for advice.',
      '{Sub} [values|value] harmony and compassion, forgiving slights quickly and making people feel welcome.',
      'Colleagues find {obj} patient and considerate; {sub} rarely [says|say] a harsh word about anyone.',
    ],
    mid: [
      '{name} is generally friendly and fair, cooperative with most people but willing to push back when something seems wrong.',
      '{Sub} [trusts|trust] people who earn it and [helps|help] out when asked, without being a pushover.',
      '{Sub} [values|value] fairness over harmony and can be blunt if pushed, though {sub} [prefers|prefer] to get along.',
      '{name} is polite and helpful to friends, a little guarded with strangers.',
      'Most people find {obj} pleasant to work with, if occasionally stubborn about {pos} own view.',
    ],
    low: [
      '{name} is blunt and sceptical of others\' motives, more interested in being right than being liked.',
      '{Sub} [argues|argue] readily, [holds|hold] grudges and [does|do] not soften criticism for anyone\'s sake.',
      'Competitive and critical, {name} keeps people at a distance and expects them to look after themselves.',
      '{Sub} [has|have] little patience for compromise, and colleagues find {obj} hard-headed and cold.',
      '{name} distrusts flattery, speaks frankly to the point of rudeness and rarely lends a hand unasked.',
    ],
  },
  neuroticism: {
    high: [
      '{name} worries a great deal, often lying awake anxious about money, health or a remark made earlier in the day.',
      '{Sub} [is|are] easily stressed and moody, and small setbacks leave {obj} tense for days.',
      'Anxiety is a constant companion; {sub} [overthinks|overthink] messages and [feels|feel] overwhelmed when plans change.',
      '{name} is emotionally sensitive, prone to nervousness and irritability when pressure builds at work.',
      'Criticism stings {obj} deeply, and {sub} often [feels|feel] insecure, on edge or low without knowing why.',
    ],
    mid: [
      '{name} has ordinary ups and downs, stressed in busy weeks but able to recover after a good night\'s sleep.',
      '{Sub} [worries|worry] about the usual things, money and family, without letting it take over.',
      'Pressure gets to {obj} occasionally, though {sub} usually [regains|regain] {pos} balance within a day or two.',
      '{Pos} moods are fairly even, with the odd bout of nerves before deadlines or difficult conversations.',
      '{name} handles most stress reasonably well, though uncertainty can make {obj} tense.',
    ],
    low: [
      '{name} is calm and emotionally steady, rarely worried and quick to shrug off setbacks.',
      'Little rattles {obj}; {sub} [stays|stay] relaxed under pressure and [sleeps|sleep] well even in hard weeks.',
      '{Sub} [is|are] even-tempered and secure, meeting problems with a level head rather than anxiety.',
      'Friends call {obj} unflappable: {sub} [keeps|keep] calm in emergencies and seldom [feels|feel] stressed.',
      '{name} has a steady, resilient temperament and rarely dwells on mistakes or criticism.',
    ],
  },
};

/** Communication style, worded by extraversion level (the sentence follows the social one). */
export const COMMUNICATION: LevelBank = {
  high: [
    '{Pos} communication style is expressive and fast, full of jokes, voice messages and exclamation marks.',
    'In conversation {sub} [speaks|speak] readily and at length, thinking out loud and drawing others in.',
    '{Sub} [prefers|prefer] talking things through in person or on the phone, and group chats light up when {sub} [joins|join].',
    '{name} speaks up first in meetings and communicates with animation and plenty of stories.',
  ],
  mid: [
    '{Pos} communication style is clear and friendly, neither chatty nor terse.',
    'In conversation {sub} [listens|listen] as much as {sub} [talks|talk], and [writes|write] messages that are brief but warm.',
    '{Sub} [adapts|adapt] to the room, talkative with friends and more measured at work.',
    '{name} communicates plainly, answering messages promptly without much small talk.',
  ],
  low: [
    '{Pos} communication style is brief and careful; {sub} [prefers|prefer] written messages to phone calls.',
    'In conversation {sub} [listens|listen] more than {sub} [speaks|speak], choosing words slowly and avoiding small talk.',
    '{Sub} rarely [starts|start] conversations and [answers|answer] group chats with a short message, if at all.',
    '{name} communicates in a soft-spoken, understated way and is most comfortable writing rather than talking.',
  ],
};

/** Household sentences, each with the age range it fits. */
export const HOUSEHOLDS: readonly { minAge: number; maxAge: number; text: string }[] = [
  { minAge: 18, maxAge: 32, text: '{Sub} share[s|] a flat with two friends.' },
  { minAge: 18, maxAge: 28, text: '{Sub} still live[s|] with {pos} parents.' },
  { minAge: 20, maxAge: 45, text: '{Sub} live[s|] alone in a small studio.' },
  { minAge: 26, maxAge: 54, text: '{Sub} live[s|] with a partner and two children.' },
  { minAge: 24, maxAge: 70, text: '{Sub} live[s|] with a partner and a dog.' },
  { minAge: 25, maxAge: 79, text: '{Sub} live[s|] alone with a cat.' },
  { minAge: 28, maxAge: 55, text: '{Sub} [is|are] raising a child alone.' },
  { minAge: 50, maxAge: 79, text: '{Sub} live[s|] with a spouse now that {pos} children have moved out.' },
  { minAge: 55, maxAge: 79, text: '{Sub} [has|have] grandchildren nearby and [sees|see] them every week.' },
];

/** Closing sentence about life stage, by age band. */
export const LIFE_STAGE: Record<string, readonly string[]> = {
  '18-24': [
    'Still early in adult life, {sub} [is|are] working out what {sub} want[s|] from the years ahead.',
    'Like many young adults in {country}, {sub} [thinks|think] a lot about rent, first jobs and travel.',
    'Being young, {sub} [sees|see] the coming decade as wide open.',
  ],
  '25-34': [
    'Early in a working life, {sub} [is|are] weighing stability against ambition.',
    'Like many adults around thirty, {sub} [is|are] balancing work, relationships and savings.',
    'At this stage of life {sub} [is|are] building something lasting, at work and at home.',
  ],
  '35-44': [
    'In mid-life and mid-career, {sub} [measures|measure] success more by security than by excitement.',
    'In {pos} late thirties or early forties, {sub} [juggles|juggle] work with family obligations.',
    'Established in {pos} work, {sub} now [thinks|think] about what the next twenty years should look like.',
  ],
  '45-54': [
    'With decades of experience behind {obj}, {sub} [cares|care] most about health, family and doing good work.',
    'In {pos} late forties or early fifties, {sub} [is|are] starting to think seriously about retirement.',
    'As a middle-aged adult, {sub} [values|value] reliability and a settled routine.',
  ],
  '55+': [
    'As an older adult, {sub} [values|value] health, long friendships and time with family.',
    'Later life has brought {obj} more time for the things {sub} care[s|] about.',
    'Having seen a lot of change in {country}, {sub} [takes|take] a long view of things.',
  ],
};
