import { describe, expect, it } from 'vitest';
import { IMPORT_OVERHEAD, storageFit, storageFitFromEstimate } from '../../../src/core/storage-fit';

describe('storageFit', () => {
  it('multiplies the source size by the overhead and compares it with quota − usage', () => {
    expect(storageFit({ sourceBytes: 1000, usage: 0, quota: 10_000 })).toEqual({ needed: Math.ceil(1000 * IMPORT_OVERHEAD), free: 10_000, fits: true });
    expect(storageFit({ sourceBytes: 8000, usage: 1000, quota: 10_000, overhead: 1.5 })).toEqual({ needed: 12_000, free: 9000, fits: false });
  });

  it('fits exactly at the boundary and not one byte past it', () => {
    expect(storageFit({ sourceBytes: 100, usage: 800, quota: 1000, overhead: 2 }).fits).toBe(true);
    expect(storageFit({ sourceBytes: 101, usage: 800, quota: 1000, overhead: 2 }).fits).toBe(false);
  });

  it('never reports negative free space, and treats bad figures as zero', () => {
    expect(storageFit({ sourceBytes: 1, usage: 5000, quota: 1000 })).toEqual({ needed: 2, free: 0, fits: false });
    expect(storageFit({ sourceBytes: Number.NaN, usage: -3, quota: 1000 })).toEqual({ needed: 0, free: 1000, fits: true });
    expect(storageFit({ sourceBytes: 100, usage: 0, quota: 1000, overhead: -1 }).needed).toBe(Math.ceil(100 * IMPORT_OVERHEAD));
  });

  it('uses an overhead above the measured 1.07 storage bytes per source byte', () => {
    expect(IMPORT_OVERHEAD).toBeGreaterThanOrEqual(1.07);
    expect(IMPORT_OVERHEAD).toBeLessThan(2);
  });
});

describe('storageFitFromEstimate', () => {
  it('says nothing when the quota is unknown', () => {
    expect(storageFitFromEstimate(100, null)).toBeNull();
    expect(storageFitFromEstimate(100, {})).toBeNull();
    expect(storageFitFromEstimate(100, { usage: 5, quota: 0 })).toBeNull();
  });

  it('assumes no usage when only the quota is known', () => {
    expect(storageFitFromEstimate(100, { quota: 1000 })).toEqual(storageFit({ sourceBytes: 100, usage: 0, quota: 1000 }));
  });
});
