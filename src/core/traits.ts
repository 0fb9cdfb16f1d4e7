/**
 * The one canonical Big Five order and naming, used in the API, CSV headers, plots and exports.
 * Neuroticism is reported in the neuroticism direction (high = more anxious), never as stability.
 */
export const TRAITS = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;
export type Trait = (typeof TRAITS)[number];
export type TraitVector = Record<Trait, number>;

export const TRAIT_LABELS: Record<Trait, string> = {
  openness: 'Openness',
  conscientiousness: 'Conscientiousness',
  extraversion: 'Extraversion',
  agreeableness: 'Agreeableness',
  neuroticism: 'Neuroticism',
};
