import { css } from 'lit';

/**
 * Design tokens. Set on <app-shell>'s host; custom properties inherit through shadow roots, so
 * every component reads `var(--pa-…)` and light/dark follow prefers-color-scheme in one place.
 */
export const tokens = css`
  :host {
    color-scheme: light dark;
    --pa-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif;
    --pa-font-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    --pa-text-sm: 0.875rem;
    --pa-text-md: 1rem;
    --pa-text-lg: 1.25rem;
    --pa-text-xl: 1.6rem;
    --pa-space-1: 0.25rem;
    --pa-space-2: 0.5rem;
    --pa-space-3: 0.75rem;
    --pa-space-4: 1rem;
    --pa-space-6: 1.5rem;
    --pa-space-8: 2rem;
    --pa-radius: 8px;
    --pa-radius-sm: 4px;

    --pa-bg: #f7f7f5;
    --pa-surface: #ffffff;
    --pa-surface-2: #f0f0ed;
    --pa-text: #1d1d1f;
    --pa-text-muted: #5b5b63;
    --pa-border: #d6d6d2;
    --pa-accent: #2f5bd3;
    --pa-accent-text: #ffffff;
    --pa-accent-soft: #e6ecfb;
    --pa-ok: #1f7a3d;
    --pa-warn: #8a5a00;
    --pa-danger: #b3261e;
    --pa-danger-soft: #fbeaea;
    --pa-focus: #1b4fd8;
    --pa-shadow: 0 1px 2px rgb(0 0 0 / 0.06), 0 1px 8px rgb(0 0 0 / 0.04);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --pa-bg: #141416;
      --pa-surface: #1d1d21;
      --pa-surface-2: #26262b;
      --pa-text: #ececf0;
      --pa-text-muted: #a4a4ae;
      --pa-border: #3a3a42;
      --pa-accent: #8aa8ff;
      --pa-accent-text: #0e1430;
      --pa-accent-soft: #232c4a;
      --pa-ok: #6fd08f;
      --pa-warn: #f0c060;
      --pa-danger: #ff8a80;
      --pa-danger-soft: #3a1f1f;
      --pa-focus: #9fb8ff;
      --pa-shadow: none;
    }
  }
`;

/** Shared control styles for components (buttons, inputs, focus ring, visually-hidden). */
export const controls = css`
  :host {
    font-family: var(--pa-font);
    color: var(--pa-text);
  }
  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    border: 1px solid var(--pa-border);
    background: var(--pa-surface);
    border-radius: var(--pa-radius-sm);
    padding: var(--pa-space-1) var(--pa-space-3);
    cursor: pointer;
    min-height: 2rem;
  }
  button:hover:not(:disabled) {
    background: var(--pa-surface-2);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button.primary {
    background: var(--pa-accent);
    color: var(--pa-accent-text);
    border-color: var(--pa-accent);
  }
  button.primary:hover:not(:disabled) {
    background: var(--pa-accent);
    filter: brightness(1.08);
  }
  button.danger {
    color: var(--pa-danger);
    border-color: currentColor;
  }
  input:not([type='checkbox']):not([type='radio']):not([type='file']),
  select {
    border: 1px solid var(--pa-border);
    background: var(--pa-surface);
    border-radius: var(--pa-radius-sm);
    padding: var(--pa-space-1) var(--pa-space-2);
    min-height: 2rem;
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--pa-focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .muted {
    color: var(--pa-text-muted);
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
`;

/** The warning pill (e.g. "approximate" on the built-in reference), one look wherever it appears. */
export const warnBadge = css`
  .badge {
    display: inline-block;
    font-size: var(--pa-text-sm);
    font-weight: 600;
    padding: 0 var(--pa-space-2);
    border-radius: 999px;
    border: 1px solid var(--pa-warn);
    color: var(--pa-warn);
  }
`;
