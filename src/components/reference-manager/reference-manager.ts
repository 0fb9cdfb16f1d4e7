import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { DATA_CHANGED } from '../../app/events';
import { controls, warnBadge } from '../../app/tokens';
import type { Progress } from '../../contracts/progress';
import type { ReferenceInfo } from '../../contracts/reference-store';
import type { WeightedCloud } from '../../core/cloud';
import { formatCount } from '../../core/format';
import type { BuiltinReference } from '../../core/reference/builtin';
import '../reference-detail/reference-detail';
import { REFERENCE_IMPORT_REQUEST, type ReferenceImportRequest } from '../reference-import-form/reference-import-form';
import '../reference-import-form/reference-import-form';
import { CANCEL_REFERENCE_IMPORT } from '../reference-progress/reference-progress';
import '../reference-progress/reference-progress';
import { referenceServicesContext, type ReferenceServices } from './context';
import { formatDate, kindLabel } from './figures';
import { errorText } from '../shared/error-text';

/** Fired (bubbling, composed) after a reference was stored or deleted; detail: its id. */
export const REFERENCES_CHANGED = 'pa-references-changed';

/**
 * <reference-manager>: the human reference of the Profile stage. Lists stored references (name,
 * kind, size, date, "approximate" badge), imports new ones (IPIP-FFM file with row filters, a
 * reference CSV, or a built-in sample) with progress and cancel, deletes them, and shows the
 * selected one in <reference-detail>.
 *
 * Needs ReferenceServices (store + importer) from `referenceServicesContext`, or set `services`.
 */
@customElement('reference-manager')
export class ReferenceManager extends LitElement {
  @consume({ context: referenceServicesContext, subscribe: true })
  @property({ attribute: false })
  services: ReferenceServices | undefined;

  @state() private refs: ReferenceInfo[] | undefined;
  @state() private listError = '';
  @state() private selectedId: string | undefined;
  @state() private cloud: WeightedCloud | undefined;
  @state() private detailError = '';
  @state() private job: { heading: string; progress: Progress | undefined } | undefined;
  @state() private cancelling = false;
  @state() private error = '';
  @state() private status = '';
  @state() private builtin: BuiltinReference | undefined;
  @state() private builtinError = '';
  @state() private confirmDelete: string | undefined;

  private loadedFor: ReferenceServices | undefined;
  /** A control to focus after the next render (the delete confirmation swaps buttons under the focus). */
  private focusNext: string | undefined;
  private controller: AbortController | undefined;
  private cloudToken = 0;

