import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { StoredPost } from '../../contracts/corpus-store';
import { wordCount } from '../../core/stages/words';
import { personaSubject, type StoredPersona } from '../../core/stages/types';

/**
 * <persona-detail>: one persona beside the posts it was written from (the posts mining used are
 * marked). Both are untrusted text: rendered as text, dir="auto". Also shows mining provenance,
 * the quality findings and the judge's own words when present.
 */
@customElement('persona-detail')
export class PersonaDetail extends LitElement {
  @property({ attribute: false }) persona: StoredPersona | undefined;
  @property({ attribute: false }) posts: readonly StoredPost[] = [];

  static override styles = [
    controls,
    css`
      :host { display: block; }
      .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: var(--pa-space-4); }
      section { border: 1px solid var(--pa-border); border-radius: var(--pa-radius); padding: var(--pa-space-3); background: var(--pa-surface); min-width: 0; }
      h3 { margin: 0 0 var(--pa-space-2); font-size: var(--pa-text-md); }
      .text { white-space: pre-wrap; overflow-wrap: anywhere; }
      ol { max-height: 30rem; overflow: auto; padding-inline-start: 1.2rem; margin: 0; }
      li { margin-bottom: var(--pa-space-2); white-space: pre-wrap; overflow-wrap: anywhere; }
      li.unused { color: var(--pa-text-muted); }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: var(--pa-space-1) var(--pa-space-3); font-size: var(--pa-text-sm); margin: var(--pa-space-2) 0 0; }
      dd { margin: 0; overflow-wrap: anywhere; }
    `,
  ];

  override render() {
    const p = this.persona;
    if (!p) return nothing;
    const mine = p.stages.mine;
    const used = new Set(mine?.selection.seqs ?? []);
    const q = p.stages.quality;
    return html`
      <div class="cols">
        <section aria-labelledby="pt">
          <h3 id="pt">Persona of <span dir="auto">${personaSubject(p)}</span> (${wordCount(p.text)} words, ${p.status})</h3>
          <div class="text persona-text" dir="auto">${p.text}</div>
          <dl>
            ${mine ? html`<dt>Model</dt><dd>${mine.provenance.modelId} (${mine.provenance.backend})</dd>
              <dt>Prompt</dt><dd>${mine.provenance.prompt.id} v${mine.provenance.prompt.version}, ${mine.provenance.prompt.hash.slice(0, 12)}</dd>
              <dt>Posts used</dt><dd>${mine.selection.used} of ${mine.selection.available} (${mine.selection.mode})</dd>
              <dt>Copied spans</dt><dd>${mine.verbatim.length}</dd>` : nothing}
            ${p.quality ? html`<dt>Verdict</dt><dd>${p.quality.kept ? 'kept' : 'rejected'}${p.quality.reasons.length ? html`: <span dir="auto">${p.quality.reasons.join('; ')}</span>` : nothing}</dd>` : nothing}
            ${q?.judge ? html`<dt>Judge</dt><dd dir="auto">${Object.entries(q.judge.scores).map(([k, v]) => `${k} ${v}`).join(', ')}: ${q.judge.rationale}</dd>` : nothing}
          </dl>
        </section>
        <section aria-labelledby="sp">
          <h3 id="sp">Source posts (${this.posts.length}; ${used.size} used)</h3>
          <ol>${this.posts.map((post) => html`<li class=${used.size && !used.has(post.seq) ? 'unused' : 'used'} dir="auto"><span class="muted">${post.date ?? 'undated'}${used.size && !used.has(post.seq) ? ' (not used)' : ''}:</span> ${post.text}</li>`)}</ol>
        </section>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'persona-detail': PersonaDetail;
  }
}
