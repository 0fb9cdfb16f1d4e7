/**
 * Sanitises an SVG string (a figure rendered by Observable Plot) for the report page, without a
 * DOM, so it runs in Node and workers: the markup is tokenised and REBUILT from an allowlist of
 * elements and attributes, every text and attribute value re-escaped. Nothing passes through
 * verbatim, so malformed or hostile input cannot smuggle markup out of a token.
 *
 * Dropped with their whole subtree: script, foreignObject, a, image, use, animate/set (SMIL can set
 * href), iframe and every element not on the list. Dropped attributes: on*, href/xlink:href,
 * anything not on the list, and any value holding javascript:, data:, @import, expression( or a
 * url() that is not a same-document url(#id). A <style> whose CSS holds such things, or "<", is
 * emptied. Comments, CDATA, processing instructions and doctypes are dropped.
 */
import { decodeEntities, escapeHtml } from './escape';

const ELEMENTS = new Set([
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc',
  'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop', 'marker', 'pattern', 'mask', 'symbol', 'style',
]);
const LOWER_ELEMENTS = new Map([...ELEMENTS].map((e) => [e.toLowerCase(), e]));

const ATTRIBUTES = new Set([
  'xmlns', 'version', 'id', 'class', 'style', 'role', 'aria-label', 'aria-hidden', 'aria-description', 'aria-roledescription',
  'width', 'height', 'viewBox', 'preserveAspectRatio', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'dx', 'dy',
  'd', 'points', 'transform', 'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap',
  'stroke-linejoin', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-miterlimit', 'opacity', 'color', 'paint-order',
  'vector-effect', 'shape-rendering', 'text-rendering', 'clip-path', 'clip-rule', 'mask', 'marker-start', 'marker-mid', 'marker-end',
  'font-family', 'font-size', 'font-weight', 'font-style', 'font-variant', 'text-anchor', 'dominant-baseline', 'alignment-baseline',
  'baseline-shift', 'letter-spacing', 'text-decoration', 'writing-mode', 'visibility', 'display', 'offset', 'stop-color',
  'stop-opacity', 'gradientUnits', 'gradientTransform', 'spreadMethod', 'fx', 'fy', 'markerWidth', 'markerHeight', 'markerUnits',
  'refX', 'refY', 'orient', 'patternUnits', 'patternContentUnits', 'patternTransform', 'clipPathUnits', 'maskUnits', 'maskContentUnits',
  'textLength', 'lengthAdjust', 'rotate',
]);
const LOWER_ATTRIBUTES = new Map([...ATTRIBUTES].map((a) => [a.toLowerCase(), a]));

