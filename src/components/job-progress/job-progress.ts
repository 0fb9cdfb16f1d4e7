import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import { formatCount, formatDuration, percent } from '../../core/format';

/** Fired (bubbling, composed) by the Pause / Cancel buttons; detail: which. */
export const JOB_STOP = 'pa-job-stop';
export type JobStopDetail = 'pause' | 'cancel';

/**
 * <job-progress>: a running persona-stage job's figures from the job runner's Progress
 * (done/total items, failed, items per hour, tokens/s, ETA), a progress bar, Pause and Cancel.
 */
@customElement('job-progress')
export class JobProgress extends LitElement {
  @property({ attribute: false }) progress: Progress | undefined;
  /** What an item is, plural ("authors", "personas"). */
  @property() noun = 'items';
  /** Label of the throughput figure (default: "<Noun> per hour"). */
  @property() rateLabel: string | undefined;
  /** Set once Pause or Cancel was pressed, until the job has stopped. */
  @property({ type: Boolean }) stopping = false;

  static override styles = [
    controls,
    css`
      :host { display: block; border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); background: var(--pa-surface); }
      .top { display: flex; justify-content: space-between; gap: var(--pa-space-2); align-items: center; flex-wrap: wrap; }
      .bar { height: 0.6rem; background: var(--pa-surface-2); border-radius: 999px; overflow: hidden; margin: var(--pa-space-2) 0; }
      .fill { height: 100%; width: 0; background: var(--pa-accent); }
      dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr)); gap: var(--pa-space-2) var(--pa-space-4); margin: 0; }
      dl div { display: flex; flex-direction: column; }
      dt { font-size: var(--pa-text-sm); color: var(--pa-text-muted); }
      dd { margin: 0; font-weight: 600; }
      .text { font-size: var(--pa-text-sm); color: var(--pa-text-muted); overflow-wrap: anywhere; margin: var(--pa-space-2) 0 0; }
    `,
  ];

  // Width through CSSOM, not a style attribute, so a strict CSP allows it.
  protected override updated(): void {
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    const p = this.progress;
    const pct = p ? percent(p.done, p.total) : undefined;
    if (fill) fill.style.width = pct === undefined ? '0' : `${pct}%`;
  }

  private stop(which: JobStopDetail): void {
    this.dispatchEvent(new CustomEvent<JobStopDetail>(JOB_STOP, { detail: which, bubbles: true, composed: true }));
  }

  override render() {
    const p = this.progress;
    const c = p?.counts ?? {};
    const pct = p ? percent(p.done, p.total) : undefined;
    const fig = (label: string, value: string, cls = ''): unknown => html`<div class=${cls}><dt>${label}</dt><dd class="num">${value}</dd></div>`;
    return html`
      <div class="top">
        <strong>Running…</strong>
        <span>
          <button type="button" @click=${() => this.stop('pause')} ?disabled=${this.stopping}>Pause</button>
          <button type="button" class="danger" @click=${() => this.stop('cancel')} ?disabled=${this.stopping}>Cancel</button>
        </span>
      </div>
      <div class="bar" role="progressbar" aria-label="Job progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct ?? nothing}><div class="fill"></div></div>
      <dl aria-live="polite">
        ${fig('Done', p ? `${formatCount(p.done)} / ${p.total === undefined ? '?' : formatCount(p.total)} ${this.noun}` : '—', 'done')}
        ${fig('Failed', formatCount(c['failed'] ?? 0), 'failed')}
        ${fig(this.rateLabel ?? `${this.noun[0]?.toUpperCase() ?? ''}${this.noun.slice(1)} per hour`, c['itemsPerHour'] === undefined ? '—' : formatCount(c['itemsPerHour']))}
        ${fig('Tokens/s', c['tokensPerSecond'] === undefined ? '—' : c['tokensPerSecond'].toFixed(1))}
        ${fig('Time left', formatDuration(c['etaMs']))}
        ${fig('Elapsed', formatDuration(p?.elapsedMs))}
      </dl>
      ${p ? html`<p class="text">${p.text}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'job-progress': JobProgress;
  }
}
