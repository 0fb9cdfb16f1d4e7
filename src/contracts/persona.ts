/**
 * The persona record every stage after mining works on (quality, psychometrics, alignment,
 * targeting, export). One line of a persona JSONL file is one PersonaRecord.
 *
 * Kept deliberately small: later stages add their results as the optional fields below rather
 * than inventing parallel records, so one persona can be followed from source to final set.
 */
import type { TraitVector } from '../core/traits';

/** Where a persona came from. Always present: provenance is how a user judges a persona set. */
export type PersonaSource =
  /** Written by the LLM from one corpus author's posts (stage 2). */
  | { kind: 'mined'; corpusId: string; author: string }
  /** Read from a persona file the user brought; `sha256` of that file when it was computed. */
  | { kind: 'imported'; file: string; format: string; sha256?: string }
  /** Synthetic, written by a seeded template generator (public/demo-personas). Never real people. */
  | { kind: 'demo'; generator: string; version: string };

export type PersonaSourceKind = PersonaSource['kind'];

/** The age bands used in meta.ageBand across the app (ASCII hyphen, so they survive CSV and URLs). */
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/**
 * Conventional meta keys. Any string key is allowed; these are the ones views, filters and the
 * target stage look for. `country` is an ISO 3166-1 alpha-2 code when known.
 */
export const PERSONA_META_KEYS = ['region', 'country', 'city', 'ageBand', 'age', 'gender', 'occupation', 'name'] as const;

/** Outcome of the quality stage (stage 3); every rejection keeps its reasons. */
export interface PersonaQuality {
  kept: boolean;
  /** Rubric scores on 1–5 (e.g. faithfulness, consistency, specificity). */
  scores: Record<string, number>;
  /** Why a rule or the judge rejected or flagged it; empty when clean. */
  reasons: string[];
}

/** Questionnaire answers (stage 4): item id (e.g. "EXT1") → expected Likert value on 1–5. */
export type PersonaAnswers = Record<string, number>;

export interface PersonaRecord {
  /** Unique within one persona set; stable across re-runs of the same source. */
  id: string;
  source: PersonaSource;
  /** The narrative persona, third person, as a downstream LLM would be prompted with it. */
  text: string;
  /** Descriptive attributes as strings (see PERSONA_META_KEYS); absent keys mean unknown. */
  meta: Record<string, string>;
  /**
   * Big Five mean scores on the 1–5 Likert scale, canonical trait names, neuroticism direction.
   * Absent until scored. For demo personas these are the generator's latent values, not measurements.
   */
  traits?: TraitVector;
  /** Filled by the quality stage. */
  quality?: PersonaQuality;
  /** Filled by the questionnaire stage; `traits` is then derived from these. */
  answers?: PersonaAnswers;
}