const UNSAFE_VALUE = /javascript:|vbscript:|data:|@import|expression\s*\(|behavior\s*:|-moz-binding|<|url\s*\(\s*['"]?\s*(?!#)/i;

export interface SanitizeResult {
  svg: string;
  /** What was removed, for the report's notes and tests (e.g. "element script", "attribute onload"). */
  removed: string[];
}

/** Largest SVG accepted (characters); a larger one is replaced by an empty string. */
export const MAX_SVG_CHARS = 20_000_000;

export function sanitizeSvg(input: string): SanitizeResult {
  const removed: string[] = [];
  if (input.length > MAX_SVG_CHARS) return { svg: '', removed: [`svg of ${input.length} characters (limit ${MAX_SVG_CHARS})`] };
  const out: string[] = [];
  const stack: string[] = [];
  /** Depth inside a dropped subtree (0 = keeping). */
  let skip = 0;
  let sawRoot = false;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const lt = input.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      if (skip === 0 && stack.length > 0) {
        const text = decodeEntities(input.slice(i, textEnd));
        out.push(stack.at(-1) === 'style' ? safeCss(text, removed) : escapeHtml(text));
      }
      i = textEnd;
      continue;
    }
    // At '<'.
    if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (input.startsWith('<![CDATA[', i)) {
      const end = input.indexOf(']]>', i + 9);
      const text = input.slice(i + 9, end === -1 ? n : end);
      if (skip === 0 && stack.length > 0) out.push(stack.at(-1) === 'style' ? safeCss(text, removed) : escapeHtml(text));
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (input.startsWith('<?', i) || input.startsWith('<!', i)) {
      const end = input.indexOf('>', i + 2);
      i = end === -1 ? n : end + 1;
      continue;
    }
    const tag = readTag(input, i);
    if (!tag) {
      // A lone '<' that starts no tag: it is text.
      if (skip === 0 && stack.length > 0) out.push('&lt;');
      i++;
      continue;
    }
    i = tag.end;
    if (tag.closing) {
      if (skip > 0) {
        skip--;
        continue;
      }
      const name = LOWER_ELEMENTS.get(tag.name.toLowerCase());
      const at = name === undefined ? -1 : stack.lastIndexOf(name);
      if (at === -1) continue; // stray end tag
      while (stack.length > at) out.push(`</${stack.pop()!}>`);
      continue;
    }
    if (skip > 0) {
      if (!tag.selfClosing) skip++;
      continue;
    }
    const name = LOWER_ELEMENTS.get(tag.name.toLowerCase());
    if (name === undefined || (!sawRoot && name !== 'svg') || (stack.length === 0 && sawRoot)) {
      removed.push(`element ${tag.name}`);
      if (!tag.selfClosing) skip = 1;
      continue;
    }
    sawRoot = true;
    const attrs: string[] = [];
    for (const [rawName, rawValue] of tag.attrs) {
      const an = LOWER_ATTRIBUTES.get(rawName.toLowerCase());
      const value = decodeEntities(rawValue);
      if (an === undefined || UNSAFE_VALUE.test(value)) {
        removed.push(`attribute ${rawName}`);
        continue;
      }
      if (an === 'xmlns' && value !== 'http://www.w3.org/2000/svg') continue;
      attrs.push(` ${an}="${escapeHtml(value)}"`);
    }
    out.push(`<${name}${attrs.join('')}${tag.selfClosing ? '/>' : '>'}`);
    if (!tag.selfClosing) stack.push(name);
  }
  while (stack.length > 0) out.push(`</${stack.pop()!}>`);
  return { svg: out.join(''), removed };
}

function safeCss(css: string, removed: string[]): string {
  if (UNSAFE_VALUE.test(css)) {
    removed.push('style sheet with unsafe content');
    return '';
  }
  return escapeHtml(css);
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attrs: Array<[string, string]>;
  end: number;
}

/** Reads a start or end tag at `s[i] === '<'`; undefined when it is not one. */
function readTag(s: string, i: number): Tag | undefined {
  let j = i + 1;
  const closing = s[j] === '/';
  if (closing) j++;
  const nameMatch = match(TAG_NAME, s, j);
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  j += name.length;
  const attrs: Array<[string, string]> = [];
  const n = s.length;
  for (;;) {
    while (j < n && /\s/.test(s[j]!)) j++;
    if (j >= n) return { name, closing, selfClosing: false, attrs, end: n };
    if (s[j] === '>') return { name, closing, selfClosing: false, attrs, end: j + 1 };
    if (s[j] === '/' && s[j + 1] === '>') return { name, closing, selfClosing: true, attrs, end: j + 2 };
    if (s[j] === '/') {
      j++;
      continue;
    }
    const an = match(ATTR_NAME, s, j);
    if (!an) {
      j++; // a stray quote or '=': skip it
      continue;
    }
    j += an[0].length;
    while (j < n && /\s/.test(s[j]!)) j++;
    let value = '';
    if (s[j] === '=') {
      j++;
      while (j < n && /\s/.test(s[j]!)) j++;
      const q = s[j];
      if (q === '"' || q === "'") {
        const end = s.indexOf(q, j + 1);
        value = s.slice(j + 1, end === -1 ? n : end);
        j = end === -1 ? n : end + 1;
      } else {
        value = match(UNQUOTED, s, j)?.[0] ?? '';
        j += value.length;
      }
    }
    attrs.push([an[0], value]);
  }
}

// Sticky regexes matched in place: no slicing of a large input per token.
const TAG_NAME = /[A-Za-z][A-Za-z0-9:_.-]*/y;
const ATTR_NAME = /[^\s=/>"']+/y;
const UNQUOTED = /[^\s>]*/y;

function match(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}
