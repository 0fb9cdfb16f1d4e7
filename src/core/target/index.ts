/** The target-group module (METHOD.md §6): queries, target specs, the build, its manifest and report views. */
export * from './queries';
export * from './llm-queries';
export * from './spec';
export * from './build';
export * from './manifest';
export * from './report';
