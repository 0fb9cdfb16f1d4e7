import { createContext } from '@lit/context';
import type { AlignRunner } from '../../pipeline/align-runner';

/**
 * The runner <align-stage> sends alignments to. The shell may provide one (e.g.
 * `serviceAlignRunner(new AlignService())`, shared across views); without a provider the element
 * creates that one itself on first Run, so it also works standalone.
 */
export const alignRunnerContext = createContext<AlignRunner | undefined>(Symbol('align-runner'));

/**
 * Where <align-stage> records its runs (src/storage/run-store.ts RunStore, or a fake in tests).
 * Without a provider the element opens the app's database itself on first use.
 */
export type AlignRunStore = import('../../pipeline/align-stage').RunRecorder &
  Pick<import('../../storage/run-store').RunStore, 'findInterruptedRuns' | 'markInterrupted' | 'listRuns' | 'isRunLocked'>;
export const alignRunStoreContext = createContext<AlignRunStore | undefined>(Symbol('align-run-store'));
