// The report page and its SVG sanitiser in Node: hostile SVG loses every script, handler and
// external reference (named cases and fast-check over random markup), hostile data is escaped
// everywhere, the page has no script and a CSP that forbids fetching anything.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, manifestSummary, reportHtml, sanitizeSvg } from '../../../src/core/report';
import { storedMetrics } from '../../../src/pipeline/results/metrics';
import { HOSTILE, demoRun, hostileRun } from '../export/fixtures';

const SVG_TAGS = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc', 'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop', 'marker', 'pattern', 'mask', 'symbol', 'style']);
const PAGE_TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'section', 'h1', 'h2', 'h3', 'p', 'ul', 'li', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'figcaption', 'div', ...SVG_TAGS]);

/** Every tag name and attribute name in markup (a lexical check; the browser test parses it for real). */
function tagsAndAttrs(html: string): { tags: string[]; attrs: string[] } {
  const tags: string[] = [];
  const attrs: string[] = [];
  for (const m of html.matchAll(/<\/?([A-Za-z][A-Za-z0-9:_-]*)([^>]*)>/g)) {
    tags.push(m[1]!);
    for (const a of m[2]!.matchAll(/\s([^\s=/>]+)(?:="[^"]*")?/g)) attrs.push(a[1]!);
  }
  return { tags, attrs };
}

describe('sanitizeSvg', () => {
  it('keeps an Observable-Plot-like figure intact', () => {
    const plot =
      '<svg class="plot-x" fill="currentColor" font-family="system-ui, sans-serif" font-size="10" text-anchor="middle" width="640" height="120" viewBox="0 0 640 120" xmlns="http://www.w3.org/2000/svg">' +
      '<style>:where(.plot-x) { --plot-background: white; display: block; } .plot-x text { white-space: pre; }</style>' +
      '<g aria-label="y-axis tick" fill="none" stroke="currentColor" transform="translate(40,0)"><path transform="translate(0,10)" d="M0,0L-6,0"/></g>' +
      '<g aria-label="rect" clip-path="url(#c1)"><rect x="41" width="5" y="3" height="20" fill-opacity="0.5"/></g>' +
      '<text y="0.71em" dy="-1em">a &amp; b &lt; c</text></svg>';
    const out = sanitizeSvg(plot);
    expect(out.removed).toEqual([]);
    expect(out.svg).toContain('<path transform="translate(0,10)" d="M0,0L-6,0"/>');
    expect(out.svg).toContain('clip-path="url(#c1)"');
    expect(out.svg).toContain('<style>:where(.plot-x)');
    expect(out.svg).toContain('a &amp; b &lt; c');
    // Sanitising twice changes nothing.
    expect(sanitizeSvg(out.svg).svg).toBe(out.svg);
  });

  const HOSTILE_SVG: Array<[string, RegExp]> = [
    ['<svg><script>alert(1)</script><rect/></svg>', /script|alert/i],
    ['<svg onload="alert(1)"><rect onclick="x()" width="1"/></svg>', /onload|onclick|alert/i],
    ['<svg/onload=alert(1)>', /onload|alert/i],
    ['<svg><a href="javascript:alert(1)"><text>x</text></a></svg>', /javascript|href|<a/i],
    ['<svg><use xlink:href="http://evil.example/x.svg#a"/></svg>', /evil|use|href/i],
    ['<svg><image href="https://evil.example/t.png"/></svg>', /evil|image/i],
    ['<svg><foreignObject><iframe src="x"></iframe><div onclick=1>x</div></foreignObject></svg>', /iframe|div|foreign|onclick/i],
    ['<svg><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="href" values="javascript:1"/></svg>', /set|animate|javascript/i],
    ['<svg><style>@import url("https://evil.example/x.css"); rect{fill:url(http://evil.example/p)}</style></svg>', /evil|import/i],
    ['<svg><rect style="background:url(https://evil.example/p)" fill="url(https://evil.example/#g)"/></svg>', /evil/i],
    ['<svg><rect fill="&#106;avascript:alert(1)"/></svg>', /javascript|alert/i],
    ['<svg><text><![CDATA[</text><script>alert(1)</script>]]></text></svg>', /<script/i],
    ['<svg><SCRIPT>alert(1)</SCRIPT><ScRiPt src=x></ScRiPt></svg>', /script/i],
    ['<svg><!--><script>alert(1)</script>--></svg>', /<script/i],
    ['<svg><text>"><img src=x onerror=alert(1)></text></svg>', /<img|onerror=/i],
    ['<svg><style></style><script>alert(1)</script><style></style></svg>', /<script/i],
    ['<svg><title><\/title><script>alert(1)</script></title></svg>', /<script/i],
  ];
  for (const [svg, forbidden] of HOSTILE_SVG) {
    it(`removes the danger from ${svg.slice(0, 60)}`, () => {
      const out = sanitizeSvg(svg).svg;
      expect(out).not.toMatch(forbidden);
      const { tags, attrs } = tagsAndAttrs(out);
      for (const t of tags) expect(SVG_TAGS).toContain(t);
      for (const a of attrs) expect(a).not.toMatch(/^on|href/i);
    });
  }

  it('random markup never yields a tag or attribute outside the allowlist (fast-check)', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('<', '>', '"', "'", '=', '/', '<!--', '-->', '<![CDATA[', ']]>', '&#106;', '&lt;', '<svg>', '</svg>', '<script>', '</script>', '<style>', '</style>', ' onload=', ' href=', 'javascript:', 'url(', '<text>', '<a ', '<g ', '<rect '),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const out = sanitizeSvg(`<svg>${parts.join('')}</svg>`).svg;
        const { tags, attrs } = tagsAndAttrs(out);
        for (const t of tags) expect(SVG_TAGS).toContain(t);
        for (const a of attrs) expect(a).not.toMatch(/^on|href/i);
        expect(out).not.toMatch(/<script|="[^"]*javascript:/i); // as text, "javascript:" is harmless
      }),
      { numRuns: 500 },
    );
  });

  it('a large SVG is handled in linear time', () => {
    const big = `<svg>${'<rect x="1" width="2" height="3"/>'.repeat(100_000)}</svg>`;
    const t0 = performance.now();
    expect(sanitizeSvg(big).svg.length).toBeGreaterThan(big.length / 2);
    expect(performance.now() - t0).toBeLessThan(10_000); // a hang guard, not a benchmark
  });
});

