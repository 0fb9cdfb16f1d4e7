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
