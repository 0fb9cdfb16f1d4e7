import { describe, expect, test } from 'vitest';
import { findIdentifiers, findVerbatimSpans, shingles, stripIdentifiers } from '../../../src/core/stages';

describe('stripIdentifiers', () => {
  test('replaces e-mails, URLs, handles and phone numbers, counting each', () => {
    const r = stripIdentifiers(
      'Mail me at jane.doe+blog@example.co.uk or see https://jane.example.com/about and www.foo.org, ping @jane_d, call +1 (555) 123-4567.',
    );
    expect(r.text).toBe('Mail me at [email] or see [link] and [link], ping [handle], call [phone].');
    expect(r.counts).toEqual({ email: 1, url: 2, handle: 1, phone: 1 });
  });
  test('leaves years, scores and ordinary text alone', () => {
    const t = 'In 2003 we won 3-2 at 10:30 and it cost $25. Email is overrated @ work. From 2003-2004, on 20.11.2003 and 2004-01-15.';
    expect(stripIdentifiers(t)).toEqual({ text: t, counts: { email: 0, url: 0, handle: 0, phone: 0 } });
  });
  test('bare domains count as links', () => {
    expect(stripIdentifiers('my blog is myblog.com now').text).toBe('my blog is [link] now');
  });
  test('findIdentifiers reports what leaked', () => {
    expect(findIdentifiers('Reach her at a@b.io or @someone').map((f) => f.kind).sort()).toEqual(['email', 'handle']);
    expect(findIdentifiers('She writes about her garden.')).toEqual([]);
  });
});

describe('verbatim spans', () => {
  const post = 'Yesterday I finally fixed the old bicycle that my grandfather gave me when I was ten years old.';
  test('a copied run of 8+ words is one maximal span', () => {
    const persona = 'He notes that he finally fixed the old bicycle that my grandfather gave me, which matters to him.';
    const spans = findVerbatimSpans(persona, [post]);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.text).toBe('finally fixed the old bicycle that my grandfather gave me');
    expect(spans[0]!.words).toBe(10);
  });
  test('7 copied words are not flagged; case and curly apostrophes are ignored', () => {
    expect(findVerbatimSpans('He fixed the old bicycle that my grandfather once owned.', [post])).toEqual([]);
    const spans = findVerbatimSpans("I’M GOING TO THE STORE WITH MY BEST FRIEND TODAY", ["i'm going to the store with my best friend"]);
    expect(spans[0]?.words).toBe(9);
  });
  test('two separate copies are two spans; shingles can be reused', () => {
    const set = shingles([post, 'we walked along the river until the sun went down over the hills']);
    const persona = 'the old bicycle that my grandfather gave me when I. Then: walked along the river until the sun went down.';
    expect(findVerbatimSpans(persona, set).map((s) => s.words)).toEqual([10, 9]);
  });
});
