/**
 * The price blocks of a product page and which buying option each belongs to.
 *
 * New layout: `corePriceDisplay_desktop_feature_div` (centre column) and `corePrice_feature_div`
 * (buy box), possibly once per accordion row (one-time purchase, Subscribe & Save, used, renewed).
 * The row is known from a `data-csa-c-buying-option-type` attribute or from the enclosing row's id.
 * Old layout: `priceblock_dealprice` / `priceblock_saleprice` / `priceblock_ourprice`, the buy-box
 * copy, and the book layout's `buyNewSection` / `usedBuySection`.
 *
 * Only the price to pay is read: never a struck price, a unit price, a savings amount or an
 * instalment.
 */
import type { Element } from 'domhandler';
import type { Marketplace } from '../config/index.js';
import { closest, findAll, findFirst, hasClass } from './dom-query.js';
import { readAPrice, readPriceElement, type PriceReading } from './money.js';
import type { PageView, Region } from './page-view.js';

/** The buying option a price block sells. */
export type BuyingOption = 'new' | 'sns' | 'used' | 'refurbished' | 'collectible';

/** A price block read from the page. */
export interface PriceBlock {
  readonly option: BuyingOption;
  readonly reading: PriceReading;
  /** Struck reference price inside the same block, minor units. */
  readonly listPrice: number | null;
  /** The region the block was found in (for locating its row's seller). */
  readonly region: Region;
  /** The accordion row it sits in, when the buy box has rows. */
  readonly row: Region | null;
}

const CORE_BLOCK_IDS = ['corePriceDisplay_desktop_feature_div', 'corePrice_feature_div', 'corePrice_desktop'];

/** Classes whose subtree never holds the price to pay. */
const EXCLUDED_PRICE_CONTAINERS = [
  'basisPrice',
  'a-text-strike',
  'a-text-price',
  'pricePerUnit',
  'savingsPercentage',
  'savingPriceOverride',
  'installmentPayment',
];

/** Maps Amazon's buying-option codes and row ids to an option. */
export function optionFromName(name: string): BuyingOption | null {
  const lower = name.toLowerCase();
  if (lower.includes('frequency')) return null;
  if (lower.includes('sns') || lower.includes('subscri')) return 'sns';
  if (lower.includes('used')) return 'used';
  if (lower.includes('renewed') || lower.includes('refurb')) return 'refurbished';
  if (lower.includes('collect')) return 'collectible';
  if (lower.includes('new')) return 'new';
  return null;
}

/** Accordion rows of the buy box and the centre column, each with the option it sells. */
export function accordionRows(view: PageView): { region: Region; option: BuyingOption }[] {
  const rows: { region: Region; option: BuyingOption }[] = [];
  for (const id of view.idsContaining('AccordionRow')) {
    const option = optionFromName(id);
    if (!option || /reinvent|promo|ppd_|caption/i.test(id)) continue;
    for (const region of view.all(id)) rows.push({ region, option });
  }
  return rows;
}

/** Every new-layout core price block with its option; `defaultOption` for blocks that name none. */
export function corePriceBlocks(view: PageView, mk: Marketplace, defaultOption: BuyingOption): PriceBlock[] {
  const rows = accordionRows(view);
  const blocks: PriceBlock[] = [];
  for (const id of CORE_BLOCK_IDS) {
    for (const region of view.all(id)) {
      const el = region.element();
      if (!el) continue;
      const row = innermostRow(rows, region);
      const attrOption = findFirst(el, (e) => e.attribs['data-csa-c-buying-option-type'] !== undefined)?.attribs['data-csa-c-buying-option-type'];
      const option = (attrOption ? optionFromName(attrOption) : null) ?? row?.option ?? defaultOption;
      blocks.push({ option, reading: mainPriceIn(el, mk), listPrice: struckPriceIn(el, mk), region, row: row?.region ?? null });
    }
  }
  return blocks;
}

function innermostRow(rows: { region: Region; option: BuyingOption }[], target: Region): { region: Region; option: BuyingOption } | null {
  let best: { region: Region; option: BuyingOption } | null = null;
  for (const row of rows) {
    if (!row.region.contains(target)) continue;
    if (!best || best.region.contains(row.region)) best = row;
  }
  return best;
}

