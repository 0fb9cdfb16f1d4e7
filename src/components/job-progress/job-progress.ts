import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatCount, formatDuration, percent } from '../../core/format';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

/** Fired (bubbling, composed) by the Pause / Cancel buttons; detail: which. */
export const JOB_STOP = 'pa-job-stop';
export type JobStopDetail = 'pause' | 'cancel';

/**
 * <job-progress>: a running persona-stage job's figures from the job runner's Progress
 * (done/total items, failed, items per hour, tokens/s, ETA), a progress bar, Pause and Cancel.
 */
@customElement('job-progress')
export class JobProgress extends ProgressPanel {
  /** What an item is, plural ("authors", "personas"). */
  @property() noun = 'items';
  /** Label of the throughput figure (default: "<Noun> per hour"). */
  @property() rateLabel: string | undefined;
  /** Set once Pause or Cancel was pressed, until the job has stopped. */
  @property({ type: Boolean }) stopping = false;

  static override styles = [
    ...ProgressPanel.styles,
    css`
      :host {
        padding: var(--pa-space-3);
      }
      .top {
        gap: var(--pa-space-2);
        flex-wrap: wrap;
      }
      .bar {
        margin: var(--pa-space-2) 0;
      }
    `,
  ];

  protected override view(): ProgressView {
    const p = this.progress;
    const c = p?.counts ?? {};
    const stop = (which: JobStopDetail) => () => this.fire<JobStopDetail>(JOB_STOP, which);
    return {
      title: html`<strong>Running…</strong>`,
      barLabel: 'Job progress',
      actions: html`<span>
        <button type="button" @click=${stop('pause')} ?disabled=${this.stopping}>Pause</button>
        <button type="button" class="danger" @click=${stop('cancel')} ?disabled=${this.stopping}>Cancel</button>
      </span>`,
      percent: p ? percent(p.done, p.total) : undefined,
      figures: [
        { label: 'Done', value: p ? `${formatCount(p.done)} / ${p.total === undefined ? '?' : formatCount(p.total)} ${this.noun}` : '—', cls: 'done' },
        { label: 'Failed', value: formatCount(c['failed'] ?? 0), cls: 'failed' },
        {
          label: this.rateLabel ?? `${this.noun[0]?.toUpperCase() ?? ''}${this.noun.slice(1)} per hour`,
          value: c['itemsPerHour'] === undefined ? '—' : formatCount(c['itemsPerHour']),
        },
        { label: 'Tokens/s', value: c['tokensPerSecond'] === undefined ? '—' : c['tokensPerSecond'].toFixed(1) },
        { label: 'Time left', value: formatDuration(c['etaMs']) },
        { label: 'Elapsed', value: formatDuration(p?.elapsedMs) },
      ],
      liveFigures: true,
      text: p?.text,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'job-progress': JobProgress;
  }
}
