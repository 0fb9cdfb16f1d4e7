import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { DATA_CHANGED } from '../../app/events';
import type { CorpusStoreApi } from '../../app/services';
import { controls, tokens } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import type { ReferenceStoreApi } from '../../contracts/reference-store';
import { formatCount } from '../../core/format';
import type { AppDb } from '../../storage/db';
import { hintAlignPool, setPersonaOwner } from './persona-owner';
import type { PersonaImportServices } from './services';
import './persona-import-progress';

const DISMISSED_KEY = 'persona-align:demo-offer-dismissed';
/** Fired (bubbling, composed) with the new set's id once the demo set is imported; the shell opens Align. */
export const DEMO_IMPORTED = 'pa-demo-imported';

/**
 * <demo-offer>: on a first start (no corpus, no persona set and no stored reference) one button,
 * "Try with demo data", imports public/demo-personas/personas.jsonl (2,000 synthetic personas
 * written for this project, labelled so) as a persona set through the same import job as a user's
 * file, then fires `pa-demo-imported` so the shell opens Align on it. "Not now" dismisses it for
 * good (localStorage). Renders nothing otherwise.
 */
@customElement('demo-offer')
export class DemoOffer extends LitElement {
  /** The shell's corpus store (its database is used for the sets too). */
  @property({ attribute: false }) store: CorpusStoreApi | undefined;
  @property({ attribute: false }) references: Pick<ReferenceStoreApi, 'listReferences'> | undefined;
  /** Where the demo file is served from (default: the app's base URL). */
  @property() baseUrl: string | undefined;

  @state() private show = false;
  @state() private running = false;
  @state() private progress: Progress | undefined;
  @state() private error = '';
  @state() private cancelling = false;
  private services: PersonaImportServices | undefined;
  private checkedStore: CorpusStoreApi | undefined;

  static override styles = [
    tokens,
    controls,
    css`
      :host { display: block; }
      section { border: 1px solid var(--pa-accent); background: var(--pa-accent-soft); border-radius: var(--pa-radius); padding: var(--pa-space-3) var(--pa-space-4); margin: 0 0 var(--pa-space-4); }
      h2 { font-size: var(--pa-text-md); margin: 0 0 var(--pa-space-2); }
      p { margin: 0 0 var(--pa-space-2); }
      .row { display: flex; gap: var(--pa-space-3); flex-wrap: wrap; }
      .error { color: var(--pa-danger); }
    `,
  ];

  // Data stored anywhere (a corpus, a set, a reference) may end the first start: look again.
  private readonly onDataChanged = (): void => {
    if (this.show && !this.running) void this.check();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(DATA_CHANGED, this.onDataChanged);
  }

  override disconnectedCallback(): void {
    window.removeEventListener(DATA_CHANGED, this.onDataChanged);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if ((changed.has('store') || changed.has('references')) && this.store && this.store !== this.checkedStore) {
      this.checkedStore = this.store;
      void this.check();
    }
  }

  /** Shows the offer only on an empty start that was not dismissed. */
  private async check(): Promise<void> {
    try {
      // Opening the services removes sets an interrupted import or delete left behind: this is
      // the shell's start-up cleanup for persona sets, so it runs even when the offer was dismissed.
      const services = await this.svc();
      await services.ready;
      if (readDismissed()) return;
      const [corpora, sets, refs] = await Promise.all([this.store!.listCorpora(), services.sets.list(), this.references?.listReferences() ?? Promise.resolve([])]);
      this.show = corpora.length === 0 && sets.length === 0 && refs.length === 0;
    } catch {
      this.show = false; // storage problems are reported by the stage views
    }
  }

  private async svc(): Promise<PersonaImportServices> {
    if (!this.services) {
      const db = (this.store as { db?: () => Promise<AppDb> } | undefined)?.db;
      const dbName = typeof db === 'function' ? (await db.call(this.store)).name : undefined;
      // Loaded on demand: the import code (parsers, Parquet reader) stays out of the shell's first chunk.
      this.services = (await import('./services')).personaImportServices(dbName);
    }
    return this.services;
  }

  private async tryDemo(): Promise<void> {
    this.running = true;
    this.cancelling = false;
    this.error = '';
    try {
      const { importDemoPersonas } = await import('./services');
      const set = await importDemoPersonas(await this.svc(), (p) => (this.progress = p), undefined, this.baseUrl);
      setPersonaOwner(set.id);
      hintAlignPool(set.id);
      this.show = false;
      this.dispatchEvent(new CustomEvent(DATA_CHANGED, { bubbles: true, composed: true }));
      this.dispatchEvent(new CustomEvent<string>(DEMO_IMPORTED, { detail: set.id, bubbles: true, composed: true }));
    } catch (e) {
      this.error = `${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.running = false;
    }
  }

  private dismiss(): void {
    try {
      localStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // storage disabled: dismissed for this page only
    }
    this.show = false;
  }

  override render() {
    if (!this.show) return nothing;
    return html`<section aria-labelledby="demo-offer-title" class="demo-offer">
      <h2 id="demo-offer-title">New here? Try it with demo data</h2>
      <p>Imports ${formatCount(2000)} <strong>synthetic</strong> personas written for this project (with trait scores and a deliberate LLM-like tilt) and opens Align,
        where they are aligned with the built-in approximate reference. No model and no download needed.</p>
      <div class="row">
        <button type="button" class="primary try-demo" ?disabled=${this.running} @click=${() => void this.tryDemo()}>Try with demo data</button>
        <button type="button" class="dismiss" ?disabled=${this.running} @click=${() => this.dismiss()}>Not now</button>
      </div>
      ${this.running ? html`<persona-import-progress .progress=${this.progress} ?cancelling=${this.cancelling}
        @pa-cancel-persona-import=${() => { this.cancelling = true; this.services?.importer.cancel(); }}></persona-import-progress>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

function readDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'demo-offer': DemoOffer;
  }
}
