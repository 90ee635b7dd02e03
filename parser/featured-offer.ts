/**
 * The featured (buy-box) offer of a product page and the prices by condition around it.
 *
 * Rules, in the order they decide:
 * - No featured offer when the buy box is "unqualified" (see all buying options), a variation
 *   parent waits for a choice, or the item is out of stock — even if a price shows elsewhere.
 * - The new price is the one-time purchase: a Subscribe & Save row is kept apart, a struck price
 *   is a list price, a range is a range.
 * - A "(Renewed)" listing's buy box is refurbished; a used-only buy box is used.
 */
import type { Element } from 'domhandler';
import type { Condition } from '../contracts/index.js';
import type { Marketplace } from '../config/index.js';
import { findAll, textOf } from './dom-query.js';
import { includesAny, SOLD_BY_LABELS } from './lexicon.js';
import { readPriceElement } from './money.js';
import { corePriceBlocks, oldListPrice, oldPriceBlock, sectionPrice, type BuyingOption, type PriceBlock } from './price-blocks.js';
import { firstOf, regionsInside, type PageView, type Region } from './page-view.js';
import { sellerFromBlock, sellerKindFromName, type SellerInfo } from './seller.js';
import type { BuyBox, Offer } from './types.js';

/** Everything read around the buy box. */
export interface FeaturedFindings {
  readonly buyBox: BuyBox | null;
  readonly priceNew: number | null;
  readonly priceUsed: number | null;
  readonly priceRefurbished: number | null;
  readonly listPrice: number | null;
  readonly subscribeSavePrice: number | null;
  readonly warehousePrice: number | null;
  readonly priceRange: { readonly min: number; readonly max: number } | null;
  /** Offers shown on the page besides the summaries: the featured one, the used section, "other sellers". */
  readonly offers: readonly Offer[];
}

/** Markers of a buy box without a featured offer (unless a qualified buy box sits beside them). */
const NO_FEATURED_IDS = ['unqualifiedBuyBox', 'partialStateBuybox', 'unqualified-buybox-olp', 'buybox-see-all-buying-choices'];
/** Markers of a buy box that sells (add to cart / buy now / 1-click). */
const QUALIFIED_IDS = ['qualifiedBuybox', 'add-to-cart-button', 'buy-now-button', 'one-click-button', 'add-to-cart-button-ubb', 'submit.add-to-cart', 'buyNow', 'kindleALC_singleOfferDisplay_Desktop', 'Ebooks-desktop-KINDLE_ALC-one-click-button'];
/** Used-only buy boxes. */
const USED_ONLY_IDS = ['usedOnlyBuybox', 'used_buybox_desktop'];

