/**
 * "Best Sellers Rank: #1,234 in Kitchen & Dining (See Top 100…) #5 in Rice Cookers". The rank row is
 * found by its bestseller links (language-independent). Each sub-category is the text of a
 * `zg_hrsr` link and its rank the number written next to it ("#5 in <a>", "<a> - 25位",
 * "Sıralama: 1 - Kategori: <a>"); the top-level rank is the number before the "See Top 100" link.
 */
import { isTag, isText, type AnyNode, type Element } from 'domhandler';
import { normalizeSpace, rawTextOf } from './dom-query.js';
import type { PageView } from './page-view.js';
import type { SalesRank } from './types.js';

/** Regions that hold the rank, old and new layouts. */
const RANK_REGION_IDS = ['SalesRank', 'productDetails_detailBullets_sections1', 'detailBulletsWrapper_feature_div', 'detailBullets_feature_div', 'productDetails_db_sections', 'prodDetails'];

/** The page's sales ranks, top-level category first; empty when not shown. */
export function readSalesRanks(view: PageView): SalesRank[] {
  for (const id of RANK_REGION_IDS) {
    for (const region of view.all(id)) {
      const row = id === 'SalesRank' ? region.element() : (region.locate('/gp/bestsellers/', ['tr', 'li']));
      if (!row) continue;
      const ranks = parseRanks(row);
      if (ranks.length > 0) return ranks;
    }
  }
  return [];
}

type Piece = { readonly text: string } | { readonly link: Element; readonly text: string; readonly kind: 'top' | 'sub' };

function parseRanks(row: Element): SalesRank[] {
  const pieces: Piece[] = [];
  flatten(row, pieces);
  const out: SalesRank[] = [];
  for (let i = 0; i < pieces.length && out.length < 10; i++) {
    const piece = pieces[i] as Piece;
    if (!('link' in piece)) continue;
    const before = textBetween(pieces, i, -1);
    if (piece.kind === 'top') {
      const top = topLevel(before.slice(before.lastIndexOf(')') + 1));
      if (top) out.push(top);
      continue;
    }
    // A ladder "Books > Food & Drink > Low Fat" is several links joined by separators: one entry.
    const names = [piece.text];
    let last = i;
    while (last + 2 < pieces.length) {
      const gap = pieces[last + 1] as Piece;
      const next = pieces[last + 2] as Piece;
      if ('link' in gap || !('link' in next) || next.kind !== 'sub' || !/^[\s>›»]*$/.test(gap.text) || !/[>›»]/.test(gap.text)) break;
      names.push(next.text);
      last += 2;
    }
    const rank = lastNumber(before) ?? firstNumber(textBetween(pieces, last, 1));
    const category = names.filter((n) => n).join(' > ');
    if (rank !== null && category) out.push({ rank, category });
    i = last;
  }
  return out;
}

/** Text runs and bestseller links in document order (iterative: rows can nest deeply). */
function flatten(root: AnyNode, out: Piece[]): void {
  const stack: [AnyNode, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [node, inLadder] = stack.pop() as [AnyNode, boolean];
    if (isText(node)) {
      out.push({ text: node.data });
      continue;
    }
    // Row labels ("Best Sellers Rank") sit in a header cell.
    if (!isTag(node) || node.name === 'script' || node.name === 'style' || node.name === 'th' || (node.attribs['class'] ?? '').includes('label')) continue;
    const href = node.attribs['href'] ?? '';
    if (node.name === 'a' && href.includes('/gp/bestsellers/')) {
      // Sub-category links carry a numeric browse node or sit in a ladder; "See Top 100" does neither.
      const browseNode = /\/gp\/bestsellers\/[^/?#]+(?:\/(\d+))?/.exec(href)?.[1];
      const top = !browseNode && !inLadder && (/_ts_|zg_ts/.test(href) || !/hrsr/.test(href));
      out.push({ link: node, text: normalizeSpace(textOfLink(node)), kind: top ? 'top' : 'sub' });
      continue;
    }
    const ladder = inLadder || (node.attribs['class'] ?? '').includes('zg_hrsr');
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i] as AnyNode, ladder]);
  }
}

function textOfLink(a: Element): string {
  return rawTextOf(a);
}

/** Plain text from piece `i` to the next link in `direction`. */
function textBetween(pieces: readonly Piece[], i: number, direction: 1 | -1): string {
  let s = '';
  for (let j = i + direction; j >= 0 && j < pieces.length; j += direction) {
    const p = pieces[j] as Piece;
    if ('link' in p) break;
    s = direction === 1 ? s + p.text : p.text + s;
  }
  return normalizeSpace(s);
}

const NUMBER = /\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+/g;

function numbers(text: string): { value: number; index: number; length: number }[] {
  return [...text.matchAll(NUMBER)].map((m) => ({ value: Number(m[0].replace(/\D/g, '')), index: m.index, length: m[0].length }));
}

function lastNumber(text: string): number | null {
  const all = numbers(text);
  return all.length > 0 ? (all[all.length - 1] as { value: number }).value : null;
}

function firstNumber(text: string): number | null {
  return numbers(text)[0]?.value ?? null;
}

/** "#60 in Kitchen & Dining (" or "ドラッグストア - 6,125位 (" → rank and category. */
function topLevel(segment: string): SalesRank | null {
  let text = segment.replace(/\($/, '').trim();
  const colon = text.search(/[:：]/);
  if (colon >= 0 && colon < 80) text = text.slice(colon + 1).trim();
  const first = numbers(text)[0];
  if (!first || first.value === 0) return null;
  const after = text
    .slice(first.index + first.length)
    .replace(/^\s*(?:位|in der|in|en|dans|em|w|i|på|op|di|de)\b\s*/i, '')
    .replace(/^位/, '')
    .replace(/[\s(]+$/, '')
    .trim();
  const before = text
    .slice(0, first.index)
    .replace(/(?:#|nº|n\.\s?º|n\.\s?°|nr\.|no\.)\s*$/i, '')
    .replace(/[\s\-–:|]+$/, '')
    .trim();
  const category = /^\p{L}/u.test(after) ? after : before;
  return category ? { rank: first.value, category } : null;
}
