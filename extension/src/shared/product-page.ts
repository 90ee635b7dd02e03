/**
 * Which Amazon product a page URL shows. The config part's pure URL parser and marketplace catalogue
 * are imported file by file: config/index.ts also exports the Node-only configuration loader, which
 * must not reach the browser bundle.
 */
import { parseProductReference } from '../../../config/amazon-url.js';
import { MARKETPLACES, type MarketplaceCode } from '../../../config/marketplaces.js';

/** A product page: its storefront and ASIN. */
export interface ProductOnPage {
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
}

/** Paths of product pages (with or without a slug before /dp/); anything else on a storefront is not one. */
const PRODUCT_PATH = /\/(?:dp(?:\/product)?|gp\/product|gp\/aw\/d)\/[A-Za-z0-9]{10}(?=[/?#&]|$)/i;

/**
 * The product `url` shows when it is a product page of a supported storefront (every URL shape:
 * /dp/, /dp/product/, /gp/product/, /gp/aw/d/, slugs, ref segments, query strings); null otherwise —
 * search results, offer listings, reviews and other sites are not product pages.
 */
export function productOnPage(url: string): ProductOnPage | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  if (!PRODUCT_PATH.test(path)) return null;
  try {
    const ref = parseProductReference(url);
    return ref.marketplace ? { marketplace: ref.marketplace, asin: ref.asin } : null;
  } catch {
    // Not a storefront we know, or no ASIN: not ours to decorate.
    return null;
  }
}

/**
 * The product's canonical page, `https://www.amazon.de/dp/B0…`: what the extension sends to the
 * server instead of the address the user is on (its slug, search words and referral tags stay home).
 */
export function canonicalProductUrl(product: ProductOnPage): string {
  return `https://www.${MARKETPLACES[product.marketplace].domain}/dp/${product.asin}`;
}

/** Digits after the decimal separator of a marketplace's currency (JPY 0). */
export function minorDigitsOf(marketplace: MarketplaceCode): number {
  return MARKETPLACES[marketplace].numberFormat.minorDigits;
}

/** Every storefront domain of the catalogue (`amazon.com`, `amazon.co.uk`, …). */
export function storefrontDomains(): string[] {
  return Object.values(MARKETPLACES).map((m) => m.domain);
}
