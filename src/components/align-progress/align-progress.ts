import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { progressEtaMs, type Progress } from '../../contracts/progress';
import { formatDuration, percent } from '../../core/format';
import { phaseLabel, type EpsilonStep } from '../../pipeline/align-progress';
import { formatMetric } from '../../pipeline/align-report';

/**
 * <align-progress>: a running alignment — the phase, a bar over the ε steps when Sinkhorn runs,
 * elapsed time and an ETA, the finished ε steps (ε, iterations, marginal error) and a Cancel
 * button, which fires `pa-align-cancel`.
 */
@customElement('align-progress')
export class AlignProgress extends LitElement {
  @property({ attribute: false }) progress: Progress | undefined;
  @property({ attribute: false }) steps: EpsilonStep[] = [];
  /** Milliseconds since Run, kept ticking by the owner. */
  @property({ type: Number }) elapsedMs = 0;
  @property({ type: Boolean }) cancelling = false;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-4);
      }
      .top {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: var(--pa-space-3);
      }
      h3 {
        margin: 0;
        font-size: var(--pa-text-md);
      }
      .bar {
        height: 0.6rem;
        background: var(--pa-surface-2);
        border-radius: 999px;
        overflow: hidden;
        margin: var(--pa-space-3) 0;
      }
      .fill {
        height: 100%;
        background: var(--pa-accent);
        transition: width 0.2s linear;
      }
      .bar.indeterminate .fill {
        width: 30%;
        animation: slide 1.2s ease-in-out infinite;
      }
      @keyframes slide {
        from {
          transform: translateX(-100%);
        }
        to {
          transform: translateX(340%);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .bar.indeterminate .fill {
          animation: none;
        }
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: var(--pa-space-2) var(--pa-space-6);
        margin: 0;
      }
      dt {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
      dd {
        margin: 0;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .text {
        margin: var(--pa-space-2) 0 0;
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        overflow-wrap: anywhere;
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

  // Width through CSSOM, not a style attribute: the app runs under a strict CSP (no 'unsafe-inline').
  protected override updated(): void {
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    const p = this.progress;
    const pct = p?.stage === 'sinkhorn' ? percent(p.done, p.total) : undefined;
    if (fill) fill.style.width = pct === undefined ? '' : `${pct}%`;
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('pa-align-cancel', { bubbles: true, composed: true }));
  }

  override render() {
    const p = this.progress;
    const sinkhorn = p?.stage === 'sinkhorn';
    const pct = sinkhorn ? percent(p.done, p.total) : undefined;
    const eta = sinkhorn ? progressEtaMs(p) : undefined;
    return html`
      <div class="top">
        <h3 id="al-title">Aligning… ${p ? phaseLabel(p.stage) : ''}</h3>
        <button type="button" class="danger" @click=${this.cancel} ?disabled=${this.cancelling}>${this.cancelling ? 'Cancelling…' : 'Cancel'}</button>
      </div>
      <div
        class="bar ${pct === undefined ? 'indeterminate' : ''}"
        role="progressbar"
        aria-labelledby="al-title"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${pct ?? nothing}
        aria-valuetext=${sinkhorn ? `ε step ${p.done} of ${p.total ?? '?'}` : p ? phaseLabel(p.stage) : 'Starting'}
      >
        <div class="fill"></div>
      </div>
      <dl>
        <div><dt>Elapsed</dt><dd data-testid="al-elapsed">${formatDuration(this.elapsedMs)}</dd></div>
        <div><dt>ε steps</dt><dd>${sinkhorn ? `${p.done} of ${p.total ?? '?'}` : '—'}</dd></div>
        <div><dt title="At the average pace of the ε steps so far; the last, smallest ε usually takes longest">Time left (≈)</dt><dd>${formatDuration(eta)}</dd></div>
      </dl>
      ${p?.text ? html`<p class="text" aria-live="polite">${p.text}</p>` : nothing}
      ${this.steps.length > 0
        ? html`<table data-testid="al-steps">
            <caption>Finished ε steps</caption>
            <thead><tr><th scope="col">Step</th><th scope="col">ε</th><th scope="col">Iterations (total)</th><th scope="col">Marginal error</th></tr></thead>
            <tbody>
              ${this.steps.map(
                (s) => html`<tr><td>${s.step}${s.steps ? ` / ${s.steps}` : ''}</td><td>${formatMetric(s.epsilon)}</td><td>${s.iterations ?? '—'}</td><td>${formatMetric(s.marginalError)}</td></tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'align-progress': AlignProgress;
  }
}
