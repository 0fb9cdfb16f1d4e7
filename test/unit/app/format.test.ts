import { describe, expect, it } from 'vitest';
import {
  dateSpanDays,
  formatBinaryBytes,
  formatBytes,
  formatCount,
  formatDateSpan,
  formatDuration,
  formatRate,
  formatUsage,
  percent,
  summariseLimits,
} from '../../../src/core/format';

describe('formatBytes', () => {
  it('uses decimal units and rolls over at 1000', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 KB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(812e9)).toBe('812.0 GB');
  });
  it('says — for nonsense', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatBinaryBytes', () => {
  it('prints powers of two exactly', () => {
    expect(formatBinaryBytes(134_217_728)).toBe('128 MiB');
    expect(formatBinaryBytes(16_384)).toBe('16 KiB');
    expect(formatBinaryBytes(1_073_741_824)).toBe('1 GiB');
    expect(formatBinaryBytes(4_294_967_292)).toBe('4.0 GiB');
  });
});

describe('formatCount', () => {
  it('groups thousands without depending on the locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(19_320)).toBe('19,320');
    expect(formatCount(681_288)).toBe('681,288');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(formatCount(Infinity)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('picks a readable unit', () => {
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 05 min');
  });
});

describe('formatRate and percent', () => {
  it('gives MB/s', () => {
    expect(formatRate(5e6, 2000)).toBe('2.5 MB/s');
    expect(formatRate(50e6, 1000)).toBe('50 MB/s');
    expect(formatRate(0, 1000)).toBe('—');
    expect(formatRate(10, 0)).toBe('—');
  });
  it('clamps percentages and knows when the total is unknown', () => {
    expect(percent(5, 10)).toBe(50);
    expect(percent(11, 10)).toBe(100);
    expect(percent(5, undefined)).toBeUndefined();
    expect(percent(5, 0)).toBeUndefined();
  });
});

describe('dates', () => {
  it('formats spans', () => {
    expect(formatDateSpan('2004-01-01', '2004-03-01')).toBe('2004-01-01 – 2004-03-01');
    expect(formatDateSpan('2004-01-01', '2004-01-01')).toBe('2004-01-01');
    expect(formatDateSpan(null, null)).toBe('—');
  });
  it('counts days', () => {
    expect(dateSpanDays('2004-01-01', '2004-01-31')).toBe(30);
    expect(dateSpanDays(null, '2004-01-31')).toBe(0);
    expect(dateSpanDays('garbage', '2004-01-31')).toBe(0);
  });
});

describe('summariseLimits', () => {
  it('keeps the key limits in order, formats sizes in binary units and flags above-default ones', () => {
    const rows = summariseLimits({
      maxComputeInvocationsPerWorkgroup: 256,
      maxStorageBufferBindingSize: 1_073_741_824,
      maxComputeWorkgroupStorageSize: 32_768,
      maxBufferSize: 268_435_456,
      maxComputeWorkgroupsPerDimension: 65_535,
      maxTextureDimension2D: 8192,
    });
    expect(rows.map((r) => r.name)).toEqual([
      'maxStorageBufferBindingSize',
      'maxBufferSize',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
      'maxComputeWorkgroupsPerDimension',
    ]);
    expect(rows[0]).toMatchObject({ display: '1 GiB', aboveDefault: true });
    expect(rows[1]).toMatchObject({ display: '256 MiB', aboveDefault: false });
    expect(rows[2]).toMatchObject({ display: '32 KiB', aboveDefault: true });
    expect(rows[4]).toMatchObject({ display: '65,535', aboveDefault: false });
  });
  it('skips missing limits', () => {
    expect(summariseLimits({})).toEqual([]);
  });
});

describe('formatUsage', () => {
  it('shows used of quota with a percentage', () => {
    expect(formatUsage(12_300_000, 1_200_000_000)).toBe('12.3 MB of 1.2 GB (1%)');
    expect(formatUsage(1000, 1_200_000_000)).toBe('1.0 KB of 1.2 GB (<1%)');
    expect(formatUsage(undefined, 10)).toBe('unknown');
  });
});
