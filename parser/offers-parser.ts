/**
 * Offers of one product from the two listings Amazon serves:
 * - the All Offers Display fragment (`/gp/aod/ajax?asin=…&pc=dp&pageno=N`): a pinned (featured) offer
 *   `#aod-pinned-offer` and `#aod-offer` rows, each with `#aod-offer-price` (`.a-price .a-offscreen`),
 *   `#aod-offer-heading` (condition), `#aod-offer-shipsFrom`, `#aod-offer-soldBy`, and the total in
 *   `#aod-total-offer-count`;
 * - the old full page `/gp/offer-listing/ASIN`: `.olpOffer` rows with `.olpOfferPrice`,
 *   `.olpShippingInfo`, `.olpCondition` and `.olpSellerName`.
 */
import type { Element } from 'domhandler';
import type { Condition } from '../contracts/index.js';
import type { Marketplace } from '../config/index.js';
import { byClass, byId, findAll, findFirst, hasClass, normalizeSpace, rawTextOf, textOf } from './dom-query.js';
import { conditionIn } from './lexicon.js';
import { readAPrice, readPriceElement, readPriceText } from './money.js';
import type { PageView } from './page-view.js';
import { sellerFromBlock, sellerKindFromName, sellerLink } from './seller.js';
import type { Offer } from './types.js';

/** Offers found and the total Amazon printed. */
export interface OfferListing {
  readonly offers: Offer[];
  readonly totalCount: number | null;
}

/** Reads an All Offers Display fragment. */
export function readAodOffers(view: PageView, mk: Marketplace): OfferListing {
  const offers: Offer[] = [];
  for (const region of view.all('aod-pinned-offer')) {
    const el = region.element();
    const offer = el ? readAodOffer(el, mk, true) : null;
    if (offer) offers.push(offer);
  }
  for (const region of view.all('aod-offer')) {
    const el = region.element();
    const offer = el ? readAodOffer(el, mk, false) : null;
    if (offer) offers.push(offer);
  }
  return { offers, totalCount: aodTotal(view) };
}

function aodTotal(view: PageView): number | null {
  const region = view.first('aod-total-offer-count');
  if (!region) return null;
  const value = region.attr('value') ?? textOf(region.element());
  const n = /\d+/.exec(value ?? '')?.[0];
  return n ? Number(n) : null;
}

function readAodOffer(el: Element, mk: Marketplace, pinned: boolean): Offer | null {
  const priceRoot = byId(el, 'aod-offer-price') ?? findFirst(el, (e) => (e.attribs['id'] ?? '').startsWith('aod-price-')) ?? el;
  const priceEl = findFirst(priceRoot, (e) => hasClass(e, 'a-price') && !hasClass(e, 'a-text-price') && e.attribs['data-a-strike'] !== 'true');
  const price = priceEl ? readAPrice(priceEl, mk) : null;
  if (price === null) return null;
  const heading = textOf(byId(el, 'aod-offer-heading'));
  const { condition, subCondition } = splitCondition(heading);
  const soldBy = byId(el, 'aod-offer-soldBy');
  const seller = soldBy ? sellerFromAodCell(soldBy) : { name: null, kind: 'unknown' as const, sellerId: null };
  return {
    price,
    shipping: aodShipping(el, mk),
    condition: condition ?? 'new',
    subCondition,
    sellerName: seller.name,
    sellerKind: seller.kind,
    sellerId: seller.sellerId,
    isBuyBox: pinned,
  };
}

/** "Sold by" cell of an AOD offer: a seller link, else the plain name (Amazon's own offers have no link). */
function sellerFromAodCell(cell: Element): { name: string | null; kind: Offer['sellerKind']; sellerId: string | null } {
  const link = sellerLink(cell);
  if (link) return sellerFromBlock(cell);
  const valueEl = findAll(cell, (e) => hasClass(e, 'a-color-base') || hasClass(e, 'a-size-small')).reverse().find((e) => textOf(e));
  const name = valueEl ? textOf(valueEl) : null;
  return { name, kind: sellerKindFromName(name), sellerId: null };
}

