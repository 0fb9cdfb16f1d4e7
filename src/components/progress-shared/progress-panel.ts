import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';

/** One labelled figure under the bar ("Posts: 1,204"). */
export interface ProgressFigure {
  label: string;
  value: string;
  /** `data-testid` of the value, for tests and the e2e suite. */
  testId?: string;
  /** Class of the figure's row (`wide` spans two grid columns). */
  cls?: string;
  /** Tooltip of the label: how the figure is estimated. */
  title?: string;
}

/** What a progress panel shows for the current `progress`; each subclass builds one in `view()`. */
export interface ProgressView {
  /** The heading, left of the buttons (an `<h3 id=…>` the bar is labelled by, or a `<strong>`). */
  title: TemplateResult;
  /** The buttons, right of the heading (see `cancelButton`). */
  actions: TemplateResult;
  /** Id of the heading the bar is labelled by (`aria-labelledby`); otherwise set `barLabel`. */
  titleId?: string;
  /** `aria-label` of the bar when no heading names it. */
  barLabel?: string;
  /** 0–100, or undefined while unknown (the bar is empty, or animated when `indeterminate`). */
  percent: number | undefined;
  /** Animate the bar while `percent` is unknown instead of leaving it empty. */
  indeterminate?: boolean;
  /** `aria-valuetext`: the bar's value in words ("12 of 40 MB"). */
  valueText?: string;
  figures: ProgressFigure[];
  /**
   * Which part is announced (`aria-live="polite"`): the figures, or (default) the status line.
   * The status line is shown whenever `text` is not undefined.
   */
  liveFigures?: boolean;
  /** The status line under the figures (usually `progress.text`); undefined hides it. */
  text?: string;
  /** Anything below the status line (align-progress's table of finished ε steps). */
  extra?: unknown;
}

/** The card, bar (with the indeterminate animation) and figure-grid styles every panel shares. */
export const progressPanelStyles = css`
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
    width: 0;
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
    .fill {
      transition: none;
    }
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
`;

/**
 * The base of every running-job panel (<import-progress>, <reference-progress>,
 * <align-progress>, <job-progress>): a heading with buttons, a progress bar
 * (role=progressbar, aria-valuemin/max/now/text), a grid of figures (counts, rate, time left,
 * elapsed), the job's status line and, optionally, extra content below.
 *
 * A subclass declares its own tag, properties and events, and says what differs in `view()`:
 * which figures with which labels and units, how the percentage is derived, its heading and
 * buttons. Extra styles go after `ProgressPanel.styles`.
 */
export abstract class ProgressPanel extends LitElement {
  /** The job's latest report (see contracts/progress); undefined until the first one. */
  @property({ attribute: false }) progress: Progress | undefined;

  static override styles = [controls, progressPanelStyles];

  /** What to show for the current state. */
  protected abstract view(): ProgressView;

  private shownPercent: number | undefined;

  /** Fires a bubbling, composed event (the panels' Cancel / Pause buttons). */
  protected fire<T>(type: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent<T | undefined>(type, { detail, bubbles: true, composed: true }));
  }

  /** A danger-styled Cancel button that fires `type` and reads "Cancelling…" while `busy`. */
  protected cancelButton(type: string, label: string, busy: boolean, id?: string): TemplateResult {
    return html`<button type="button" class="danger" id=${id ?? nothing} @click=${() => this.fire(type)} ?disabled=${busy}>${busy ? 'Cancelling…' : label}</button>`;
  }

  // Width through CSSOM, not a style attribute: the app runs under a strict CSP (no 'unsafe-inline').
  // Unknown: no inline width, so the stylesheet's (empty, or the indeterminate 30%) applies.
  protected override updated(): void {
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    const pct = this.shownPercent;
    if (fill) fill.style.width = pct === undefined ? '' : `${pct}%`;
  }

  override render() {
    const v = this.view();
    const pct = v.percent;
    this.shownPercent = pct;
    return html`
      <div class="top">${v.title}${v.actions}</div>
      <div
        class="bar ${v.indeterminate && pct === undefined ? 'indeterminate' : ''}"
        role="progressbar"
        aria-labelledby=${v.titleId ?? nothing}
        aria-label=${v.barLabel ?? nothing}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${pct ?? nothing}
        aria-valuetext=${v.valueText ?? nothing}
      >
        <div class="fill"></div>
      </div>
      <dl class="num" aria-live=${v.liveFigures ? 'polite' : nothing}>
        ${v.figures.map(
          (f) => html`<div class=${f.cls ?? nothing}><dt title=${f.title ?? nothing}>${f.label}</dt><dd data-testid=${f.testId ?? nothing}>${f.value}</dd></div>`,
        )}
      </dl>
      ${v.text === undefined ? nothing : html`<p class="text" aria-live=${v.liveFigures ? nothing : 'polite'}>${v.text}</p>`}
      ${v.extra ?? nothing}
    `;
  }
}
