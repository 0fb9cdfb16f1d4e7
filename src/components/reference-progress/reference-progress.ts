import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import { referenceProgressFigures } from '../reference-manager/figures';

/** Fired (bubbling, composed) by <reference-progress>'s Cancel button. */
export const CANCEL_REFERENCE_IMPORT = 'pa-cancel-reference-import';

/**
 * <reference-progress>: a running reference import — bytes (or points) done of total, rows read
 * and kept, rate, time left — as a progress bar and figures, with a Cancel button that fires
 * `pa-cancel-reference-import`.
 */
@customElement('reference-progress')
export class ReferenceProgress extends LitElement {
  @property({ attribute: false }) progress: Progress | undefined;
  /** What is being imported, for the heading ("Importing data-final.csv"). */
  @property() heading = 'Importing reference';
  /** Set once Cancel was pressed, until the job has stopped. */
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
        overflow-wrap: anywhere;
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
        width: 0;
        background: var(--pa-accent);
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr));
        gap: var(--pa-space-2) var(--pa-space-4);
        margin: 0;
      }
      dl div {
        display: flex;
        flex-direction: column;
      }
      dl div.wide {
        grid-column: span 2;
      }
      dt {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
      dd {
        margin: 0;
        font-weight: 600;
      }
      .text {
        margin: var(--pa-space-2) 0 0;
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        overflow-wrap: anywhere;
      }
    `,
  ];

  // Width through CSSOM, not a style attribute (a strict CSP allows only this).
  protected override updated(): void {
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    const pct = referenceProgressFigures(this.progress).percent;
    if (fill) fill.style.width = `${pct ?? 0}%`;
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent(CANCEL_REFERENCE_IMPORT, { bubbles: true, composed: true }));
  }

  override render() {
    const f = referenceProgressFigures(this.progress);
    return html`
      <div class="top">
        <h3 id="ref-progress-title">${this.heading}</h3>
        <button type="button" class="danger" id="cancel-reference-import" @click=${this.cancel} ?disabled=${this.cancelling}>
          ${this.cancelling ? 'Cancelling…' : 'Cancel import'}
        </button>
      </div>
      <div
        class="bar"
        role="progressbar"
        aria-labelledby="ref-progress-title"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${f.percent ?? nothing}
        aria-valuetext=${f.valueText}
      >
        <div class="fill"></div>
      </div>
      <dl class="num">
        <div class="wide"><dt>Read</dt><dd data-testid="ref-done">${f.done}</dd></div>
        <div><dt>Rows</dt><dd data-testid="ref-rows">${f.rows}</dd></div>
        <div><dt>Kept</dt><dd data-testid="ref-kept">${f.kept}</dd></div>
        <div><dt>Rate</dt><dd>${f.rate}</dd></div>
        <div><dt>Time left</dt><dd data-testid="ref-eta">${f.eta}</dd></div>
      </dl>
      ${this.progress?.text ? html`<p class="text" aria-live="polite">${this.progress.text}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-progress': ReferenceProgress;
  }
}
