/**
 * Low-level scanning of raw HTML without building a DOM: one pass that indexes every `id`
 * attribute, start-tag attribute reading, and the end of an element found by counting its own tag
 * name (skipping scripts, styles and comments). All loops are linear; no regex here can backtrack
 * more than a bounded number of characters.
 */
import { decodeHTMLAttribute } from 'entities';

/** Elements that never have content or an end tag. */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * Every `id="…"` in the page mapped to the offsets where it occurs (offset of the whitespace before
 * `id`). Scripts, styles and comments are skipped in the same pass, so ids inside script strings are
 * never indexed. An opener counts only where a real tag can start (after `>` and whitespace): Amazon
 * embeds whole HTML documents, escaped, inside attribute values, and their `<script>` must not hide
 * the real markup that follows.
 */
export function buildIdIndex(text: string): Map<string, number | number[]> {
  // Most ids occur once: a bare offset avoids an array per id (fewer allocations, less GC).
  const index = new Map<string, number | number[]>();
  const re = /\sid=["']([^"'<>\s]{1,160})["']|<script\b|<style\b|<!--/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const id = m[1];
    if (id !== undefined) {
      const seen = index.get(id);
      if (seen === undefined) index.set(id, m.index);
      else if (typeof seen === 'number') index.set(id, [seen, m.index]);
      else seen.push(m.index);
      continue;
    }
    if (!opensRealTag(text, m.index)) continue;
    const token = m[0];
    const close = token === '<!--' ? '-->' : token === '<script' ? '</script' : '</style';
    const end = text.indexOf(close, re.lastIndex);
    re.lastIndex = end < 0 ? text.length : end + close.length;
  }
  return index;
}

/** A `<` at `lt` starts markup when only whitespace separates it from the previous `>` (or the start). */
export function opensRealTag(text: string, lt: number): boolean {
  for (let i = lt - 1; i >= 0 && i > lt - 512; i--) {
    const c = text.charCodeAt(i);
    if (c === 62) return true; // '>'
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return lt === 0 || lt < 512;
}

/** An element located in the raw text. */
export interface ElementSpan {
  /** Offset of its `<`. */
  readonly start: number;
  /** Offset just after its start tag's `>`. */
  readonly openEnd: number;
  /** Lower-case tag name. */
  readonly tagName: string;
  /** The raw start tag text, `<div id="x" class="y">`. */
  readonly startTag: string;
}

/**
 * The element whose start tag holds the attribute at `attrOffset`, or null when the offset is not
 * inside a real start tag (script text, a comment, an attribute value).
 */
export function openElementAt(text: string, attrOffset: number): ElementSpan | null {
  const lt = text.lastIndexOf('<', attrOffset);
  // Start tags can be long: product images inline a base64 preview in their src.
  if (lt < 0 || attrOffset - lt > 262_144) return null;
  const gtBefore = text.lastIndexOf('>', attrOffset);
  if (gtBefore > lt) {
    // A '>' between '<' and the attribute is fine only inside a quoted value of the same tag.
    if (!quotedGreaterThan(text, lt, attrOffset)) return null;
  }
  const nameMatch = /^<([a-zA-Z][a-zA-Z0-9-]{0,30})[\s/>]/.exec(text.slice(lt, lt + 33));
  if (!nameMatch) return null;
  const openEnd = endOfStartTag(text, lt);
  if (openEnd < 0) return null;
  return { start: lt, openEnd, tagName: (nameMatch[1] as string).toLowerCase(), startTag: text.slice(lt, openEnd) };
}

/** True when every '>' between `from` and `to` sits inside a quoted attribute value. */
function quotedGreaterThan(text: string, from: number, to: number): boolean {
  let quote = '';
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return false;
  }
  return true;
}

/** Offset just after the start tag beginning at `lt`, honouring quoted values; -1 if unterminated. */
function endOfStartTag(text: string, lt: number): number {
  let quote = '';
  const limit = Math.min(text.length, lt + 65_536);
  for (let i = lt + 1; i < limit; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      // Quotes only open a value right after '='; elsewhere they are stray characters.
      if (text[i - 1] === '=' || (text[i - 1] === ' ' && text[i - 2] === '=')) quote = c;
    } else if (c === '>') return i + 1;
  }
  return -1;
}

