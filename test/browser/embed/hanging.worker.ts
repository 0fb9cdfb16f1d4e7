/**
 * The embedding worker API with a model load that never settles (a download transformers.js
 * cannot abort): the service must stop the worker after its grace period.
 */
import { expose } from 'comlink';
import { createEmbedApi } from '../../../src/embed-models/engine';

expose(createEmbedApi({ probeGpu: async () => ({ webgpu: false, shaderF16: false }), createExtractor: () => new Promise(() => {}) }));
