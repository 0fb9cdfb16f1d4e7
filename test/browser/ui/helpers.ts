/** Shadow-DOM-aware queries and waits for the UI browser tests. */

/**
 * "host-el rest": when the selector starts with a custom element's name, `rest` is looked up
 * inside that element's shadow root (plain descendant selectors cannot cross shadow boundaries).
 */
function splitHost(selector: string): [string, string] | null {
  const m = /^([a-z][a-z0-9]*-[a-z0-9-]*)\s+(.+)$/.exec(selector.trim());
  return m ? [m[1]!, m[2]!] : null;
}

/** First element matching `selector` anywhere under `root`, looking inside every shadow root. */
export function deepQuery<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E | null {
  const split = splitHost(selector);
  if (split) {
    for (const host of deepQueryAll(split[0], root)) {
      const found = deepQuery<E>(split[1], host.shadowRoot ?? host);
      if (found) return found;
    }
    return null;
  }
  const direct = root.querySelector<E>(selector);
  if (direct) return direct;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) {
      const found = deepQuery<E>(selector, el.shadowRoot);
      if (found) return found;
    }
  }
  return null;
}

/** Every element matching `selector` under `root`, shadow roots included. */
export function deepQueryAll<E extends Element = HTMLElement>(selector: string, root: ParentNode = document): E[] {
  const split = splitHost(selector);
  if (split) return deepQueryAll(split[0], root).flatMap((host) => deepQueryAll<E>(split[1], host.shadowRoot ?? host));
  const out: E[] = [...root.querySelectorAll<E>(selector)];
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) out.push(...deepQueryAll<E>(selector, el.shadowRoot));
  }
  return out;
}

/** The element that really has focus, following shadow roots down. */
export function deepActiveElement(): Element | null {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(fn: () => T | null | undefined | false, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const start = performance.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function text(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits for an element by selector and returns it. */
export function waitForEl<E extends Element = HTMLElement>(selector: string, timeoutMs?: number): Promise<E> {
  return waitFor(() => deepQuery<E>(selector), timeoutMs, selector);
}

let counter = 0;
/** A database name no earlier test used. */
export function freshDbName(prefix = 'ui-test'): string {
  counter++;
  return `${prefix}-${Date.now()}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
