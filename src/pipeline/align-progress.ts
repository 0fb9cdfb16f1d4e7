/**
 * Progress of an Align run as the UI shows it: one row per finished ε step (ε, iterations so far,
 * marginal error) plus the overall phase. The Sinkhorn solvers report one Progress per ε step;
 * ε and the error are read from `counts.epsilon` / `counts.marginalError` when the solver provides
 * them, else from its text ("ε = 0.105: marginal error 3.2e-5 after 41 iterations").
 */
import type { Progress } from '../contracts/progress';

export interface EpsilonStep {
  step: number;
  steps: number | undefined;
  epsilon: number | undefined;
  iterations: number | undefined;
  marginalError: number | undefined;
  elapsedMs: number;
}

const TEXT = /ε\s*=\s*([-+0-9.eE]+)\s*:\s*marginal error\s+([-+0-9.eE]+|Infinity|NaN)\s+after\s+(\d+)\s+iteration/;

/** The ε-step row of a Sinkhorn progress report, or undefined for any other report. */
export function epsilonStepOf(p: Progress): EpsilonStep | undefined {
  if (p.stage !== 'sinkhorn') return undefined;
  const m = TEXT.exec(p.text);
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  return {
    step: p.done,
    steps: p.total,
    epsilon: p.counts?.epsilon ?? num(m?.[1]),
    iterations: p.counts?.iterations ?? num(m?.[3]),
    marginalError: p.counts?.marginalError ?? num(m?.[2]),
    elapsedMs: p.elapsedMs,
  };
}

/** A human label for the phase a progress report belongs to. */
export function phaseLabel(stage: string): string {
  switch (stage) {
    case 'load':
      return 'Loading inputs';
    case 'importance':
      return 'Importance weights';
    case 'kmeans':
      return 'Quantising the reference';
    case 'sinkhorn':
      return 'Sinkhorn (ε steps)';
    case 'align':
      return 'Selecting personas';
    case 'diagnostics':
      return 'Diagnostics';
    case 'done':
      return 'Done';
    default:
      return stage;
  }
}
