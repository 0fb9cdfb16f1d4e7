import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { importProgressFigures } from '../../app/import-figures';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

/**
 * <import-progress>: a running import's figures (bytes, posts, authors, skipped, rate, ETA), a
 * progress bar and a Cancel button, which fires `pa-cancel-import`.
 */
@customElement('import-progress')
export class ImportProgress extends ProgressPanel {
  /** Set once Cancel was pressed, until the import has stopped. */
  @property({ type: Boolean }) cancelling = false;

  protected override view(): ProgressView {
    const f = importProgressFigures(this.progress);
    return {
      title: html`<h3 id="imp-title">Importing…</h3>`,
      titleId: 'imp-title',
      actions: this.cancelButton('pa-cancel-import', 'Cancel import', this.cancelling),
      percent: f.percent,
      indeterminate: true,
      valueText: f.valueText,
      figures: [
        { label: 'Read', value: f.bytes, testId: 'imp-bytes', cls: 'wide' },
        { label: 'Posts', value: f.posts, testId: 'imp-posts' },
        { label: 'Authors', value: f.authors, testId: 'imp-authors' },
        { label: 'Skipped', value: f.skipped, testId: 'imp-skipped' },
        { label: 'Rate', value: f.rate },
        { label: 'Time left', value: f.eta, testId: 'imp-eta' },
      ],
      text: this.progress?.text || undefined,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'import-progress': ImportProgress;
  }
}
