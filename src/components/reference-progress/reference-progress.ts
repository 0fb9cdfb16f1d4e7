import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { referenceProgressFigures } from '../reference-manager/figures';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';

/** Fired (bubbling, composed) by <reference-progress>'s Cancel button. */
export const CANCEL_REFERENCE_IMPORT = 'pa-cancel-reference-import';

/**
 * <reference-progress>: a running reference import — bytes (or points) done of total, rows read
 * and kept, rate, time left — as a progress bar and figures, with a Cancel button that fires
 * `pa-cancel-reference-import`.
 */
@customElement('reference-progress')
export class ReferenceProgress extends ProgressPanel {
  /** What is being imported, for the heading ("Importing data-final.csv"). */
  @property() heading = 'Importing reference';
  /** Set once Cancel was pressed, until the job has stopped. */
  @property({ type: Boolean }) cancelling = false;

  static override styles = [
    ...ProgressPanel.styles,
    css`
      h3 {
        overflow-wrap: anywhere;
      }
    `,
  ];

  protected override view(): ProgressView {
    const f = referenceProgressFigures(this.progress);
    return {
      title: html`<h3 id="ref-progress-title">${this.heading}</h3>`,
      titleId: 'ref-progress-title',
      actions: this.cancelButton(CANCEL_REFERENCE_IMPORT, 'Cancel import', this.cancelling, 'cancel-reference-import'),
      percent: f.percent,
      valueText: f.valueText,
      figures: [
        { label: 'Read', value: f.done, testId: 'ref-done', cls: 'wide' },
        { label: 'Rows', value: f.rows, testId: 'ref-rows' },
        { label: 'Kept', value: f.kept, testId: 'ref-kept' },
        { label: 'Rate', value: f.rate },
        { label: 'Time left', value: f.eta, testId: 'ref-eta' },
      ],
      text: this.progress?.text || undefined,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-progress': ReferenceProgress;
  }
}
