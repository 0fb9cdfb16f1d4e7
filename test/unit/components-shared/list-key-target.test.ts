import { describe, expect, test } from 'vitest';
import { listKeyTarget } from '../../../src/components/shared/virtual-focus';

describe('listKeyTarget', () => {
  test('arrows move by one, Page keys by the page, Home and End to the ends', () => {
    expect(listKeyTarget('ArrowDown', 4, 100)).toBe(5);
    expect(listKeyTarget('ArrowUp', 4, 100)).toBe(3);
    expect(listKeyTarget('PageDown', 4, 100)).toBe(14);
    expect(listKeyTarget('PageUp', 40, 100, 25)).toBe(15);
    expect(listKeyTarget('Home', 40, 100)).toBe(0);
    expect(listKeyTarget('End', 40, 100)).toBe(99);
  });

  test('clamped to the list at both ends, and from "no row" (-1) into the first', () => {
    expect(listKeyTarget('ArrowUp', 0, 5)).toBe(0);
    expect(listKeyTarget('ArrowDown', 4, 5)).toBe(4);
    expect(listKeyTarget('PageUp', 3, 5)).toBe(0);
    expect(listKeyTarget('PageDown', 3, 5)).toBe(4);
    expect(listKeyTarget('ArrowDown', -1, 5)).toBe(0);
  });

  test('other keys are left to the browser', () => {
    for (const key of ['Enter', ' ', 'Tab', 'a', 'ArrowLeft']) expect(listKeyTarget(key, 2, 5)).toBeUndefined();
  });
});
