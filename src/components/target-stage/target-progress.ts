import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { progressEtaMs } from '../../contracts/progress';
import { formatCount, formatDuration, percent } from '../../core/format';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

const PHASES: Record<string, string> = {
  load: 'loading',
  'embed-fit': 'fitting the embedder',
  embed: 'embedding personas',
  'adapter-queries': 'embedding training queries',
  adapter: 'training the adapter',
  target: 'building targets',
  sinkhorn: 'aligning',
};

/**
 * <target-progress>: a running target build — the phase, a bar over the phase's units (texts
 * embedded, adapter epochs, build steps), counts, elapsed time and an ETA, and a Cancel button
 * that fires `pa-target-cancel`.
 */
@customElement('target-progress')
export class TargetProgress extends ProgressPanel {
  /** Milliseconds since Run, kept ticking by the owner. */
  @property({ type: Number }) elapsedMs = 0;
  @property({ type: Boolean }) cancelling = false;

  protected override view(): ProgressView {
    const p = this.progress;
    const phase = p ? (PHASES[p.stage] ?? p.stage) : 'starting';
    const pct = p && p.total ? percent(p.done, p.total) : undefined;
    const c = p?.counts ?? {};
    const figures = [
      { label: 'Elapsed', value: formatDuration(this.elapsedMs), testId: 'tg-elapsed' },
      { label: 'Done', value: p && p.total !== undefined ? `${formatCount(p.done)} of ${formatCount(p.total)}${p.unit ? ` ${p.unit}` : ''}` : '—', testId: 'tg-done' },
      { label: 'Time left (≈)', value: formatDuration(p ? progressEtaMs(p) : undefined), title: 'For this phase, at its average pace so far' },
    ];
    if (c.targets !== undefined) figures.push({ label: 'Target', value: `${c.target ?? '?'} of ${c.targets}`, testId: 'tg-target' });
    if (c.candidates !== undefined) figures.push({ label: 'Candidates', value: formatCount(c.candidates), testId: 'tg-candidates' });
    return {
      title: html`<h3 id="tg-title">Building… ${phase}</h3>`,
      titleId: 'tg-title',
      actions: this.cancelButton('pa-target-cancel', 'Cancel', this.cancelling),
      percent: pct,
      indeterminate: true,
      valueText: p && p.total !== undefined ? `${phase}: ${p.done} of ${p.total}` : phase,
      figures,
      text: p?.text || undefined,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'target-progress': TargetProgress;
  }
}
