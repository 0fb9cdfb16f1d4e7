import type { LitVirtualizer } from '@lit-labs/virtualizer';

/**
 * Scrolls item `index` of a <lit-virtualizer> into view and focuses the element `selector` finds
 * there. A row far off screen is not rendered yet: scroll to it, then wait (up to ten frames) for
 * the virtualizer to lay it out before focusing.
 */
export async function focusVirtualRow<T>(v: LitVirtualizer<T> | null, index: number, selector: string): Promise<void> {
  if (!v) return;
  const find = (): HTMLElement | null => v.querySelector<HTMLElement>(selector);
  let el = find();
  if (!el) {
    v.element(index)?.scrollIntoView({ block: 'nearest' });
    for (let tries = 0; tries < 10 && !el; tries++) {
      await new Promise((r) => requestAnimationFrame(r));
      await v.layoutComplete;
      el = find();
    }
  } else {
    el.scrollIntoView({ block: 'nearest' });
  }
  el?.focus();
}
