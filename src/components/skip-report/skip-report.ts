import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { SkippedItem } from '../../contracts/corpus';
import { formatCount } from '../../core/format';

/**
 * <skip-report>: how many records an import skipped and the first of them (file, line, reason),
 * so the user can fix the source or accept the loss knowingly.
 */
@customElement('skip-report')
export class SkipReport extends LitElement {
  @property({ type: Number }) count = 0;
  @property({ attribute: false }) items: SkippedItem[] = [];

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      table {
        border-collapse: collapse;
        font-size: var(--pa-text-sm);
        width: 100%;
      }
      th,
      td {
        text-align: start;
        padding: var(--pa-space-1) var(--pa-space-2);
        border-bottom: 1px solid var(--pa-border);
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
      .scroll {
        max-height: 14rem;
        overflow: auto;
      }
      summary {
        cursor: pointer;
      }
    `,
  ];

  override render() {
    if (this.count === 0) return html`<p data-testid="skip-count">Nothing was skipped.</p>`;
    const more = this.count - this.items.length;
    return html`<details>
      <summary data-testid="skip-count">
        ${formatCount(this.count)} ${this.count === 1 ? 'record was' : 'records were'} skipped — show where and why
      </summary>
      <div class="scroll" tabindex="0" role="region" aria-label="Skipped records">
        <table>
          <thead>
            <tr><th scope="col">File</th><th scope="col">Line</th><th scope="col">Reason</th></tr>
          </thead>
          <tbody>
            ${this.items.map(
              (s) => html`<tr><td dir="auto">${s.file}</td><td class="num">${s.line}</td><td dir="auto">${s.reason}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${more > 0 ? html`<p class="muted">…and ${formatCount(more)} more not listed.</p>` : nothing}
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'skip-report': SkipReport;
  }
}
