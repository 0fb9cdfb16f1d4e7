import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { ContextProvider } from '@lit/context';
import {
  capabilitiesContext,
  importServiceContext,
  quotaContext,
  storeContext,
  type AppServices,
} from './services';
import { STAGES, formatHash, parseHash, type Route, type StageId } from './routes';
import { stageStatuses, type StageStatus } from './stage-status';
import { readMiningSelection } from './mining-selection';
import { controls, tokens } from './tokens';
import { DATA_CHANGED } from './events';
import { STAGE_VIEWS } from './stage-views';
import { referenceServicesContext } from '../components/reference-manager/context';
import type { CorpusInfo } from '../contracts/corpus-store';
import type { PersonaStatus } from '../core/stages/types';
import { probeCapabilities } from '../components/capability-panel/probe';
import '../components/capability-panel/capability-panel';
import '../components/persona-import-panel/demo-offer';
import '../components/bundle-panel/bundle-panel';
import type { CapabilityPanel } from '../components/capability-panel/capability-panel';


/**
 * <app-shell>: the pipeline's stages as a navigable list with hash routing (#/corpus, …),
 * the service providers (@lit/context) and the device panel. Stage views load lazily.
 *
 * Set `services` before connecting to inject implementations (tests use a fresh database);
 * otherwise the shell loads the real ones from ./default-services.
 */
@customElement('app-shell')
export class AppShell extends LitElement {
  /** The services stage views consume. Leave unset to load the defaults lazily. */
  @property({ attribute: false }) services: AppServices | undefined;

  @state() private route: Route = parseHash(location.hash);
  @state() private corpora: CorpusInfo[] = [];
  @state() private personaCounts: Record<PersonaStatus, number> | undefined;
  /** Bumped when stored data was replaced wholesale (bundle import): the current stage view is remounted. */
  @state() private dataGeneration = 0;
  @state() private viewsLoaded = new Set<StageId>();
  @state() private serviceError = '';

  @query('#stage-title') private stageTitle!: HTMLHeadingElement;
  @query('capability-panel') private capabilityPanel!: CapabilityPanel | null;

