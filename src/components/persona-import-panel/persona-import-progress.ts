import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { progressEtaMs } from '../../contracts/progress';
import { formatBytes, formatCount, formatDuration, percent } from '../../core/format';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

/**
 * <persona-import-progress>: a running persona import: bytes read of the file, personas stored,
 * rows skipped, personas per second, time left, and Cancel (fires `pa-cancel-persona-import`).
 */
@customElement('persona-import-progress')
export class PersonaImportProgress extends ProgressPanel {
  @property({ type: Boolean }) cancelling = false;

  protected override view(): ProgressView {
    const p = this.progress;
    const c = p?.counts ?? {};
    const pct = p ? percent(p.done, p.total) : undefined;
    const bytes = p ? (p.total !== undefined ? `${formatBytes(p.done)} of ${formatBytes(p.total)}` : formatBytes(p.done)) : '—';
    const personas = c['personas'] ?? 0;
    const rate = p && p.elapsedMs > 0 && personas > 0 ? `${formatCount(Math.round((personas * 1000) / p.elapsedMs))}/s` : '—';
    return {
      title: html`<h3 id="pimp-title">Importing personas…</h3>`,
      titleId: 'pimp-title',
      actions: this.cancelButton('pa-cancel-persona-import', 'Cancel import', this.cancelling),
      percent: pct,
      indeterminate: true,
      valueText: pct === undefined ? bytes : `${pct}%, ${bytes}`,
      figures: [
        { label: 'Read', value: bytes, testId: 'pimp-bytes', cls: 'wide' },
        { label: 'Personas', value: formatCount(personas), testId: 'pimp-personas' },
        { label: 'Skipped', value: formatCount(c['skipped'] ?? 0), testId: 'pimp-skipped' },
        { label: 'Rate', value: rate },
        { label: 'Time left', value: formatDuration(p ? progressEtaMs(p) : undefined), testId: 'pimp-eta' },
      ],
      text: p?.text || undefined,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-import-progress': PersonaImportProgress;
  }
}
