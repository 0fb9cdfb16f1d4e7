import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '@lit-labs/virtualizer';
import { controls } from '../../app/tokens';
import { wordCount } from '../../core/stages/words';
import { personaSubject, type StoredPersona } from '../../core/stages/types';

/** Fired (bubbling, composed) when a persona row is chosen; detail: the persona id. */
export const SELECT_PERSONA = 'pa-select-persona';

/** Above this many rows the list is virtualised (only visible rows exist in the DOM). */
const VIRTUAL_FROM = 100;

/**
 * <persona-list>: personas as rows (author, words, status, first line). Persona text is untrusted:
 * it is rendered as text with dir="auto". Each row is a button (keyboard: Tab / Enter).
 * `extra` adds a short per-row note (e.g. rejection reasons).
 */
@customElement('persona-list')
export class PersonaList extends LitElement {
  @property({ attribute: false }) personas: readonly StoredPersona[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  @property({ attribute: false }) extra: ((p: StoredPersona) => string) | undefined;
  /** Accessible name of the list. */
  @property() label = 'Personas';

  static override styles = [
    controls,
    css`
      :host { display: block; border: 1px solid var(--pa-border); border-radius: var(--pa-radius); background: var(--pa-surface); font-size: var(--pa-text-sm); }
      ul { list-style: none; margin: 0; padding: 0; }
      lit-virtualizer { height: 24rem; }
      button.row { display: grid; grid-template-columns: minmax(6rem, 10rem) 5rem 6rem minmax(0, 1fr); gap: var(--pa-space-2); width: 100%; text-align: start; border: 0; border-bottom: 1px solid var(--pa-border); border-radius: 0; background: none; padding: var(--pa-space-2); }
      button.row[aria-current='true'] { background: var(--pa-accent-soft); }
      .first { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; unicode-bidi: isolate; }
      .note { grid-column: 1 / -1; color: var(--pa-text-muted); overflow-wrap: anywhere; }
      .empty { padding: var(--pa-space-3); margin: 0; }
    `,
  ];

  private row(p: StoredPersona): TemplateResult {
    const first = p.text.split('\n').find((l) => l.trim()) ?? '';
    const note = this.extra?.(p);
    return html`<button type="button" class="row" data-id=${p.id} aria-current=${p.id === this.selectedId ? 'true' : 'false'}
      @click=${() => this.dispatchEvent(new CustomEvent<string>(SELECT_PERSONA, { detail: p.id, bubbles: true, composed: true }))}>
      <span dir="auto" class="author">${personaSubject(p)}</span>
      <span class="num">${wordCount(p.text)} words</span>
      <span class="status">${p.status}</span>
      <span class="first" dir="auto">${first.slice(0, 200)}</span>
      ${note ? html`<span class="note" dir="auto">${note}</span>` : nothing}
    </button>`;
  }

  override render() {
    if (this.personas.length === 0) return html`<p class="empty muted">None yet.</p>`;
    if (this.personas.length >= VIRTUAL_FROM) {
      return html`<lit-virtualizer scroller role="list" aria-label=${this.label} .items=${this.personas as StoredPersona[]}
        .renderItem=${(p: StoredPersona) => html`<div role="listitem">${this.row(p)}</div>`}></lit-virtualizer>`;
    }
    return html`<ul aria-label=${this.label}>${this.personas.map((p) => html`<li>${this.row(p)}</li>`)}</ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-list': PersonaList;
  }
}
