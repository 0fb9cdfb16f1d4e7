/** The persona stages (mining, quality, questionnaire): pure, backend-agnostic, Node and browser alike. */
export * from './types';
export * from './context';
export * from './prompts';
export * from './pii';
export * from './verbatim';
export * from './select-posts';
export * from './mining';
export * from './quality-rules';
export * from './judge';
export * from './quality';
export * from './imported-quality';
export * from './questionnaire';
export { sha256Hex, fnv1a32 } from './hash';
export { words, wordCount } from './words';