  static override styles = [
    controls,
    warnBadge,
    css`
      :host {
        display: block;
      }
      h2 {
        font-size: var(--pa-text-xl);
        margin: 0 0 var(--pa-space-3);
      }
      h3 {
        font-size: var(--pa-text-lg);
        margin: var(--pa-space-4) 0 var(--pa-space-2);
      }
      .layout {
        display: grid;
        gap: var(--pa-space-4);
      }
      .panel {
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-3) var(--pa-space-4);
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: var(--pa-text-sm);
      }
      th,
      td {
        text-align: start;
        padding: var(--pa-space-1) var(--pa-space-2);
        border-bottom: 1px solid var(--pa-border);
        vertical-align: middle;
      }
      td.n {
        text-align: end;
        font-variant-numeric: tabular-nums;
      }
      tr[aria-current='true'] {
        background: var(--pa-accent-soft);
      }
      button.link {
        border: none;
        background: none;
        padding: 0;
        min-height: 0;
        color: var(--pa-accent);
        text-decoration: underline;
        text-align: start;
        overflow-wrap: anywhere;
      }
      .badge {
        white-space: nowrap;
      }
      .actions {
        display: flex;
        gap: var(--pa-space-2);
        flex-wrap: wrap;
      }
      .error {
        color: var(--pa-danger);
        background: var(--pa-danger-soft);
        border-radius: var(--pa-radius-sm);
        padding: var(--pa-space-2) var(--pa-space-3);
      }
      .status {
        min-height: 1.2em;
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener(REFERENCE_IMPORT_REQUEST, this.onImportRequest);
    this.addEventListener(CANCEL_REFERENCE_IMPORT, this.onCancel);
  }

  override disconnectedCallback(): void {
    this.removeEventListener(REFERENCE_IMPORT_REQUEST, this.onImportRequest);
    this.removeEventListener(CANCEL_REFERENCE_IMPORT, this.onCancel);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    const s = this.services;
    if (s && s !== this.loadedFor) {
      this.loadedFor = s;
      void this.refresh();
      s.importer.builtinReference().then(
        (b) => {
          this.builtin = b;
          this.builtinError = '';
        },
        (e: unknown) => (this.builtinError = errorText(e)),
      );
    }
  }

  protected override updated(): void {
    if (!this.focusNext) return;
    this.renderRoot.querySelector<HTMLElement>(this.focusNext)?.focus();
    this.focusNext = undefined;
  }

  private askDelete(id: string | undefined, focus: string): void {
    this.confirmDelete = id;
    this.focusNext = focus;
  }

  /** Reloads the list (after an import or delete, or when the services change). */
  async refresh(): Promise<void> {
    const s = this.services;
    if (!s) return;
    try {
      this.refs = await s.store.listReferences();
      this.listError = '';
      if (this.selectedId && !this.refs.some((r) => r.id === this.selectedId)) this.select(undefined);
    } catch (e) {
      this.listError = errorText(e);
    }
  }

  private select(id: string | undefined): void {
    this.selectedId = id;
    this.cloud = undefined;
    this.detailError = '';
    const token = ++this.cloudToken;
    const s = this.services;
    if (!id || !s) return;
    s.store.loadReferenceCloud(id).then(
      (c) => {
        if (token === this.cloudToken) this.cloud = c;
      },
      (e: unknown) => {
        if (token === this.cloudToken) this.detailError = errorText(e);
      },
    );
  }

  private readonly onImportRequest = (e: CustomEvent<ReferenceImportRequest>): void => {
    e.stopPropagation();
    void this.runImport(e.detail);
  };

  private readonly onCancel = (e: Event): void => {
    e.stopPropagation();
    if (!this.controller) return;
    this.cancelling = true;
    this.controller.abort();
  };

  private async runImport(req: ReferenceImportRequest): Promise<void> {
    const s = this.services;
    if (!s || this.job) return;
    const controller = new AbortController();
    this.controller = controller;
    this.error = '';
    this.status = '';
    this.cancelling = false;
    const heading =
      req.kind === 'builtin' ? `Creating a built-in sample (${formatCount(req.request.n)} points)` : `Importing ${req.request.file.name}`;
    this.job = { heading, progress: undefined };
    const onProgress = (p: Progress): void => {
      if (this.job) this.job = { ...this.job, progress: p };
    };
    try {
      const info =
        req.kind === 'ffm'
          ? await s.importer.importFfm(req.request, onProgress, controller.signal)
          : req.kind === 'csv'
            ? await s.importer.importCsv(req.request, onProgress, controller.signal)
            : await s.importer.createBuiltinSample(req.request, onProgress, controller.signal);
      await this.refresh();
      this.select(info.id);
      this.status = `Stored "${info.name}": ${formatCount(info.n)} points kept of ${formatCount(info.rows.read)} rows read.`;
      this.announceChange(info.id);
    } catch (e) {
      if (isAbort(e)) this.status = 'Import cancelled; nothing was stored.';
      else this.error = errorText(e);
    } finally {
      this.job = undefined;
      this.cancelling = false;
      this.controller = undefined;
    }
  }

  private async deleteRef(info: ReferenceInfo): Promise<void> {
    const s = this.services;
    if (!s) return;
    this.confirmDelete = undefined;
    try {
      await s.store.deleteReference(info.id);
      await this.refresh();
      this.status = `Deleted "${info.name}".`;
      // The row is gone: put the focus somewhere stable rather than on <body>.
      this.focusNext = 'button[data-action="view"], #stored-h';
      this.announceChange(info.id);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private announceChange(id: string): void {
    this.dispatchEvent(new CustomEvent(REFERENCES_CHANGED, { detail: id, bubbles: true, composed: true }));
    this.dispatchEvent(new CustomEvent(DATA_CHANGED, { bubbles: true, composed: true }));
  }

  override render() {
    if (!this.services) return html`<p class="muted" role="status">Starting storage…</p>`;
    const selected = this.refs?.find((r) => r.id === this.selectedId);
    return html`
      <h2>Human reference</h2>
      <p class="status" role="status" aria-live="polite" data-testid="ref-status">${this.status}</p>
      ${this.error ? html`<p class="error" role="alert" data-testid="ref-error">${this.error}</p>` : nothing}
      <div class="layout">
        <section class="panel" aria-labelledby="stored-h">
          <h3 id="stored-h" tabindex="-1">Stored references</h3>
          ${this.renderList()}
        </section>
        ${selected
          ? html`<section class="panel" aria-label="Selected reference" data-testid="ref-detail-panel">
              ${this.detailError ? html`<p class="error" role="alert">${this.detailError}</p>` : nothing}
              <reference-detail .info=${selected} .cloud=${this.cloud} .howToUseRealData=${this.builtin?.howToUseRealData ?? ''}></reference-detail>
            </section>`
          : nothing}
        ${this.job
          ? html`<reference-progress .heading=${this.job.heading} .progress=${this.job.progress} ?cancelling=${this.cancelling}></reference-progress>`
          : nothing}
        <section aria-labelledby="import-h">
          <h3 id="import-h">Add a reference</h3>
          <reference-import-form ?disabled=${this.job !== undefined} .builtin=${this.builtin} .builtinError=${this.builtinError}></reference-import-form>
        </section>
      </div>
    `;
  }

  private renderList() {
    if (this.listError) return html`<p class="error" role="alert">${this.listError}</p>`;
    if (!this.refs) return html`<p class="muted">Loading…</p>`;
    if (this.refs.length === 0) {
      return html`<p class="muted" data-testid="no-references">No reference stored yet. Import the IPIP-FFM file, your own CSV, or create a built-in sample below.</p>`;
    }
    return html`<table data-testid="reference-list">
      <caption class="visually-hidden">Stored references, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Kind</th>
          <th scope="col">Points</th>
          <th scope="col">Created</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${this.refs.map(
          (r) => html`<tr data-id=${r.id} aria-current=${r.id === this.selectedId ? 'true' : 'false'}>
            <th scope="row">
              <button type="button" class="link" data-action="view" aria-pressed=${r.id === this.selectedId ? 'true' : 'false'} @click=${() => this.select(r.id)}>${r.name}</button>
              ${r.label === 'approximate' ? html`<span class="badge" data-testid="approximate-badge">approximate</span>` : nothing}
            </th>
            <td>${kindLabel(r.kind)}</td>
            <td class="n">${formatCount(r.n)}</td>
            <td>${formatDate(r.createdAt)}</td>
            <td>
              <div class="actions">
                ${this.confirmDelete === r.id
                  ? html`<button type="button" class="danger" data-action="confirm-delete" @click=${() => this.deleteRef(r)}>Delete "${r.name}"</button>
                      <button type="button" data-action="keep" @click=${() => this.askDelete(undefined, `tr[data-id="${r.id}"] button[data-action="delete"]`)}>Keep</button>`
                  : html`<button type="button" data-action="delete" aria-label=${`Delete ${r.name}`} ?disabled=${this.job !== undefined} @click=${() => this.askDelete(r.id, `tr[data-id="${r.id}"] button[data-action="confirm-delete"]`)}>Delete…</button>`}
              </div>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

declare global {
  interface HTMLElementTagNameMap {
    'reference-manager': ReferenceManager;
  }
}
