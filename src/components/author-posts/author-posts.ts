import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../../app/tokens';
import type { AuthorSummary, StoredPost } from '../../contracts/corpus-store';
import { formatCount, formatDateSpan } from '../../core/format';

const PAGE = 100;

/**
 * <author-posts>: one author's metadata and posts (date + text). Post text is untrusted: it is
 * rendered only through lit's text bindings (escaped), wrapped however long its lines are, and
 * bidi-isolated (dir="auto") so right-to-left overrides in one post cannot reorder the page.
 */
@customElement('author-posts')
export class AuthorPosts extends LitElement {
  @property({ attribute: false }) author: AuthorSummary | undefined;
  @property({ attribute: false }) posts: StoredPost[] = [];
  @property({ type: Boolean }) loading = false;

  @state() private shown = PAGE;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        background: var(--pa-surface);
        border: 1px solid var(--pa-border);
        border-radius: var(--pa-radius);
        padding: var(--pa-space-4);
        min-width: 0;
      }
      h3 {
        margin: 0 0 var(--pa-space-1);
        font-size: var(--pa-text-lg);
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
      .meta {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        margin: 0 0 var(--pa-space-3);
      }
      .meta span + span::before {
        content: ' · ';
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: var(--author-panel-height, 32rem);
        overflow-y: auto;
      }
      li {
        border-top: 1px solid var(--pa-border);
        padding: var(--pa-space-3) 0;
      }
      time,
      .nodate {
        font-size: var(--pa-text-sm);
        color: var(--pa-text-muted);
        font-variant-numeric: tabular-nums;
      }
      .text {
        margin: var(--pa-space-1) 0 0;
        /* Keep line breaks, collapse the source's indentation runs; wrap any line, however long. */
        white-space: pre-line;
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
    `,
  ];

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('author')) this.shown = PAGE;
  }

  override render() {
    const a = this.author;
    if (!a) return html`<p class="muted">Choose an author in the table to read their posts.</p>`;
    return html`<section aria-labelledby="posts-title" data-testid="author-posts">
      <h3 id="posts-title"><bdi>${a.key}</bdi></h3>
      <p class="meta">
        ${Object.entries(a.meta).map(([k, v]) => html`<span>${k}: <bdi>${v}</bdi></span>`)}
        <span>${formatCount(a.posts)} posts</span><span>${formatCount(a.words)} words</span>
        <span>${formatDateSpan(a.dateMin, a.dateMax)}</span>
      </p>
      ${this.loading
        ? html`<p role="status">Loading posts…</p>`
        : html`<ol tabindex="0" aria-label="Posts by ${a.key}">
              ${this.posts.slice(0, this.shown).map(
                (p) => html`<li>
                  ${p.date ? html`<time datetime=${p.date}>${p.date}</time>` : html`<span class="nodate">no date</span>`}
                  <p class="text" dir="auto">${p.text}</p>
                </li>`,
              )}
            </ol>
            ${this.posts.length > this.shown
              ? html`<button type="button" @click=${() => (this.shown += PAGE)}>
                  Show ${Math.min(PAGE, this.posts.length - this.shown)} more of ${formatCount(this.posts.length - this.shown)}
                </button>`
              : nothing}`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'author-posts': AuthorPosts;
  }
}
