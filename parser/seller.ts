/**
 * Who sells an offer: Amazon itself, Amazon's warehouse / resale arm, or a third party. FBA offers
 * ("Sold by X and Fulfilled by Amazon") are third party: the seller of record is not Amazon.
 */
import type { Element } from 'domhandler';
import type { SellerKind } from '../contracts/index.js';
import { findAll, normalizeSpace, textOf } from './dom-query.js';

/** Amazon's used / open-box arm under its names over the years and storefronts. */
const WAREHOUSE_RE = /^amazon(?:\.[a-z.]+)?\s*(?:warehouse|resale|retourenkauf|segunda mano|seconde main|seconda mano|second hand|outlet|アウトレット|ikinci el)|^warehouse deals\b/i;

/** Amazon as seller of record: "Amazon.com", "Amazon EU Sarl", "Amazon US", "Amazon.co.jp", "Amazon.com Services LLC". */
const AMAZON_RE =
  /^amazon(?:\.(?:com|co|de|fr|it|es|ca|in|nl|se|pl|sg|ae|sa|eg|be|com\.au|com\.tr|com\.mx|com\.br|co\.uk|co\.jp)[a-z.]*)?(?:\s+(?:eu|us|uk|au|ca|de|fr|it|es|jp|in|mx|br|tr|nl|se|pl|sg|ae|sa|export|retail|services|media|digital|japan|seller|commercial|italia|france|españa|espana|deutschland|logistics|s\.?à\.?\s?r\.?l\.?|sarl|llc|inc\.?|ltd\.?|gmbh|g\.k\.|k\.k\.)\b.*)?\.?$/i;

/** Classifies a seller by the name the page prints. */
export function sellerKindFromName(name: string | null | undefined): SellerKind {
  if (!name) return 'unknown';
  const clean = normalizeSpace(name).replace(/[.\s]+$/, '');
  if (!clean) return 'unknown';
  if (WAREHOUSE_RE.test(clean)) return 'warehouse';
  if (AMAZON_RE.test(clean) || /^amazon$/i.test(clean)) return 'amazon';
  return 'third_party';
}

/** The seller named in a block of merchant markup. */
export interface SellerInfo {
  readonly name: string | null;
  readonly kind: SellerKind;
  readonly sellerId: string | null;
}

const UNKNOWN: SellerInfo = { name: null, kind: 'unknown', sellerId: null };

/**
 * Reads the seller from merchant markup: `#merchant-info` ("Ships from and sold by Amazon.com.",
 * "Sold by <a>X</a> and Fulfilled by Amazon."), an offer-display "Sold by" cell, a used-offer box.
 * A seller profile link names a third party (or Amazon's warehouse); without one, a mention of
 * Amazon as the only merchant means Amazon sells it.
 */
export function sellerFromBlock(block: Element | null): SellerInfo {
  if (!block) return UNKNOWN;
  const link = sellerLink(block);
  if (link) {
    const name = textOf(link);
    const href = link.attribs['href'] ?? '';
    const sellerId = /[?&]seller=([A-Z0-9]{6,20})/.exec(href)?.[1] ?? null;
    return { name: name || null, kind: sellerKindFromName(name), sellerId };
  }
  const text = textOf(block);
  if (!text) return UNKNOWN;
  const amazonName =
    /\bAmazon(?:\.[a-z]{2,3}(?:\.[a-z]{2})?)?(?:\s*(?:Warehouse(?: Deals)?|Resale|Retourenkauf|Segunda mano|Seconde main|Seconda mano|Outlet|アウトレット)|\s+(?:EU|US|UK|AU|Export|Retail|Services|Media)\b(?:\s+(?:S\.?à\.?\s?r\.?l\.?|Sarl|LLC))?)?/.exec(text);
  if (amazonName) return { name: amazonName[0], kind: sellerKindFromName(amazonName[0]), sellerId: null };
  return UNKNOWN;
}

/** The link to a seller's profile inside `block`, if any. */
export function sellerLink(block: Element): Element | null {
  const links = findAll(block, (el) => el.name === 'a');
  for (const a of links) {
    if (a.attribs['id'] === 'sellerProfileTriggerId') return a;
  }
  for (const a of links) {
    const href = a.attribs['href'] ?? '';
    if (/[?&]seller=[A-Z0-9]/.test(href) && !/(?:dp_fulfillment|fulfillment|nodeId=)/i.test(href) && textOf(a)) return a;
  }
  return null;
}