/** Reads the featured offer and the prices by condition. */
export function readFeatured(view: PageView, mk: Marketplace, renewedListing: boolean): FeaturedFindings {
  const baseOption: BuyingOption = renewedListing ? 'refurbished' : 'new';
  const core = corePriceBlocks(view, mk, baseOption);
  const qualified = QUALIFIED_IDS.some((id) => view.has(id));
  const noFeatured = view.has('outOfStock') || (NO_FEATURED_IDS.some((id) => view.has(id)) && !['qualifiedBuybox', 'add-to-cart-button', 'buy-now-button'].some((id) => view.has(id)));
  const usedOnly = USED_ONLY_IDS.some((id) => view.has(id));

  // The main (new or renewed) price and where it came from.
  let mainPrice: number | null = null;
  let mainRows: Region[] = [];
  let priceRange: { min: number; max: number } | null = null;
  let listPrice: number | null = null;
  const mainBlock = pickBlock(core, baseOption);
  if (mainBlock) {
    listPrice = mainBlock.listPrice;
    if (mainBlock.reading.kind === 'price') {
      mainPrice = mainBlock.reading.minor;
      // Every row selling this option (centre column and buy box) may hold its seller.
      mainRows = core.filter((b) => b.option === baseOption && b.row).map((b) => b.row as Region);
    } else if (mainBlock.reading.kind === 'range') priceRange = { min: mainBlock.reading.min, max: mainBlock.reading.max };
  }
  if (mainPrice === null && !priceRange) {
    const old = oldPriceBlock(view, mk);
    if (old?.reading.kind === 'price') mainPrice = old.reading.minor; else if (old?.reading.kind === 'range') priceRange = { min: old.reading.min, max: old.reading.max };
  }
  if (mainPrice === null && !priceRange) {
    const section = firstOf(view, ['buyNewSection', 'newOfferAccordionRow', 'kindle-price', 'kindle_meta_binding_winner']);
    const el = section?.element();
    if (section && el) mainPrice = section.id === 'kindle-price' ? priceOf(el, mk) : sectionPrice(el, mk);
  }
  listPrice ??= oldListPrice(view, mk);

  // Used and renewed offers shown beside (or instead of) the main one.
  const usedBlock = core.find((b) => b.option === 'used' && b.reading.kind === 'price');
  const usedSection = firstOf(view, ['usedBuySection', 'usedAccordionRow']);
  const usedSectionEl = usedSection?.element() ?? null;
  const usedPrice = usedBlock?.reading.kind === 'price' ? usedBlock.reading.minor : usedSectionEl ? sectionPrice(usedSectionEl, mk) : null;
  const usedSeller = usedPrice !== null ? sellerFromBlock(firstOf(view, ['usedbuyBox', 'usedAccordionRow', 'usedOnlyBuybox'])?.element() ?? null) : null;
  const refurbBlock = core.find((b) => b.option === 'refurbished' && b.reading.kind === 'price' && !renewedListing);
  const snsBlock = core.find((b) => b.option === 'sns' && b.reading.kind === 'price');
  const subscribeSavePrice = snsBlock?.reading.kind === 'price' ? snsBlock.reading.minor : null;

  // Which offer is featured.
  let buyBox: BuyBox | null = null;
  const canFeature = !noFeatured && !priceRange && (qualified || view.has('buybox') || view.has('desktop_buybox'));
  if (canFeature && (usedOnly || qualified) && mainPrice === null && usedPrice !== null) {
    buyBox = offerToBuyBox('used', usedPrice, usedSeller);
  } else if (canFeature && mainPrice !== null) {
    const seller = featuredSeller(view, mainRows);
    buyBox = offerToBuyBox(renewedListing ? 'refurbished' : 'new', mainPrice, seller);
  }

  const offers: Offer[] = [];
  if (buyBox) offers.push({ price: buyBox.price, shipping: buyBox.shipping, condition: buyBox.condition, subCondition: null, sellerName: buyBox.sellerName, sellerKind: buyBox.sellerKind, sellerId: null, isBuyBox: true });
  if (usedPrice !== null && buyBox?.condition !== 'used') {
    offers.push({ price: usedPrice, shipping: null, condition: 'used', subCondition: null, sellerName: usedSeller?.name ?? null, sellerKind: usedSeller?.kind ?? 'unknown', sellerId: usedSeller?.sellerId ?? null, isBuyBox: false });
  }
  offers.push(...otherSellers(view, mk, renewedListing ? 'refurbished' : 'new'));

  const featuredNew = buyBox?.condition === 'new' ? buyBox.price : null;
  return {
    buyBox,
    priceNew: featuredNew,
    priceUsed: usedPrice,
    priceRefurbished: buyBox?.condition === 'refurbished' ? buyBox.price : refurbBlock?.reading.kind === 'price' ? refurbBlock.reading.minor : null,
    listPrice: buyBox?.condition === 'used' ? null : listPrice,
    subscribeSavePrice,
    warehousePrice: usedSeller?.kind === 'warehouse' ? usedPrice : null,
    priceRange,
    offers,
  };
}

/** The block that carries the main price: centre column first (it has the price to pay), then the buy box. */
function pickBlock(blocks: readonly PriceBlock[], option: BuyingOption): PriceBlock | null {
  const ofOption = blocks.filter((b) => b.option === option);
  return ofOption.find((b) => b.reading.kind === 'price') ?? ofOption.find((b) => b.reading.kind === 'range') ?? null;
}

function priceOf(el: Element, mk: Marketplace): number | null {
  const reading = readPriceElement(el, mk);
  return reading.kind === 'price' ? reading.minor : null;
}

function offerToBuyBox(condition: Condition, price: number, seller: SellerInfo | null): BuyBox {
  return { price, condition, sellerKind: seller?.kind ?? 'unknown', sellerName: seller?.name ?? null, shipping: null };
}

/** Merchant markup, most specific first. */
const MERCHANT_IDS = ['merchantInfoFeature_feature_div', 'tabular-buybox', 'merchant-info', 'shipsFromSoldBy_feature_div', 'sfsb_accordion_head', 'shipFromSoldByAbbreviated_feature_div', 'Ebooks-desktop-printSoldBy', 'usedbuyBox'];