describe('reportHtml', () => {
  it('a real run: the manifest summary, every metrics row and the figures, no script, a strict CSP', async () => {
    const run = await demoRun('nearest', 40);
    const m = storedMetrics(run.result!);
    const metrics = { caption: `Metrics (${m.unit})`, columns: ['Metric', 'Raw pool', 'Random', 'Selected', 'Floor'], rows: m.rows.map((r) => [r.label, r.pool, r.random, r.methods.selected?.value, r.floor]) };
    const html = reportHtml({ title: run.title, manifest: run.result!.manifest, metrics, figures: [{ title: 'Energy', svg: '<svg viewBox="0 0 10 10"><rect width="5" height="5"/></svg>', table: { columns: ['set', 'energy'], rows: [['pool', 0.5]] } }], generatedAt: new Date(0) });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`);
    expect(html).not.toMatch(/<script/i);
    for (const r of m.rows) expect(html).toContain(escapeHtml(r.label));
    const summary = manifestSummary(run.result!.manifest);
    expect(summary.find((r) => r[0] === 'Method')![1]).toBe('nearest');
    expect(summary.find((r) => r[0] === 'Selection SHA-256')![1]).toMatch(/^[0-9a-f]{64}$/);
    expect(html).toContain('<rect width="5" height="5"/>');
    expect(html).toContain('@media print');
  });

  it('hostile title, manifest, metrics, figure titles and tables stay text', () => {
    const run = hostileRun();
    const rows = HOSTILE.map((h, i) => [h, i, `${h} again`]);
    const html = reportHtml({
      title: run.title,
      manifest: run.result!.manifest,
      metrics: { caption: HOSTILE[1], columns: [HOSTILE[0], 'n', HOSTILE[2]], rows },
      figures: HOSTILE.map((h) => ({ title: h, caption: h, svg: `<svg><text>${escapeHtml(h)}</text><script>${h}</script></svg>`, table: { columns: [h], rows: [[h]] } })),
      notes: [...HOSTILE],
    });
    const { tags, attrs } = tagsAndAttrs(html.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>'));
    for (const t of tags) expect(PAGE_TAGS).toContain(t.toLowerCase() === 'html' ? 'html' : t);
    for (const a of attrs) expect(a).not.toMatch(/^on|href|src/i);
    expect(html).not.toMatch(/<script|<img|<a /i); // no URL-bearing attribute exists at all (checked above)
    for (const h of HOSTILE) expect(html).toContain(escapeHtml(h));
    // RTL override and zero-width characters are kept as characters, inside isolated blocks.
    expect(html).toContain('\u202E');
    expect(html).toContain('\u200B');
    expect(html).toContain('unicode-bidi: isolate');
  });
});