  private readonly storeProvider = new ContextProvider(this, { context: storeContext });
  private readonly importProvider = new ContextProvider(this, { context: importServiceContext });
  private readonly quotaProvider = new ContextProvider(this, { context: quotaContext });
  private readonly capsProvider = new ContextProvider(this, { context: capabilitiesContext });
  private readonly referencesProvider = new ContextProvider(this, { context: referenceServicesContext });
  private focusTitleAfterRender = false;

  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--pa-bg);
        font-size: var(--pa-text-md);
        line-height: 1.5;
      }
      .skip {
        position: absolute;
        left: -999px;
        top: var(--pa-space-2);
        background: var(--pa-surface);
        padding: var(--pa-space-2) var(--pa-space-3);
        border-radius: var(--pa-radius-sm);
        z-index: 10;
      }
      .skip:focus {
        left: var(--pa-space-2);
      }
      header {
        display: flex;
        align-items: baseline;
        gap: var(--pa-space-4);
        padding: var(--pa-space-3) var(--pa-space-6);
        border-bottom: 1px solid var(--pa-border);
        background: var(--pa-surface);
      }
      header .brand {
        font-weight: 700;
        font-size: var(--pa-text-lg);
        margin: 0;
      }
      header .tagline {
        color: var(--pa-text-muted);
        font-size: var(--pa-text-sm);
        margin: 0;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(13rem, 16rem) minmax(0, 1fr);
        gap: var(--pa-space-6);
        padding: var(--pa-space-6);
        max-width: 110rem;
        margin: 0 auto;
      }
      /* Narrow screens: stages as a horizontal strip on top, then the stage, then the device panel. */
      @media (max-width: 52rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
          padding: var(--pa-space-3);
          gap: var(--pa-space-4);
        }
        .sidebar {
          display: contents;
        }
        nav {
          order: 1;
          min-width: 0;
        }
        main {
          order: 2;
        }
        aside {
          order: 3;
        }
        nav ol {
          flex-direction: row;
          overflow-x: auto;
          padding-bottom: var(--pa-space-1);
        }
        nav a {
          white-space: nowrap;
        }
        header {
          flex-wrap: wrap;
          padding: var(--pa-space-3);
        }
      }
      .sidebar {
        display: flex;
        flex-direction: column;
        gap: var(--pa-space-6);
      }
      nav ol {
        list-style: none;
        margin: 0;
        padding: 0;
        counter-reset: stage;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      nav a {
        display: grid;
        grid-template-columns: 1.75rem 1fr;
        grid-template-rows: auto auto;
        column-gap: var(--pa-space-2);
        padding: var(--pa-space-2) var(--pa-space-3);
        border-radius: var(--pa-radius);
        color: inherit;
        text-decoration: none;
        border: 1px solid transparent;
      }
      nav a:hover {
        background: var(--pa-surface-2);
      }
      nav a[aria-current='page'] {
        background: var(--pa-surface);
        border-color: var(--pa-border);
        box-shadow: var(--pa-shadow);
      }
      nav .n {
        grid-row: 1 / span 2;
        align-self: center;
        width: 1.6rem;
        height: 1.6rem;
        border-radius: 50%;
        display: grid;
        place-items: center;
        font-size: 0.8rem;
        font-weight: 600;
        background: var(--pa-surface-2);
        color: var(--pa-text-muted);
      }
      nav a[aria-current='page'] .n {
        background: var(--pa-accent);
        color: var(--pa-accent-text);
      }
      nav .state-done .n {
        background: var(--pa-accent-soft);
        color: var(--pa-accent);
      }
      nav .label {
        font-weight: 600;
      }
      nav .status {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
      nav .state-blocked .label {
        color: var(--pa-text-muted);
      }
      .device,
      .bundle {
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
      }
      .bundle {
        margin-top: var(--pa-space-3);
      }
      .bundle summary {
        cursor: pointer;
        font-weight: 600;
      }
      main {
        min-width: 0;
      }
      main h1 {
        font-size: var(--pa-text-xl);
        margin: 0 0 var(--pa-space-1);
      }
      main h1:focus {
        outline: none;
      }
      main h1:focus-visible {
        outline: 3px solid var(--pa-focus);
      }
      .summary {
        color: var(--pa-text-muted);
        margin: 0 0 var(--pa-space-6);
      }
      .error {
        color: var(--pa-danger);
        background: var(--pa-danger-soft);
        padding: var(--pa-space-3);
        border-radius: var(--pa-radius);
      }
    `,
  ];

  private readonly onHashChange = (): void => {
    this.route = parseHash(location.hash);
  };

  private readonly onDataChanged = (): void => {
    void this.refreshFacts();
    void this.capabilityPanel?.refreshStorage();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    this.addEventListener(DATA_CHANGED, this.onDataChanged);
    this.route = parseHash(location.hash);
    if (!this.services) void this.loadDefaultServices();
    void probeCapabilities().then((caps) => this.capsProvider.setValue(caps));
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    this.removeEventListener(DATA_CHANGED, this.onDataChanged);
    super.disconnectedCallback();
  }

  private async loadDefaultServices(): Promise<void> {
    try {
      const { createDefaultServices } = await import('./default-services');
      const services = await createDefaultServices();
      this.services ??= services; // services injected meanwhile win
    } catch (e) {
      this.serviceError = `Could not open the app’s storage: ${e instanceof Error ? e.message : String(e)}. ` +
        'Private windows and some privacy settings block IndexedDB; try a normal window.';
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('services') && this.services) {
      this.storeProvider.setValue(this.services.store);
      this.importProvider.setValue(this.services.importer);
      this.quotaProvider.setValue(this.services.quota);
      this.referencesProvider.setValue(this.services.references);
      void this.refreshFacts();
    }
    if (changed.has('route')) void this.ensureView(this.route.stage);
  }

  protected override updated(): void {
    if (this.focusTitleAfterRender) {
      this.focusTitleAfterRender = false;
      this.stageTitle?.focus();
    }
  }

  private async refreshFacts(): Promise<void> {
    if (!this.services) return;
    try {
      this.corpora = await this.services.store.listCorpora();
      const active = readMiningSelection()?.corpusId ?? this.corpora[0]?.id;
      this.personaCounts = active ? await this.services.store.countPersonas?.(active) : undefined;
    } catch {
      this.corpora = []; // the corpus view shows storage errors itself
      this.personaCounts = undefined;
    }
  }

  /** Stage views are separate chunks, loaded the first time their stage is shown. */
  private async ensureView(stage: StageId): Promise<void> {
    if (this.viewsLoaded.has(stage)) return;
    await STAGE_VIEWS[stage]?.load();
    this.viewsLoaded = new Set([...this.viewsLoaded, stage]);
  }

  /**
   * Navigates to a stage (used by the nav and by views); the URL hash is the source of truth.
   * `replace` swaps the current history entry instead of adding one.
   */
  navigate(route: Route, replace = false): void {
    const hash = formatHash(route);
    if (location.hash !== hash) {
      if (replace) history.replaceState(history.state, '', hash);
      else location.hash = hash;
    }
    this.route = route;
  }

  private onNavClick(e: MouseEvent, stage: StageId): void {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    // (The corpus view reopens the last chosen corpus itself, from the saved mining selection.)
    this.focusTitleAfterRender = true;
    this.navigate({ stage, params: [] });
  }

  /** Arrow keys move between stages in the list; Enter follows the focused link. */
  private onNavKeydown(e: KeyboardEvent): void {
    const links = [...(this.renderRoot.querySelectorAll<HTMLAnchorElement>('nav a') ?? [])];
    const i = links.findIndex((a) => a === this.renderRoot.querySelector('nav a:focus'));
    if (i < 0) return;
    let target: number | undefined;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') target = (i + 1) % links.length;
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') target = (i - 1 + links.length) % links.length;
    else if (e.key === 'Home') target = 0;
    else if (e.key === 'End') target = links.length - 1;
    if (target === undefined) return;
    e.preventDefault();
    links[target]?.focus();
  }

  override render() {
    const selection = readMiningSelection();
    const statuses = stageStatuses({ corpora: this.corpora, activeCorpusId: selection?.corpusId ?? null, personas: this.personaCounts });
    const current = STAGES.find((s) => s.id === this.route.stage) ?? STAGES[0];
    return html`
      <a class="skip" href="#stage-title" @click=${this.skipToMain}>Skip to content</a>
      <header>
        <p class="brand">Persona Align</p>
        <p class="tagline">Population-aligned personas, computed on this device. Nothing leaves the browser.</p>
      </header>
      <div class="layout">
        <div class="sidebar">
          <nav aria-label="Pipeline stages" @keydown=${this.onNavKeydown}>
            <ol>
              ${STAGES.map((s, i) => this.renderNavItem(s.id, s.label, i + 1, statuses[s.id]))}
            </ol>
          </nav>
          <aside class="device" aria-label="Device capabilities">
            <capability-panel></capability-panel>
          </aside>
          <details class="bundle">
            <summary>Project bundle</summary>
            <bundle-panel @pa-bundle-imported=${this.onBundleImported}></bundle-panel>
          </details>
        </div>
        <main>
          <h1 id="stage-title" tabindex="-1">${current.label}</h1>
          <p class="summary">${current.summary}</p>
          ${this.serviceError ? html`<p class="error" role="alert">${this.serviceError}</p>` : nothing}
          <demo-offer .store=${this.services?.store} .references=${this.services?.references?.store}
            @pa-demo-imported=${() => { this.focusTitleAfterRender = true; this.navigate({ stage: 'align', params: [] }); }}></demo-offer>
          ${keyed(this.dataGeneration, this.renderStage(this.route, statuses[this.route.stage]))}
        </main>
      </div>
    `;
  }

  /** A bundle import replaced stored data under every view: refresh the facts and remount the current stage so it re-reads the store. */
  private readonly onBundleImported = (): void => {
    this.dataGeneration++;
    void this.refreshFacts();
    void this.capabilityPanel?.refreshStorage();
  };

  private skipToMain(e: Event): void {
    e.preventDefault();
    this.stageTitle?.focus();
  }

  private renderNavItem(id: StageId, label: string, n: number, status: StageStatus) {
    const isCurrent = this.route.stage === id;
    return html`<li class="state-${status.state}">
      <a
        href=${formatHash({ stage: id, params: [] })}
        aria-current=${isCurrent ? 'page' : 'false'}
        data-stage=${id}
        @click=${(e: MouseEvent) => this.onNavClick(e, id)}
      >
        <span class="n" aria-hidden="true">${n}</span>
        <span class="label">${label}</span>
        <span class="status" data-testid="stage-status-${id}"><span class="visually-hidden">, </span>${status.text}</span>
      </a>
    </li>`;
  }

  private renderStage(route: Route, status: StageStatus) {
    if (!this.viewsLoaded.has(route.stage)) return html`<p role="status" class="muted">Loading…</p>`;
    return STAGE_VIEWS[route.stage].render({ route, status, navigate: (r, replace) => this.navigate(r, replace) });
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'app-shell': AppShell;
  }
}
