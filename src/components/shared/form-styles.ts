import { css } from 'lit';

/**
 * The stage forms' layout (<align-form>, <target-stage>): fieldsets on a grid that wraps at
 * 18rem, a bold legend, labels stacked over their control, `label.inline` for a checkbox or
 * radio beside its text. Put before the component's own styles, which refine it.
 */
export const stageFormStyles = css`
  form {
    display: grid;
    gap: var(--pa-space-4);
    grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
    align-items: start;
  }
  fieldset {
    border: 1px solid var(--pa-border);
    border-radius: var(--pa-radius);
    padding: var(--pa-space-3) var(--pa-space-4);
    margin: 0;
    display: grid;
    gap: var(--pa-space-2);
    background: var(--pa-surface);
  }
  legend {
    font-weight: 700;
    padding: 0 var(--pa-space-1);
  }
  label {
    display: grid;
    gap: var(--pa-space-1);
    font-size: var(--pa-text-sm);
  }
  label.inline {
    display: flex;
    align-items: center;
    gap: var(--pa-space-2);
  }
`;
