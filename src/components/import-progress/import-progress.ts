import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import { importProgressFigures } from '../../app/import-figures';

/**
 * <import-progress>: a running import's figures (bytes, posts, authors, skipped, rate, ETA), a
 * progress bar and a Cancel button, which fires `pa-cancel-import`.
 */
@customElement('import-progress')
export class ImportProgress extends LitElement {
  @property({ attribute: false }) progress: Progress | undefined;
  /** Set once Cancel was pressed, until the import has stopped. */
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

  // Width through CSSOM, not a style attribute: a strict CSP (no 'unsafe-inline') allows only this.
  protected override updated(): void {
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    const pct = importProgressFigures(this.progress).percent;
    if (fill) fill.style.width = pct === undefined ? '' : `${pct}%`;
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('pa-cancel-import', { bubbles: true, composed: true }));
  }

  override render() {
    const p = this.progress;
    const f = importProgressFigures(p);
    const pct = f.percent;
    return html`
      <div class="top">
        <h3 id="imp-title">Importing…</h3>
        <button type="button" class="danger" @click=${this.cancel} ?disabled=${this.cancelling}>
          ${this.cancelling ? 'Cancelling…' : 'Cancel import'}
        </button>
      </div>
      <div
        class="bar ${pct === undefined ? 'indeterminate' : ''}"
        role="progressbar"
        aria-labelledby="imp-title"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${pct ?? nothing}
        aria-valuetext=${f.valueText}
      >
        <div class="fill"></div>
      </div>
      <dl class="num">
        <div class="wide"><dt>Read</dt><dd data-testid="imp-bytes">${f.bytes}</dd></div>
        <div><dt>Posts</dt><dd data-testid="imp-posts">${f.posts}</dd></div>
        <div><dt>Authors</dt><dd data-testid="imp-authors">${f.authors}</dd></div>
        <div><dt>Skipped</dt><dd data-testid="imp-skipped">${f.skipped}</dd></div>
        <div><dt>Rate</dt><dd>${f.rate}</dd></div>
        <div><dt>Time left</dt><dd data-testid="imp-eta">${f.eta}</dd></div>
      </dl>
      ${p?.text ? html`<p class="text" aria-live="polite">${p.text}</p>` : nothing}
    `;
  }
}


declare global {
  interface HTMLElementTagNameMap {
    'import-progress': ImportProgress;
  }
}
