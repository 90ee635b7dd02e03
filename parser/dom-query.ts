/**
 * Small, fast queries over domhandler trees (the DOM htmlparser2 and cheerio build). The extraction
 * code uses only these, so it runs unchanged on a parsed region and on a whole-page DOM.
 */
import { isDocument, isTag, isText, type AnyNode, type Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

/** Tags whose text is never visible page text. */
const NON_TEXT = new Set(['script', 'style', 'noscript', 'template']);

/** True for element nodes (tags, scripts, styles). */
export function isElement(node: AnyNode): node is Element {
  return isTag(node);
}

/** Parses a fragment of HTML and returns its first element (null when it has none). */
export function parseFragment(html: string): Element | null {
  const doc = parseDocument(html, { decodeEntities: true });
  for (const child of doc.children) if (isElement(child)) return child;
  return null;
}

/** The element's class list contains `name`. */
export function hasClass(el: Element, name: string): boolean {
  const cls = el.attribs['class'];
  if (!cls) return false;
  const i = cls.indexOf(name);
  if (i < 0) return false;
  // Word boundaries: class lists are space separated.
  const before = i === 0 || cls.charCodeAt(i - 1) <= 32;
  const afterIdx = i + name.length;
  const after = afterIdx === cls.length || cls.charCodeAt(afterIdx) <= 32;
  return (before && after) || cls.split(/\s+/).includes(name);
}

/** Depth-first, document order: every descendant element of `root` for which `pred` holds. */
export function findAll(root: Element, pred: (el: Element) => boolean, limit = Infinity): Element[] {
  const out: Element[] = [];
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop() as AnyNode;
    if (!isElement(node)) continue;
    if (pred(node)) out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
  }
  return out;
}

/** The first descendant for which `pred` holds, or null. */
export function findFirst(root: Element, pred: (el: Element) => boolean): Element | null {
  return findAll(root, pred, 1)[0] ?? null;
}

/** Descendants carrying class `name`. */
export function byClass(root: Element, name: string): Element[] {
  return findAll(root, (el) => hasClass(el, name));
}

/** The first descendant with id `id` (or `root` itself). */
export function byId(root: Element, id: string): Element | null {
  if (root.attribs['id'] === id) return root;
  return findFirst(root, (el) => el.attribs['id'] === id);
}

/** Descendants with tag `name`. */
export function byTag(root: Element, name: string): Element[] {
  return findAll(root, (el) => el.name === name);
}

/** The nearest ancestor (or `el` itself) for which `pred` holds, stopping below `stop`. */
export function closest(el: Element, pred: (el: Element) => boolean, stop?: Element): Element | null {
  let node: Element | null = el;
  while (node && node !== stop) {
    if (pred(node)) return node;
    const parent: AnyNode | null = node.parent;
    node = parent && isElement(parent) ? parent : null;
  }
  return null;
}

/** Visible text of `node`, whitespace collapsed and trimmed; scripts, styles and templates skipped. */
export function textOf(node: AnyNode | null | undefined): string {
  if (!node) return '';
  return normalizeSpace(collectText(node, true));
}

/**
 * Concatenated text under `node` without recursion (pages can nest thousands deep). With
 * `spaced`, element boundaries become spaces so "Price:<span>$5</span>" still separates words.
 */
function collectText(root: AnyNode, spaced: boolean): string {
  let out = '';
  const stack: (AnyNode | null)[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    if (node === null) {
      if (spaced) out += ' ';
      continue;
    }
    if (isText(node)) out += node.data;
    else if (isTag(node) || isDocument(node)) {
      if (isTag(node) && NON_TEXT.has(node.name)) continue;
      if (spaced) out += ' ';
      stack.push(null);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
    }
  }
  return out;
}

/** Collapses every run of whitespace (including NBSP and narrow NBSP) to one space and trims. */
export function normalizeSpace(text: string): string {
  return text.replace(/[\s\u00a0\u202f\u200b\u200e\u200f]+/g, ' ').trim();
}

/** Raw concatenated text without inserted spaces (for prices split into spans). */
export function rawTextOf(node: AnyNode | null | undefined): string {
  return node ? collectText(node, false) : '';
}
