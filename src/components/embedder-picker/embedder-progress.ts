import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatDuration } from '../../core/format';
import { ProgressPanel, type ProgressView } from '../progress-shared/progress-panel';
import { transferFigures } from './figures';

/**
 * Progress of an embedding-model download or folder import: bytes done of total, rate, time
 * left, elapsed, and a Cancel button that fires `pa-embedder-cancel` (bubbling, composed).
 */
@customElement('embedder-progress')
export class EmbedderProgress extends ProgressPanel {
  @property() heading = '';
  /** True after Cancel was pressed, until the job settles. */
  @property({ type: Boolean }) cancelling = false;

  protected view(): ProgressView {
    const f = transferFigures(this.progress);
    return {
      title: html`<h3 id="embedder-progress-title">${this.heading}</h3>`,
      titleId: 'embedder-progress-title',
      actions: this.cancelButton('pa-embedder-cancel', 'Cancel', this.cancelling),
      percent: f.percent,
      indeterminate: true,
      valueText: f.valueText,
      figures: [
        { label: 'Done', value: f.done, testId: 'embedder-done', cls: 'wide' },
        { label: 'Rate', value: f.rate },
        { label: 'Time left', value: f.eta },
        { label: 'Elapsed', value: formatDuration(this.progress?.elapsedMs) },
      ],
      text: this.progress?.text ?? 'Starting…',
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'embedder-progress': EmbedderProgress;
  }
}
