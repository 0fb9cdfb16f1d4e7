import { describe, expect, it } from 'vitest';
import { choiceRows, transferFigures } from '../../../src/components/embedder-picker/figures';
import { embedderChoices } from '../../../src/embed-models/choices';

describe('embedder picker figures', () => {
  it('shows no download for lexical, a size range per precision, and the exact size once complete on this device', () => {
    const rows = choiceRows(embedderChoices(), [
      { id: 'Xenova/all-MiniLM-L6-v2', bytes: 23_456_789, files: 4, dtypes: ['q8'], complete: true, missing: [] },
      { id: 'Xenova/bge-small-en-v1.5', bytes: 100, files: 1, dtypes: [], complete: false, missing: ['tokenizer.json'] },
    ]);
    expect(rows.map((r) => r.size)).toEqual([
      'no download',
      '23.5 MB on this device (q8)',
      '≈34.0 MB–133.0 MB by precision', // incomplete: still a download
      '≈118.0 MB–470.0 MB by precision',
    ]);
    expect(rows[0]?.dim).toBe('fitted on your personas');
    expect(rows[1]?.dim).toBe('384 dims');
  });

  it('derives percent, bytes, rate and time left from a byte progress report', () => {
    expect(transferFigures(undefined)).toMatchObject({ percent: undefined, done: '—' });
    const f = transferFigures({ stage: 'embed-load', done: 25e6, total: 100e6, unit: 'bytes', text: 'x', elapsedMs: 5000 });
    expect(f).toEqual({ percent: 25, done: '25.0 MB of 100.0 MB', rate: '5.0 MB/s', eta: '15 s', valueText: '25%: x' });
  });
});
