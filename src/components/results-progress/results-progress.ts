import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { progressEtaMs, type Progress } from '../../contracts/progress';
import { formatDuration, percent } from '../../core/format';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

/**
 * <results-progress>: the on-demand IS-only / IS + OT baselines being computed — step n of 4, the
 * current phase inside the align worker (e.g. a Sinkhorn ε step), elapsed time, an ETA and Cancel
 * (fires `pa-results-cancel`).
 */
@customElement('results-progress')
export class ResultsProgress extends ProgressPanel {
  /** The worker's own latest report (importance, sinkhorn, …), shown as the status line. */
  @property({ attribute: false }) inner: Progress | undefined;
  @property({ type: Number }) elapsedMs = 0;
  @property({ type: Boolean }) cancelling = false;

  protected override view(): ProgressView {
    const p = this.progress;
    return {
      title: html`<h3 id="rp-title">Computing the IS-only and IS + OT baselines…</h3>`,
      titleId: 'rp-title',
      actions: this.cancelButton('pa-results-cancel', 'Cancel', this.cancelling),
      percent: p ? percent(p.done, p.total) : undefined,
      indeterminate: true,
      valueText: p ? `step ${p.done} of ${p.total ?? 4}` : 'Starting',
      figures: [
        { label: 'Steps', value: p ? `${p.done} of ${p.total ?? 4}` : '—', testId: 'rp-steps' },
        { label: 'Elapsed', value: formatDuration(this.elapsedMs) },
        { label: 'Time left (≈)', value: formatDuration(p && p.done > 0 ? progressEtaMs(p) : undefined), title: 'At the average pace of the steps so far' },
      ],
      text: [p?.text, this.inner?.text].filter((t) => t).join(' — ') || undefined,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'results-progress': ResultsProgress;
  }
}
