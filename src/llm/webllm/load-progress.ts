/**
 * Turns web-llm's InitProgressReport ({progress 0..1, timeElapsed s, text}) into our Progress.
 * web-llm reports bytes only inside its text ("Fetching param cache[3/40]: 120MB fetched. 7%
 * completed"); its `progress` is the fraction of the weight bytes, so done = progress × total where
 * total comes from the model's tensor-cache.json (exact) or the registry's estimate (≈).
 * Pure: Node tests feed it web-llm's real message shapes.
 */
import type { InitProgressReport } from '@mlc-ai/web-llm';
import type { Progress } from '../../contracts/progress';

export type LoadPhase = 'download' | 'load' | 'compile' | 'start' | 'done';

export function loadPhase(text: string): LoadPhase {
  if (text.startsWith('Fetching param cache')) return 'download';
  if (text.startsWith('Loading model from cache')) return 'load';
  if (text.startsWith('Loading GPU shader modules')) return 'compile';
  if (text.startsWith('Finish loading')) return 'done';
  return 'start';
}

const PHASE_TEXT: Record<LoadPhase, string> = {
  start: 'Preparing',
  download: 'Downloading weights',
  load: 'Loading weights onto the GPU',
  compile: 'Compiling GPU shaders',
  done: 'Model ready',
};

export interface ProgressTracker {
  /** Our Progress for one web-llm report; elapsedMs counts from the start of the current phase so rate and ETA are the phase's own. */
  map(report: InitProgressReport, now: number): Progress;
}

/**
 * @param totalBytes weight bytes (tensor-cache.json) when known
 * @param estimated true when totalBytes is the registry's estimate, not the manifest's sum
 */
export function progressTracker(modelId: string, totalBytes: () => number | undefined, estimated: () => boolean): ProgressTracker {
  let phase: LoadPhase | undefined;
  let phaseStart = 0;
  return {
    map(report, now) {
      const p = loadPhase(report.text);
      if (p !== phase) {
        phase = p;
        phaseStart = now;
      }
      const elapsedMs = now - phaseStart;
      const stage = `model-${p}`;
      if (p === 'download' || p === 'load') {
        const total = totalBytes();
        const approx = estimated() ? '≈' : '';
        if (total !== undefined) {
          const done = Math.round(Math.min(1, Math.max(0, report.progress)) * total);
          return {
            stage,
            done,
            total,
            unit: 'bytes',
            text: `${PHASE_TEXT[p]} of ${modelId}: ${mb(done)} of ${approx}${mb(total)}`,
            elapsedMs,
            counts: shardCounts(report.text),
          };
        }
      }
      if (p === 'compile') {
        const m = /\[(\d+)\/(\d+)\]/.exec(report.text);
        if (m?.[1] && m[2]) return { stage, done: Number(m[1]), total: Number(m[2]), unit: 'shaders', text: `${PHASE_TEXT[p]} (${m[1]}/${m[2]})`, elapsedMs };
      }
      return { stage, done: report.progress, total: 1, text: `${PHASE_TEXT[p]}: ${report.text}`, elapsedMs };
    },
  };
}

function shardCounts(text: string): Record<string, number> | undefined {
  const m = /\[(\d+)\/(\d+)\]/.exec(text);
  return m?.[1] && m[2] ? { shards: Number(m[1]), shardsTotal: Number(m[2]) } : undefined;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}
