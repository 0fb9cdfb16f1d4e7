import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import { promptRef, type PromptTemplate } from '../../core/stages/prompts';

/** Fired (bubbling, composed) on every edit; detail: the edited template. */
export const PROMPT_CHANGE = 'pa-prompt-change';

/**
 * <prompt-editor>: a versioned prompt template, visible and editable. Shows id, version and the
 * SHA-256 of the exact text: any edit gives a new hash (the hash recorded with every output), so
 * an edited prompt is told apart from the shipped one. "Restore" returns to `original`.
 */
@customElement('prompt-editor')
export class PromptEditor extends LitElement {
  @property({ attribute: false }) original: PromptTemplate | undefined;
  @property({ attribute: false }) value: PromptTemplate | undefined;
  @property() label = 'Prompt';

  @state() private hash = '';

  static override styles = [
    controls,
    css`
      :host { display: block; }
      details { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-2) var(--pa-space-3); background: var(--pa-surface); }
      label { display: flex; flex-direction: column; gap: var(--pa-space-1); margin-block: var(--pa-space-2); font-size: var(--pa-text-sm); }
      textarea { font-family: var(--pa-font-mono); font-size: var(--pa-text-sm); width: 100%; box-sizing: border-box; }
      .hash { font-family: var(--pa-font-mono); }
    `,
  ];

  protected override willUpdate(): void {
    const v = this.value ?? this.original;
    if (v) void promptRef(v).then((r) => (this.hash = r.hash));
  }

  private edit(part: 'system' | 'user', text: string): void {
    const base = this.value ?? this.original;
    if (!base) return;
    const next = { ...base, [part]: text };
    this.value = next;
    this.dispatchEvent(new CustomEvent<PromptTemplate>(PROMPT_CHANGE, { detail: next, bubbles: true, composed: true }));
  }

  override render() {
    const v = this.value ?? this.original;
    if (!v) return html``;
    const edited = !!this.original && (v.system !== this.original.system || v.user !== this.original.user);
    return html`<details>
      <summary>${this.label}: ${v.id} v${v.version}${edited ? ' (edited)' : ''}, hash <span class="hash" data-hash=${this.hash}>${this.hash.slice(0, 12)}</span></summary>
      <label>System message<textarea rows="3" name="system" .value=${v.system} @input=${(e: Event) => this.edit('system', (e.target as HTMLTextAreaElement).value)}></textarea></label>
      <label>User message ({{placeholders}} are filled per author)<textarea rows="12" name="user" .value=${v.user} @input=${(e: Event) => this.edit('user', (e.target as HTMLTextAreaElement).value)}></textarea></label>
      <button type="button" ?disabled=${!edited} @click=${() => { if (this.original) { this.value = this.original; this.dispatchEvent(new CustomEvent<PromptTemplate>(PROMPT_CHANGE, { detail: this.original, bubbles: true, composed: true })); } }}>Restore the shipped prompt</button>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prompt-editor': PromptEditor;
  }
}
