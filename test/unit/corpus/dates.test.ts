import { describe, expect, it } from 'vitest';
import { countWords, decodeEntities, parseAnyDate, parseBlogDate } from '../../../src/core/corpus';

describe('dates', () => {
  it('reads the blog form and rejects other languages and impossible days', () => {
    expect(parseBlogDate('31,May,2004')).toBe('2004-05-31');
    expect(parseBlogDate(' 1, january ,2001 ')).toBe('2001-01-01');
    expect(parseBlogDate('29,February,2004')).toBe('2004-02-29');
    expect(parseBlogDate('29,February,2003')).toBeNull();
    expect(parseBlogDate('12,Mai,2004')).toBeNull();
    expect(parseBlogDate('15,junio,2004')).toBeNull();
  });

  it('reads the common export forms', () => {
    expect(parseAnyDate('2021-03-04T10:00:00Z')).toBe('2021-03-04');
    expect(parseAnyDate('2021/3/4')).toBe('2021-03-04');
    expect(parseAnyDate('1539302400')).toBe('2018-10-12');
    expect(parseAnyDate('1539302400000')).toBe('2018-10-12');
    expect(parseAnyDate('Wed Oct 10 20:19:24 +0000 2018')).toBe('2018-10-10');
    expect(parseAnyDate('May 31, 2004')).toBe('2004-05-31');
    expect(parseAnyDate('Mon, 31 May 2004 10:00:00 GMT')).toBe('2004-05-31');
    expect(parseAnyDate('yesterday')).toBeNull();
    expect(parseAnyDate('')).toBeNull();
  });
});

describe('text helpers', () => {
  it('counts whitespace-separated words', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  one\ttwo\n\nthree\u00a0four ')).toBe(4);
  });
  it('decodes known entities only', () => {
    expect(decodeEntities('a &amp; b &lt;&gt; &#233;&#xE9; &nbsp;& &bogus; &#xD800;')).toBe('a & b <> éé \u00a0& &bogus; &#xD800;');
  });
});