/** Who sells the featured offer: the seller markup in its accordion row, else on the page. */
function featuredSeller(view: PageView, rows: readonly Region[]): SellerInfo | null {
  const scopes: (Region | null)[] = [...rows, null];
  for (const scope of scopes) {
    for (const id of MERCHANT_IDS) {
      const regions = scope ? regionsInside(view, scope, id) : view.all(id);
      for (const region of regions) {
        const el = region.element();
        if (!el) continue;
        const seller = id === 'tabular-buybox' || id === 'Ebooks-desktop-printSoldBy' ? sellerFromLabelledRows(el) : sellerFromBlock(el);
        if (seller.kind !== 'unknown') return seller;
      }
    }
  }
  return null;
}

/** "Sold by" in label/value markup (tabular buy box, Kindle price table). */
function sellerFromLabelledRows(el: Element): SellerInfo {
  const linked = sellerFromBlock(el);
  if (linked.kind !== 'unknown' && linked.sellerId) return linked;
  const cells = findAll(el, (e) => e.name === 'td' || (e.attribs['class'] ?? '').includes('tabular-buybox-label') || (e.attribs['class'] ?? '').includes('tabular-buybox-text'));
  for (let i = 0; i < cells.length - 1; i++) {
    const label = textOf(cells[i]);
    if (!label || !includesAny(label, SOLD_BY_LABELS)) continue;
    const value = cells.slice(i + 1).find((c) => textOf(c) && !includesAny(textOf(c), SOLD_BY_LABELS));
    const name = value ? firstLine(value) : '';
    if (name) return { name, kind: sellerKindFromName(name), sellerId: null };
  }
  return linked;
}

/** The first text run of a value cell ("Hachette Book Group" of "Hachette Book Group Price set by seller."). */
function firstLine(cell: Element): string {
  const span = findAll(cell, (e) => e.name === 'span' || e.name === 'a').find((e) => textOf(e));
  return textOf(span ?? cell);
}

/** "Other sellers on Amazon": `#mbc` entries (price, shipping, seller). */
function otherSellers(view: PageView, mk: Marketplace, condition: Condition): Offer[] {
  const mbc = view.first('mbc')?.element();
  if (!mbc) return [];
  const offers: Offer[] = [];
  for (const priceEl of findAll(mbc, (e) => /^mbc-price-\d+$/.test(e.attribs['id'] ?? ''))) {
    const n = (priceEl.attribs['id'] as string).slice('mbc-price-'.length);
    const price = priceOf(priceEl, mk);
    if (price === null) continue;
    const soldBy = findAll(mbc, (e) => e.attribs['id'] === `mbc-sold-by-${n}`)[0] ?? null;
    const shippingEl = findAll(mbc, (e) => (e.attribs['id'] ?? '').startsWith('mbc-shipping-') && (e.attribs['id'] ?? '').endsWith(`-${n}`))[0];
    const seller = soldBy ? sellerFromSoldByText(soldBy) : null;
    offers.push({
      price,
      shipping: shippingEl ? shippingFrom(shippingEl, mk) : null,
      condition,
      subCondition: null,
      sellerName: seller?.name ?? null,
      sellerKind: seller?.kind ?? 'unknown',
      sellerId: seller?.sellerId ?? null,
      isBuyBox: false,
    });
  }
  return offers;
}

/** "Sold by: Amazon AU" / "Vendido por: <a>X</a>". */
function sellerFromSoldByText(el: Element): SellerInfo {
  const linked = sellerFromBlock(el);
  if (linked.sellerId) return linked;
  const text = textOf(el);
  const name = text.includes(':') ? text.slice(text.indexOf(':') + 1).trim() : text;
  return { name: name || null, kind: sellerKindFromName(name), sellerId: null };
}

/** Delivery charge: 0 for "FREE"/free delivery wording without a number, the number otherwise. */
export function shippingFrom(el: Element, mk: Marketplace): number | null {
  const text = textOf(el);
  const reading = readPriceElement(el, mk);
  if (reading.kind === 'price') return reading.minor;
  if (/free|gratis|kostenlos|gratuit|gratuita|ücretsiz|無料|bedava/i.test(text)) return 0;
  return null;
}