/** The price to pay inside a block: `.priceToPay`, else the first plain `.a-price`, else a range. */
export function mainPriceIn(el: Element, mk: Marketplace): PriceReading {
  const range = findFirst(el, (e) => hasClass(e, 'a-price-range'));
  const toPay = findFirst(el, (e) => hasClass(e, 'priceToPay') || hasClass(e, 'apexPriceToPay'));
  if (toPay) {
    const priceEl = hasClass(toPay, 'a-price') ? toPay : findFirst(toPay, (e) => hasClass(e, 'a-price'));
    const minor = priceEl ? readAPrice(priceEl, mk) : null;
    if (minor !== null) return { kind: 'price', minor };
  }
  if (range) {
    const reading = readPriceElement(range, mk);
    if (reading.kind !== 'none') return reading;
  }
  for (const candidate of findAll(el, (e) => hasClass(e, 'a-price'))) {
    if (isExcludedPrice(candidate, el)) continue;
    const minor = readAPrice(candidate, mk);
    if (minor !== null) return { kind: 'price', minor };
  }
  return { kind: 'none' };
}

function isExcludedPrice(candidate: Element, root: Element): boolean {
  if (candidate.attribs['data-a-strike'] === 'true') return true;
  return (
    closest(
      candidate,
      (e) => EXCLUDED_PRICE_CONTAINERS.some((c) => hasClass(e, c)) || e.attribs['data-a-strike'] === 'true' || /instal|monthly|unitPrice/i.test(e.attribs['id'] ?? ''),
      root,
    ) !== null
  );
}

/** The struck-through reference price in a block (List Price, RRP, Was price), minor units. */
export function struckPriceIn(el: Element, mk: Marketplace): number | null {
  const struck = findFirst(el, (e) => e.attribs['data-a-strike'] === 'true' || hasClass(e, 'a-text-strike') || hasClass(e, 'priceBlockStrikePriceString'));
  if (!struck) return null;
  const reading = readPriceElement(struck, mk);
  return reading.kind === 'price' ? reading.minor : null;
}

/** Old-layout price blocks, best first: deal, sale, our price (struck ones excluded), buy-box copies. */
const OLD_PRICE_IDS = ['priceblock_dealprice', 'priceblock_saleprice', 'priceblock_ourprice', 'priceblock_pospromoprice', 'price_inside_buybox', 'newBuyBoxPrice'];

/** The old layout's featured price, a range, or none. Struck price blocks are skipped. */
export function oldPriceBlock(view: PageView, mk: Marketplace): { reading: PriceReading; region: Region } | null {
  let range: { reading: PriceReading; region: Region } | null = null;
  for (const id of OLD_PRICE_IDS) {
    const region = view.first(id);
    const el = region?.element();
    if (!region || !el || hasClass(el, 'a-text-strike')) continue;
    const reading = readPriceElement(el, mk);
    if (reading.kind === 'price') return { reading, region };
    if (reading.kind === 'range' && !range) range = { reading, region };
  }
  return range;
}

/** The price printed in a book-layout section (`buyNewSection`, `usedBuySection`): "Buy used £4.45". */
export function sectionPrice(el: Element, mk: Marketplace): number | null {
  const priceEl = findFirst(el, (e) => hasClass(e, 'offer-price') || hasClass(e, 'a-price') || hasClass(e, 'a-color-price'));
  const reading = readPriceElement(priceEl ?? el, mk);
  if (reading.kind === 'price') return reading.minor;
  return null;
}

/** The struck reference price in the old layout's price table or the book buy box. */
export function oldListPrice(view: PageView, mk: Marketplace): number | null {
  for (const id of ['price', 'buyBoxInner', 'buyNewInner', 'priceblock_ourprice_row', 'listPriceLegalMessage']) {
    for (const region of view.all(id)) {
      const el = region.element();
      if (!el) continue;
      const minor = struckPriceIn(el, mk);
      if (minor !== null) return minor;
      if (hasClass(el, 'a-text-strike')) {
        const reading = readPriceElement(el, mk);
        if (reading.kind === 'price') return reading.minor;
      }
    }
  }
  const ourPrice = view.first('priceblock_ourprice')?.element();
  if (ourPrice && hasClass(ourPrice, 'a-text-strike')) {
    const reading = readPriceElement(ourPrice, mk);
    if (reading.kind === 'price') return reading.minor;
  }
  return null;
}
