import { createContext } from '@lit/context';
import type { AlignRunner } from '../../pipeline/align-runner';

/**
 * The runner <align-stage> sends alignments to. The shell may provide one (e.g.
 * `serviceAlignRunner(new AlignService())`, shared across views); without a provider the element
 * creates that one itself on first Run, so it also works standalone.
 */
export const alignRunnerContext = createContext<AlignRunner | undefined>(Symbol('align-runner'));
