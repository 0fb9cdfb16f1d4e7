// --- psychometrics + reference (IPIP-50 instrument, scoring, reliability, IPIP-FFM import) ---
export * from './psychometrics/ipip50';
export * from './psychometrics/scoring';
export * from './psychometrics/reliability';
export * from './psychometrics/factor';
export * from './reference/ffm-import';
export * from './reference/ffm-synth';
export * from './reference/reference-csv';
export * from './reference/regions';
export * from './reference/builtin';
// --- end psychometrics + reference ---

// --- alignment (METHOD.md §0, §5, §7): weighted clouds, KDE importance weights, streaming Sinkhorn,
// plan-mass selection, the method registry, k-means quantisation, diagnostics ---
export { makeCloud, subsetCloud, pointAt, type WeightedCloud } from './cloud';
export { lseRows } from './lse';
export type { PairKernel, PairKernelFactory } from './align/kernel';
export { cpuKernel, cpuKernelFactory, pooledKernelFactory, rowRanges, type RowLsePool } from './align/cpu-kernel';
export { MessageLsePool, serveLsePool, type LseEndpoint, type LsePoolMessage, type LsePoolReply } from './align/lse-pool';
export {
  importanceWeights, scottBandwidth, trimWeights,
  type ImportanceOptions, type ImportanceResult, type WeightTrim,
} from './align/weights';
export { sinkhorn, defaultEpsilon, type SinkhornOptions, type SinkhornResult, type MarginalMode } from './align/sinkhorn';
export { scanPlan, greedyMatch, systematicQuotas, systematicSample, topWeights, type PlanScan } from './align/plan';
export {
  align, ALIGN_METHODS, DEFAULT_METHOD, isAlignMethod,
  type AlignMethodName, type AlignOptions, type AlignResult, type AlignOtInfo, type AlignMethod, type AlignMethodInfo,
} from './align/methods';
export { weightedKMeans, type KMeansOptions, type KMeansResult } from './align/kmeans';
export {
  diagnose, samplingFloor, wasserstein1D, ks1D, energyDistance, slicedW1, weightedCorrelation, correlationFrobenius,
  selectedCloud, randomSubset, column,
  type Diagnostics, type DiagnosticsOptions, type TraitDiagnostics,
} from './align/diagnostics';
export {
  splitReference, evaluationReference, heldOutFloor, evaluationFloor, checkHoldout, DEFAULT_HOLDOUT, MAX_HOLDOUT, MIN_HELD_OUT,
  type ReferenceSplit, type EvaluationReference, type EvaluationInfo,
} from './align/holdout';
export {
  cloudMoments, kishEss, weightSummary, standardizerOf, applyStandardizer, withWeights, meanSquaredDistance, squaredDiameter,
  type Standardizer, type WeightSummary,
} from './align/stats';
export { syntheticBigFive, gaussianCloud, PERSONA_TILT, type SynthOptions } from './align/synthetic';
// --- end alignment ---

// --- target-group embeddings (METHOD.md §6): the lexical embedder (hashed TF-IDF, optional SVD), its
// EmbedderService, CPU cosine top-k (the oracle of the GPU kernel) and retrieval metrics ---
export {
  LexicalEmbedder, lexicalTokens, hashedCounts, fnv1a, LEXICAL_BACKEND, LEXICAL_LIMITS,
  type LexicalOptions, type LexicalWorkOptions, type SparseVector,
} from './embed/lexical';
export { createLexicalEmbedderService, LEXICAL_MODEL_ID } from './embed/lexical-service';
export {
  cosineTopK, cosineTopKBatch, recallAtK, precisionAtK, ndcgAtK, type TopK, type TopKOptions,
} from './embed/topk';
// --- end target-group embeddings ---
