/**
 * What the embedder picker lists: "lexical (no model)" first (works with no download, its limits
 * stated), then the registry's sentence-embedding models. Pure; the page builds it without a worker.
 */
import { LEXICAL_LIMITS } from '../core/embed/lexical';
import { LEXICAL_MODEL_ID } from '../core/embed/lexical-service';
import { EMBED_MODELS, type EmbedDtype, type EmbedModelEntry } from './registry';

export interface EmbedderChoice {
  /** What `load` takes: "lexical" or a registry id. */
  id: string;
  label: string;
  backend: 'lexical' | 'transformers';
  /** Vector length; the lexical one depends on its options and fit. */
  dim: number | undefined;
  /** Approximate weight download per precision (none for lexical). */
  downloadBytes: Partial<Record<EmbedDtype, number>>;
  notes: string;
  limits: string[];
}

export function embedderChoices(registry: readonly EmbedModelEntry[] = EMBED_MODELS): EmbedderChoice[] {
  return [
    {
      id: LEXICAL_MODEL_ID,
      label: 'lexical (no model)',
      backend: 'lexical',
      dim: undefined,
      downloadBytes: {},
      notes: 'Word-overlap vectors fitted on your persona set: nothing to download, runs anywhere.',
      limits: [...LEXICAL_LIMITS],
    },
    ...registry.map((e) => ({
      id: e.id,
      label: e.label,
      backend: 'transformers' as const,
      dim: e.dim,
      downloadBytes: { ...e.weightBytes },
      notes: e.notes,
      limits: modelLimits(e),
    })),
  ];
}

export function modelLimits(e: EmbedModelEntry): string[] {
  return [
    `reads the first ${e.maxTokens} tokens of each text`,
    ...(e.languages === 'en' ? ['trained on English text'] : []),
  ];
}
