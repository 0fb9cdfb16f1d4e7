/**
 * Records the persona stages (mining, quality, questionnaire) produce. A StoredPersona is a
 * PersonaRecord (the contract every later stage reads) plus what each stage did to it, so one
 * persona can be audited from its posts to its trait scores, and verdicts can be re-derived
 * (a new quality threshold) without calling the model again.
 */
import type { DecodingOptions, LlmBackendKind } from '../../contracts/llm';
import type { PersonaRecord, PersonaSource } from '../../contracts/persona';
import type { TraitVector } from '../traits';

export type StageName = 'mine' | 'quality' | 'profile';
export const STAGE_NAMES: readonly StageName[] = ['mine', 'quality', 'profile'];

/** How an output was obtained: enough to rerun it, or to tell two runs apart. */
export interface StageProvenance {
  modelId: string;
  backend: LlmBackendKind;
  /** The prompt template used: id, version and SHA-256 of its exact text (an edited prompt gets a new hash). */
  prompt: { id: string; version: number; hash: string };
  decoding: DecodingOptions;
  seed: number;
  /** ISO time the output was written. */
  at: string;
}

/** A span of ≥ n consecutive words found both in a persona and in the posts it came from. */
export interface VerbatimSpan {
  /** Index of the span's first word in the persona's word list. */
  start: number;
  words: number;
  text: string;
}

export interface PostSelection {
  /** Posts the author has, and how many went into the prompt(s). */
  available: number;
  used: number;
  /** Token count of the used posts' text (after identifier stripping), by the model's tokenizer. */
  tokens: number;
  /** 'direct': one prompt; 'map-reduce': chunk notes then one persona prompt over the notes. */
  mode: 'direct' | 'map-reduce';
  chunks: number;
  /** Posts shortened to fit (their tail cut). */
  truncated: number;
  /** Identifiers replaced before prompting: e-mails, URLs, @handles, phone numbers. */
  stripped: Record<'email' | 'url' | 'handle' | 'phone', number>;
  /** seq numbers of the used posts, chronological. */
  seqs: number[];
}

export interface MineDetail {
  provenance: StageProvenance;
  /** Provenance of the map step's prompt when map-reduce ran. */
  mapPrompt?: StageProvenance['prompt'];
  selection: PostSelection;
  verbatim: VerbatimSpan[];
  /** Minimum span length (words) the verbatim check used. */
  verbatimWords: number;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  ms: number;
}

export interface RuleCheck {
  rule: 'length' | 'repetition' | 'boilerplate' | 'language' | 'identifiers' | 'verbatim';
  passed: boolean;
  /** Human-readable finding, e.g. "112 words (allowed 150–300)". */
  detail: string;
}

export interface JudgeResult {
  /** 1–5 per rubric criterion (faithfulness, consistency, specificity). */
  scores: Record<string, number>;
  /** The judge's own words, kept for inspection. */
  rationale: string;
  /** The raw text the judge returned. */
  raw: string;
}

/** Everything the quality stage measured; the verdict (PersonaRecord.quality) is derived from it. */
export interface QualityAssessment {
  provenance: StageProvenance;
  rules: RuleCheck[];
  /** Absent when the judge was not run (rules only). */
  judge?: JudgeResult;
  /** Threshold the stored verdict was derived with. */
  threshold: number;
  promptTokens: number;
  completionTokens: number;
}

export interface ProfileDetail {
  provenance: StageProvenance;
  method: 'logprobs' | 'json';
  /** Item codes in the order they were asked (seeded shuffle per persona). */
  order: string[];
  /** Per item: probabilities of "1".."5" (logprobs) or the sampled answers (json). */
  perItem: Record<string, number[]>;
  /** Mean probability mass the five choices had among all next tokens (logprobs only). */
  meanCoverage?: number;
  repeats?: number;
  /** Response-style numbers for this persona. */
  style: { acquiescence: number; longestRun: number; inconsistentTraits: number };
  /** 'acquiescence', 'inconsistency', 'straight-lining' when the style numbers cross their thresholds. */
  flags: string[];
  promptTokens: number;
  cachedPromptTokens: number;
  /** Tokens generated: one per logprobs call; the answers' tokens in JSON mode. */
  completionTokens: number;
  calls: number;
  ms: number;
}

/**
 * Where a persona stands: after mining (for an imported persona: as imported, not assessed yet;
 * source.kind tells the two apart), after the quality verdict, after the questionnaire.
 */
export type PersonaStatus = 'mined' | 'kept' | 'rejected' | 'profiled';

export interface StoredPersona extends PersonaRecord {
  /** 'mined' (stage 2 wrote it from a corpus author) or 'imported' (a persona file the user brought). */
  source: PersonaSource;
  /**
   * The owner id, top level so IndexedDB can index it: the corpus id for mined personas (a copy of
   * source.corpusId), the persona-set id ("set-…", src/contracts/persona-set.ts) for imported ones.
   */
  corpusId: string;
  status: PersonaStatus;
  stages: { mine?: MineDetail; quality?: QualityAssessment; profile?: ProfileDetail };
  /**
   * Imported personas only: the trait scores the file came with (1–5, canonical names). `traits`
   * starts as a copy and the questionnaire replaces it with measured scores; these stay, so given
   * and measured can be compared (src/core/psychometrics/agreement.ts).
   */
  givenTraits?: TraitVector;
}

export type MinedSource = Extract<PersonaSource, { kind: 'mined' }>;
/** A persona stage 2 wrote from one corpus author's posts. */
export type MinedPersona = StoredPersona & { source: MinedSource };

export function isMined(p: StoredPersona): p is MinedPersona {
  return p.source.kind === 'mined';
}

/**
 * Who a persona speaks for, in a view or a job item: the author for mined personas, the persona id
 * otherwise (an imported set's own ids).
 */
export function personaSubject(p: StoredPersona): string {
  return p.source.kind === 'mined' ? p.source.author : p.id;
}

/** The persona id for an author of a corpus: stable across re-runs, so a re-run replaces, never duplicates. */
export function minedPersonaId(corpusId: string, author: string): string {
  return `${corpusId}/${author}`;
}
