/**
 * "2 new from $8.99", "15 Used from £5.28", "Nuevos (2) desde 1.679,00 €", "4 offers from
 * 237,097.00", "55,90 TL başlangıç fiyatıyla 2 adet yeni ürün": the offer-listing links of a product
 * page, each read into a condition, a count and the lowest price.
 *
 * The condition comes from the link itself where Amazon puts it there (`condition=used`,
 * `olp-used`), else from the words of the link.
 */
import type { Element } from 'domhandler';
import type { Condition } from '../contracts/index.js';
import type { Marketplace } from '../config/index.js';
import { closest, findAll, findFirst, hasClass, textOf } from './dom-query.js';
import { conditionIn } from './lexicon.js';
import { moneyTokens, readAPrice, readPriceElement } from './money.js';
import type { PageView } from './page-view.js';
import type { OfferSummary } from './types.js';

/** Regions that hold offer-listing links about this product (not about other formats or products). */
const SUMMARY_IDS = ['olp_feature_div', 'olpLinkWidget_feature_div', 'mbc-olp-link', 'unqualifiedBuyBox', 'olp-upd-new', 'olp-upd-new-used', 'usedItemsOnly_feature_div'];

const CONDITION_PARAM: Readonly<Record<string, Condition>> = {
  new: 'new',
  used: 'used',
  refurbished: 'refurbished',
  renewed: 'refurbished',
  collectible: 'collectible',
};

/** Every offer summary on the page, duplicates removed. */
export function readOfferSummaries(view: PageView, mk: Marketplace): OfferSummary[] {
  const roots: Element[] = [];
  for (const id of SUMMARY_IDS) {
    for (const region of view.all(id)) {
      const el = region.element();
      if (el) roots.push(el);
    }
  }
  // Media pages: only the selected format's swatch speaks about this ASIN.
  const tmm = view.first('tmmSwatches')?.element();
  if (tmm) roots.push(...findAll(tmm, (el) => hasClass(el, 'swatchElement') && hasClass(el, 'selected')));

  const seen = new Set<string>();
  const out: OfferSummary[] = [];
  for (const root of roots) {
    for (const unit of summaryUnits(root, mk)) {
      const summary = readUnit(unit, mk);
      if (!summary) continue;
      const key = `${summary.condition}|${summary.count}|${summary.fromPrice}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(summary);
    }
  }
  return out;
}

/** The elements that each carry one summary: an offer-listing link, or its parent when the price sits beside it. */
function summaryUnits(root: Element, mk: Marketplace): Element[] {
  const links = findAll(root, (el) => el.name === 'a' && isListingLink(el));
  if (links.length === 0) return root.name === 'span' ? [root] : [];
  const units: Element[] = [];
  for (const link of links) {
    // "2 new" links leave the price beside them: then the parent carries the whole summary.
    const unit = moneyTokens(textOf(link), mk).length >= 2 ? link : ((link.parent as Element | null) ?? link);
    if (!units.includes(unit)) units.push(unit);
  }
  return units;
}

function isListingLink(a: Element): boolean {
  const href = a.attribs['href'] ?? '';
  if (/offer-listing|[?&]condition=|_olp_|olp_|aod/i.test(href)) return true;
  return closest(a, (el) => (el.attribs['data-action'] ?? '').includes('all-offers-display')) !== null;
}

function readUnit(unit: Element, mk: Marketplace): OfferSummary | null {
  const text = textOf(unit);
  if (!/\d/.test(text)) return null;
  const condition = conditionOf(unit, text);
  const tokens = moneyTokens(text, mk).map((t) => ({ ...t, printed: text.slice(t.index, t.index + t.length) }));
  // The price: a marked price element if there is one, else the number that looks like money.
  const priceEl = findFirst(unit, (el) => hasClass(el, 'a-price') || hasClass(el, 'a-color-price'));
  let fromPrice: number | null = priceEl ? (hasClass(priceEl, 'a-price') ? readAPrice(priceEl, mk) : priceIn(priceEl, mk)) : null;
  let priceToken = fromPrice !== null ? tokens.find((t) => t.minor === fromPrice) : undefined;
  if (fromPrice === null) {
    const money = tokens.filter((t) => /[.,]\d{1,2}$/.test(t.printed) || /[.,\s]\d{3}$/.test(t.printed) || nearCurrency(text, t.index, t.length, mk));
    priceToken = money[money.length - 1] ?? (tokens.length > 1 ? tokens[tokens.length - 1] : undefined);
    fromPrice = priceToken ? priceToken.minor : null;
  }
  const countToken = tokens.find((t) => t !== priceToken && /^\d{1,5}$/.test(t.printed));
  const count = countToken ? Number(countToken.printed) : null;
  if (fromPrice === null && count === null) return null;
  return { condition, count, fromPrice };
}

function priceIn(el: Element, mk: Marketplace): number | null {
  const reading = readPriceElement(el, mk);
  return reading.kind === 'price' ? reading.minor : null;
}

/** The words of the summary first ("15 Renewed" under a `condition=new` link is renewed), then the link's own markers. */
function conditionOf(unit: Element, text: string): Condition | 'any' {
  const words = conditionIn(text);
  if (words === 'mixed') return 'any';
  if (words) return words;
  for (const a of [unit, ...findAll(unit, (el) => el.name === 'a')]) {
    const param = /[?&]condition=([a-z]+)/i.exec(a.attribs['href'] ?? '')?.[1]?.toLowerCase();
    if (param && CONDITION_PARAM[param]) return CONDITION_PARAM[param];
  }
  const classed = closest(unit, (el) => /\bolp-(new|used|refurbished|collectible)\b/.test(el.attribs['class'] ?? ''));
  const cls = classed ? /\bolp-(new|used|refurbished|collectible)\b/.exec(classed.attribs['class'] ?? '')?.[1] : undefined;
  return cls && CONDITION_PARAM[cls] ? CONDITION_PARAM[cls] : 'any';
}

function nearCurrency(text: string, index: number, length: number, mk: Marketplace): boolean {
  const around = text.slice(Math.max(0, index - 5), index + length + 5);
  return around.includes(mk.currencySymbol) || around.includes(mk.currency) || /[$£€¥￥₹₺]/.test(around);
}
