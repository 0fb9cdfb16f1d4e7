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

/**
 * The row a list key moves to from row `i` of `n`: arrows by one, Page Up / Page Down by `page`,
 * Home and End to the ends, clamped to the list; undefined for any other key (left to the browser).
 */
export function listKeyTarget(key: string, i: number, n: number, page = 10): number | undefined {
  const to =
    key === 'ArrowDown' ? i + 1
    : key === 'ArrowUp' ? i - 1
    : key === 'PageDown' ? i + page
    : key === 'PageUp' ? i - page
    : key === 'Home' ? 0
    : key === 'End' ? n - 1
    : undefined;
  return to === undefined ? undefined : Math.max(0, Math.min(n - 1, to));
}
