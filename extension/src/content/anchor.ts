/**
 * Where the price box goes on a product page: right under the buy box, whichever generation of the
 * page this is; else into the right column; else under the centre column's price block or the
 * column itself; else under the title. Null when the page has none of these (then nothing is shown).
 */

/** An element and how the box joins it. */
export interface Placement {
  readonly target: Element;
  readonly how: 'after' | 'append';
}

const CANDIDATES: readonly [selector: string, how: Placement['how']][] = [
  ['#desktop_buybox', 'after'],
  ['#buybox_feature_div', 'after'],
  ['#buybox', 'after'],
  ['#rightCol', 'append'],
  ['#apex_desktop', 'after'],
  ['#centerCol', 'after'],
  ['#title_feature_div', 'after'],
  ['#title', 'after'],
  ['#productTitle', 'after'],
];

/** The first placement the page offers. */
export function findPlacement(doc: Document): Placement | null {
  for (const [selector, how] of CANDIDATES) {
    const target = doc.querySelector(selector);
    if (target?.parentElement) return { target, how };
  }
  return null;
}

/** Puts `host` at the placement. */
export function place(host: Element, placement: Placement): void {
  if (placement.how === 'after') placement.target.after(host);
  else placement.target.append(host);
}
