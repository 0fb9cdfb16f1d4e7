import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { progressEtaMs } from '../../contracts/progress';
import { formatDuration, percent } from '../../core/format';
import { phaseLabel, type EpsilonStep } from '../../pipeline/align-progress';
import { formatMetric } from '../../pipeline/align-report';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

/**
 * <align-progress>: a running alignment — the phase, a bar over the ε steps when Sinkhorn runs,
 * elapsed time and an ETA, the finished ε steps (ε, iterations, marginal error) and a Cancel
 * button, which fires `pa-align-cancel`.
 */
@customElement('align-progress')
export class AlignProgress extends ProgressPanel {
  @property({ attribute: false }) steps: EpsilonStep[] = [];
  /** Milliseconds since Run, kept ticking by the owner. */
  @property({ type: Number }) elapsedMs = 0;
  @property({ type: Boolean }) cancelling = false;

  static override styles = [
    ...ProgressPanel.styles,
    css`
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-2) var(--pa-space-6);
      }
      dl div {
        display: block;
      }
      table {
        border-collapse: collapse;
        margin-top: var(--pa-space-3);
        font-size: var(--pa-text-sm);
      }
      th,
      td {
        padding: 0.15rem 0.6rem;
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      caption {
        text-align: left;
        font-weight: 600;
      }
    `,
  ];

  protected override view(): ProgressView {
    const p = this.progress;
    const sinkhorn = p?.stage === 'sinkhorn';
    return {
      title: html`<h3 id="al-title">Aligning… ${p ? phaseLabel(p.stage) : ''}</h3>`,
      titleId: 'al-title',
      actions: this.cancelButton('pa-align-cancel', 'Cancel', this.cancelling),
      percent: sinkhorn ? percent(p.done, p.total) : undefined,
      indeterminate: true,
      valueText: sinkhorn ? `ε step ${p.done} of ${p.total ?? '?'}` : p ? phaseLabel(p.stage) : 'Starting',
      figures: [
        { label: 'Elapsed', value: formatDuration(this.elapsedMs), testId: 'al-elapsed' },
        { label: 'ε steps', value: sinkhorn ? `${p.done} of ${p.total ?? '?'}` : '—' },
        {
          label: 'Time left (≈)',
          value: formatDuration(sinkhorn ? progressEtaMs(p) : undefined),
          title: 'At the average pace of the ε steps so far; the last, smallest ε usually takes longest',
        },
      ],
      text: p?.text || undefined,
      extra: this.steps.length > 0 ? this.stepTable() : nothing,
    };
  }

  private stepTable() {
    return html`<table data-testid="al-steps">
      <caption>Finished ε steps</caption>
      <thead><tr><th scope="col">Step</th><th scope="col">ε</th><th scope="col">Iterations (total)</th><th scope="col">Marginal error</th></tr></thead>
      <tbody>
        ${this.steps.map(
          (s) => html`<tr><td>${s.step}${s.steps ? ` / ${s.steps}` : ''}</td><td>${formatMetric(s.epsilon)}</td><td>${s.iterations ?? '—'}</td><td>${formatMetric(s.marginalError)}</td></tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'align-progress': AlignProgress;
  }
}