/** Delivery price of an AOD offer: the `data-csa-c-delivery-price` attribute, else a "+ $5.99 shipping" text. */
function aodShipping(el: Element, mk: Marketplace): number | null {
  const marked = findFirst(el, (e) => e.attribs['data-csa-c-delivery-price'] !== undefined);
  const value = marked?.attribs['data-csa-c-delivery-price'];
  if (value !== undefined) {
    if (!/\d/.test(value)) return /free|gratis|kostenlos|gratuit|無料|ücretsiz/i.test(value) ? 0 : null;
    return feeFromText(value, mk);
  }
  const delivery = byId(el, 'aod-offer-delivery') ?? findFirst(el, (e) => (e.attribs['id'] ?? '').startsWith('mir-layout-DELIVERY_BLOCK'));
  const text = textOf(delivery);
  if (!text) return null;
  const plus = /\+\s*([^\s].{0,20})/.exec(text);
  if (plus?.[1]) {
    const fee = feeFromText(plus[1], mk);
    if (fee !== null) return fee;
  }
  return /free|gratis|kostenlos|gratuit|無料|ücretsiz/i.test(text) ? 0 : null;
}

function feeFromText(text: string, mk: Marketplace): number | null {
  const reading = readPriceText(text, mk);
  return reading.kind === 'price' ? reading.minor : null;
}

/** "Used - Very Good" → used + "Very Good"; "New" → new. */
export function splitCondition(heading: string): { condition: Condition | null; subCondition: string | null } {
  const clean = normalizeSpace(heading);
  if (!clean) return { condition: null, subCondition: null };
  const dash = clean.search(/\s[-–—:]\s|\s[-–—]|[-–—]\s/);
  const head = dash >= 0 ? clean.slice(0, dash) : clean;
  const tail = dash >= 0 ? clean.slice(dash).replace(/^[\s\-–—:]+/, '').trim() : '';
  const found = conditionIn(head);
  const condition = found === 'mixed' ? null : found;
  return { condition, subCondition: tail || null };
}

/** Reads the old full-page offer listing. */
export function readOfferListingPage(view: PageView, mk: Marketplace): OfferListing {
  const list = view.first('olpOfferList')?.element() ?? view.first('olpOfferListColumn')?.element();
  if (!list) return { offers: [], totalCount: null };
  const offers: Offer[] = [];
  for (const row of byClass(list, 'olpOffer')) {
    const priceEl = findFirst(row, (e) => hasClass(e, 'olpOfferPrice'));
    const reading = priceEl ? readPriceElement(priceEl, mk) : null;
    if (!reading || reading.kind !== 'price') continue;
    const conditionEl = findFirst(row, (e) => hasClass(e, 'olpCondition'));
    const { condition, subCondition } = splitCondition(rawTextOf(conditionEl));
    const sellerCell = findFirst(row, (e) => hasClass(e, 'olpSellerName'));
    const seller = olpSeller(sellerCell);
    offers.push({
      price: reading.minor,
      shipping: olpShipping(row, mk),
      condition: condition ?? 'new',
      subCondition,
      sellerName: seller.name,
      sellerKind: seller.kind,
      sellerId: seller.sellerId,
      isBuyBox: false,
    });
  }
  return { offers, totalCount: offers.length };
}

/** The seller cell: a link for third parties, an Amazon logo image (alt text) for Amazon. */
function olpSeller(cell: Element | null): { name: string | null; kind: Offer['sellerKind']; sellerId: string | null } {
  if (!cell) return { name: null, kind: 'unknown', sellerId: null };
  const linked = sellerFromBlock(cell);
  if (linked.kind !== 'unknown' && linked.name) return linked;
  const img = findFirst(cell, (e) => e.name === 'img' && !!e.attribs['alt']);
  const name = img?.attribs['alt'] ?? (textOf(cell) || null);
  return { name, kind: sellerKindFromName(name), sellerId: null };
}

function olpShipping(row: Element, mk: Marketplace): number | null {
  const priceEl = findFirst(row, (e) => hasClass(e, 'olpShippingPrice'));
  if (priceEl) {
    const reading = readPriceElement(priceEl, mk);
    if (reading.kind === 'price') return reading.minor;
  }
  const info = findFirst(row, (e) => hasClass(e, 'olpShippingInfo'));
  const text = textOf(info);
  return /free|gratis|kostenlos|gratuit|無料|ücretsiz/i.test(text) ? 0 : null;
}
