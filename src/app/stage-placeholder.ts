import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { StageId } from './routes';
import type { StageStatus } from './stage-status';
import { controls } from './tokens';

interface PlannedStage {
  what: string;
  needs: string;
}

/** What each stage not yet built will do and what it needs, shown instead of an empty page. */
const PLANNED: Record<StageId, PlannedStage> = {
  corpus: { what: '', needs: '' },
  personas: {
    what:
      'A language model running in this browser reads each selected author’s posts (chronological, spread ' +
      'over time, summarised when longer than its context) and writes a 150–300-word narrative persona. ' +
      'Names, e-mails and URLs are never copied.',
    needs: 'A corpus with authors selected in the Corpus stage, and a downloaded model that fits this GPU.',
  },
  quality: {
    what:
      'Rule checks (length, repetition, refusals, language, leaked identifiers) and an LLM judge scoring ' +
      'faithfulness, consistency and specificity 1–5. Every rejection keeps its reason.',
    needs: 'Mined personas.',
  },
  profile: {
    what:
      'Each persona answers the 50 IPIP Big-Five items; answers are read from the model’s next-token ' +
      'probabilities. Cronbach’s α is reported per trait.',
    needs: 'Personas that passed the quality stage.',
  },
  align: {
    what:
      'KDE importance weights, then optimal transport (Sinkhorn on WebGPU) match the persona pool to a human ' +
      'Big-Five reference. Reports ESS, design effect and the sampling floor.',
    needs: 'Big-Five profiles for the personas and a human reference (bundled or imported).',
  },
  target: {
    what:
      'Describe a target group in words; personas are embedded, retrieved and re-aligned against that ' +
      'group’s reference subset.',
    needs: 'Profiled personas and, optionally, a reference subset for the group.',
  },
  results: {
    what:
      'Per-trait and joint distances before and after each step (raw pool, random subset, IS, IS + OT), and ' +
      'export of the aligned persona set.',
    needs: 'An alignment run.',
  },
};

/** <stage-placeholder>: an honest page for a stage that is not built yet. */
@customElement('stage-placeholder')
export class StagePlaceholder extends LitElement {
  @property({ attribute: false }) stage: StageId = 'personas';
  @property({ attribute: false }) status: StageStatus | undefined;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .card {
        background: var(--pa-surface);
        border: 1px dashed var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-4) var(--pa-space-6);
        max-width: 48rem;
      }
      h2 {
        font-size: var(--pa-text-md);
        margin: var(--pa-space-3) 0 var(--pa-space-1);
      }
      p {
        margin: 0 0 var(--pa-space-2);
      }
    `,
  ];

  override render() {
    const plan = PLANNED[this.stage];
    return html`<section class="card" aria-label="Stage not built yet">
      <p><strong>Not built yet.</strong> This stage is part of the plan; nothing here runs yet.</p>
      <h2>What will happen here</h2>
      <p>${plan.what}</p>
      <h2>What it needs</h2>
      <p>${plan.needs}</p>
      ${this.status ? html`<p class="muted">Current state: ${this.status.text}.</p>` : ''}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'stage-placeholder': StagePlaceholder;
  }
}
