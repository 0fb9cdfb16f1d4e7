import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { capabilitiesContext, quotaContext, type QuotaApi, type StorageEstimateInfo } from '../../app/services';
import type { Capabilities } from './probe';
import { controls } from '../../app/tokens';
import { formatUsage, summariseLimits } from '../../core/format';

/**
 * <capability-panel>: what this device offers (WebGPU adapter, limits, features, workers,
 * IndexedDB) and how much browser storage the app uses, with a button to ask for persistent
 * storage. Reads the shell's probe and the quota service from context.
 */
@customElement('capability-panel')
export class CapabilityPanel extends LitElement {
  @consume({ context: capabilitiesContext, subscribe: true })
  @state()
  capabilities: Capabilities | undefined;

  @consume({ context: quotaContext, subscribe: true })
  @state()
  quota: QuotaApi | undefined;

  @state() private estimate: StorageEstimateInfo | undefined;
  @state() private persisted: boolean | null | undefined;
  @state() private persistMessage = '';
  private loadedFor: QuotaApi | undefined;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        font-size: var(--pa-text-sm);
      }
      h2 {
        font-size: var(--pa-text-md);
        margin: 0 0 var(--pa-space-2);
      }
      h3 {
        font-size: var(--pa-text-sm);
        margin: var(--pa-space-3) 0 var(--pa-space-1);
        color: var(--pa-text-muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      dl {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 2px var(--pa-space-2);
        margin: 0;
      }
      dt {
        color: var(--pa-text-muted);
      }
      dd {
        margin: 0;
        text-align: end;
        font-variant-numeric: tabular-nums;
      }
      /* Long free text (adapter description, usage line) gets the full width under its label. */
      dd.wide {
        grid-column: 1 / -1;
        text-align: start;
        overflow-wrap: anywhere;
      }
      .ok {
        color: var(--pa-ok);
      }
      .bad {
        color: var(--pa-danger);
      }
      .features {
        font-family: var(--pa-font-mono);
        font-size: 0.8rem;
        overflow-wrap: anywhere;
      }
      button {
        margin-top: var(--pa-space-2);
      }
    `,
  ];

  override updated(): void {
    if (this.quota && this.quota !== this.loadedFor) {
      this.loadedFor = this.quota;
      void this.refreshStorage();
    }
  }

  /** Re-reads usage and quota (the corpus view calls this after imports and deletes). */
  async refreshStorage(): Promise<void> {
    const q = this.quota;
    if (!q) return;
    const [estimate, persisted] = await Promise.all([q.estimate(), q.persisted()]);
    this.estimate = estimate;
    this.persisted = persisted;
  }

  private async requestPersist(): Promise<void> {
    if (!this.quota) return;
    const granted = await this.quota.persist();
    this.persisted = granted;
    this.persistMessage = granted
      ? 'Storage is now persistent: the browser will not evict this app’s data under pressure.'
      : granted === null
        ? 'This browser cannot make storage persistent.'
        : 'The browser declined. It may grant this after you bookmark or install the app, or use it more.';
  }

  override render() {
    const caps = this.capabilities;
    return html`
      <section aria-labelledby="cap-h">
        <h2 id="cap-h">This device</h2>
        ${caps ? this.renderCaps(caps) : html`<p class="muted" role="status">Checking WebGPU…</p>`}
        <h3>Storage</h3>
        <dl>
          <dt>Used</dt>
          <dd class="wide" data-testid="storage-usage">${formatUsage(this.estimate?.usage, this.estimate?.quota)}</dd>
          <dt>Persistent</dt>
          <dd data-testid="storage-persisted">
            ${this.persisted === undefined ? '…' : this.persisted === null ? 'unknown' : this.persisted ? 'yes' : 'no'}
          </dd>
        </dl>
        ${this.persisted === false
          ? html`<p class="muted">The browser may evict stored corpora when disk space runs low.</p>
              <button type="button" @click=${this.requestPersist} ?disabled=${!this.quota}>
              Request persistent storage
            </button>`
          : nothing}
        <p role="status" class="muted" data-testid="persist-message">${this.persistMessage}</p>
      </section>
    `;
  }

  private renderCaps(caps: Capabilities) {
    const gpu = caps.gpu;
    const yesNo = (v: boolean) => html`<span class=${v ? 'ok' : 'bad'}>${v ? 'yes' : 'no'}</span>`;
    return html`
      <h3>WebGPU</h3>
      ${gpu.available
        ? html`<dl data-testid="gpu-info">
            <dt>Status</dt>
            <dd><span class="ok">available</span></dd>
            <dt>Vendor</dt>
            <dd data-testid="gpu-vendor">${gpu.vendor || 'unknown'}</dd>
            <dt>Architecture</dt>
            <dd data-testid="gpu-architecture">${gpu.architecture || 'unknown'}</dd>
            ${gpu.description ? html`<dt>Description</dt><dd class="wide">${gpu.description}</dd>` : nothing}
            ${summariseLimits(gpu.limits).map(
              (row) => html`<dt title=${row.name}>${limitLabel(row.name)}</dt>
                <dd class="num" title=${String(row.value)}>${row.display}</dd>`,
            )}
            <dt>shader-f16</dt>
            <dd data-testid="gpu-f16" >${gpu.shaderF16 ? 'yes' : 'no (f32 only)'}</dd>
          </dl>
          <details>
            <summary>All features (${gpu.features.length})</summary>
            <p class="features">${gpu.features.join(', ') || 'none'}</p>
          </details>`
        : html`<p class="bad" data-testid="gpu-missing">${gpu.reason}</p>`}
      <h3>Browser</h3>
      <dl>
        <dt>Workers</dt>
        <dd>${yesNo(caps.workers)}</dd>
        <dt>IndexedDB</dt>
        <dd>${yesNo(caps.indexedDb)}</dd>
      </dl>
    `;
  }
}

const LIMIT_LABELS: Record<string, string> = {
  maxStorageBufferBindingSize: 'Storage binding',
  maxBufferSize: 'Buffer size',
  maxComputeWorkgroupStorageSize: 'Workgroup memory',
  maxComputeInvocationsPerWorkgroup: 'Invocations / workgroup',
  maxComputeWorkgroupsPerDimension: 'Workgroups / dimension',
};

function limitLabel(name: string): string {
  return LIMIT_LABELS[name] ?? name;
}

declare global {
  interface HTMLElementTagNameMap {
    'capability-panel': CapabilityPanel;
  }
}