const closeRegexCache = new Map<string, RegExp>();

/**
 * Elements whose end tag HTML lets authors omit, with the container tags around them: a sibling
 * opener or the container's end closes them.
 */
const OPTIONAL_END: Readonly<Record<string, readonly string[]>> = {
  li: ['ul', 'ol'],
  tr: ['table', 'tbody', 'thead', 'tfoot'],
  td: ['table', 'tr'],
  th: ['table', 'tr'],
  option: ['select', 'optgroup', 'datalist'],
  dd: ['dl'],
  dt: ['dl'],
};

function tagRegex(tagName: string): RegExp {
  let re = closeRegexCache.get(tagName);
  if (!re) {
    const containers = OPTIONAL_END[tagName] ?? [];
    const names = [tagName, ...containers, ...(tagName === 'td' || tagName === 'th' ? ['td', 'th'] : [])].join('|');
    re = new RegExp(`<(/?)(${names})(?=[\\s/>])|<script\\b|<style\\b|<!--`, 'gi');
    closeRegexCache.set(tagName, re);
  }
  return re;
}

/**
 * Offset just after the end of the element `span` opens, found by counting same-name tags (and, for
 * elements with optional end tags, their containers). A missing end (truncated page) gives
 * `min(text.length, span.start + maxBytes)`.
 */
export function elementEnd(text: string, span: ElementSpan, maxBytes: number): number {
  const cap = Math.min(text.length, span.start + maxBytes);
  if (VOID_ELEMENTS.has(span.tagName) || span.startTag.endsWith('/>')) return span.openEnd;
  if (span.tagName === 'script' || span.tagName === 'style') {
    const close = text.indexOf(`</${span.tagName}`, span.openEnd);
    return close < 0 || close > cap ? cap : skipPast(text, close, '>', cap);
  }
  const self = span.tagName;
  const containers = OPTIONAL_END[self];
  const cell = self === 'td' || self === 'th';
  const re = tagRegex(self);
  re.lastIndex = span.openEnd;
  let depth = 1;
  let containerDepth = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m.index < cap) {
    const token = m[0];
    if (token === '<!--') {
      re.lastIndex = skipPast(text, m.index + 4, '-->', cap);
      continue;
    }
    const name = m[2]?.toLowerCase();
    if (name === undefined) {
      // <script or <style: skip its raw text when it really opens an element.
      if (opensRealTag(text, m.index)) {
        const close = text.indexOf(`</${token.slice(1).toLowerCase()}`, re.lastIndex);
        re.lastIndex = close < 0 ? cap : close + 2;
      }
      continue;
    }
    const closing = m[1] === '/';
    const isSelf = name === self || (cell && (name === 'td' || name === 'th'));
    if (containers && !isSelf) {
      if (!closing) containerDepth++;
      else if (containerDepth > 0) containerDepth--;
      else return m.index; // the parent closed: so did we
      continue;
    }
    // Inside a nested container (a list in a list item) our own tag names belong to it.
    if (containers && containerDepth > 0) continue;
    if (closing) {
      depth--;
      if (depth === 0) return skipPast(text, m.index, '>', cap);
    } else if (containers && containerDepth === 0) {
      return m.index; // a sibling opens: we ended just before it
    } else {
      depth++;
    }
  }
  return cap;
}

function skipPast(text: string, from: number, needle: string, cap: number): number {
  const i = text.indexOf(needle, from);
  return i < 0 || i > cap ? cap : i + needle.length;
}

/** Attributes of a raw start tag, values entity-decoded. Names are lower-cased; the first wins. */
export function startTagAttributes(startTag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  re.lastIndex = startTag.indexOf(' ') < 0 ? startTag.length : startTag.indexOf(' ');
  let m: RegExpExecArray | null;
  while ((m = re.exec(startTag)) !== null) {
    const name = (m[1] as string).toLowerCase();
    if (attrs.has(name)) continue;
    const raw = m[2] ?? m[3] ?? m[4] ?? '';
    attrs.set(name, raw.includes('&') ? decodeHTMLAttribute(raw) : raw);
  }
  return attrs;
}
