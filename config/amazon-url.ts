/**
 * ASINs and Amazon product URLs: validation and extraction. Pure functions, shared by the admin
 * commands, the API and the browser extension.
 */
import { type MarketplaceCode, marketplaceForHost } from './marketplaces.js';

/** An ASIN: 10 characters, uppercase letters and digits (books use their ISBN-10, which may end in X). */
const ASIN_RE = /^[A-Z0-9]{10}$/;

/** True when `value` is a well-formed ASIN (already uppercase). */
export function isAsin(value: unknown): value is string {
  return typeof value === 'string' && ASIN_RE.test(value);
}

/** Thrown for a malformed ASIN or an unrecognised Amazon URL. */
export class InvalidProductReferenceError extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`${reason}: ${JSON.stringify(input.length > 200 ? `${input.slice(0, 200)}…` : input)}`);
    this.name = 'InvalidProductReferenceError';
  }
}

/** Returns the normalised ASIN or throws {@link InvalidProductReferenceError}. Accepts lowercase input. */
export function parseAsin(value: string): string {
  const asin = value.trim().toUpperCase();
  if (!ASIN_RE.test(asin)) throw new InvalidProductReferenceError(value, 'not an ASIN (10 letters or digits)');
  return asin;
}

/** A product reference as written by a person: an ASIN, or a product URL on one of the storefronts. */
export interface ProductReference {
  readonly asin: string;
  /** The marketplace the URL belongs to; undefined for a bare ASIN. */
  readonly marketplace: MarketplaceCode | undefined;
}

// Path shapes that carry a product's ASIN, e.g. /dp/B0…, /Some-Slug/dp/B0…/ref=…, /gp/product/B0…,
// /gp/aw/d/B0…, /exec/obidos/ASIN/B0…, /o/ASIN/B0…, /gp/offer-listing/B0…, /product-reviews/B0….
const PATH_PATTERNS: readonly RegExp[] = [
  /\/(?:dp|gp\/product|gp\/aw\/d|gp\/offer-listing|exec\/obidos\/asin|o\/asin|product-reviews|gp\/product\/glance)\/([A-Za-z0-9]{10})(?=[/?#&]|$)/i,
  /\/dp\/(?:product\/)?([A-Za-z0-9]{10})(?=[/?#&]|$)/i,
];

/**
 * Reads an ASIN or an Amazon product URL (any storefront, any of the path shapes above, with slugs and
 * query strings, with or without scheme). Throws {@link InvalidProductReferenceError} when it is neither.
 */
export function parseProductReference(input: string): ProductReference {
  const text = input.trim();
  if (text.length === 0) throw new InvalidProductReferenceError(input, 'empty product reference');
  if (text.length > 4096) throw new InvalidProductReferenceError(input, 'product reference too long');
  if (ASIN_RE.test(text.toUpperCase()) && !text.includes('/')) {
    return { asin: text.toUpperCase(), marketplace: undefined };
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new InvalidProductReferenceError(input, 'neither an ASIN nor a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidProductReferenceError(input, 'not an http(s) URL');
  }
  const marketplace = marketplaceForHost(url.hostname);
  if (!marketplace) throw new InvalidProductReferenceError(input, 'not an Amazon storefront we know');
  const path = decodeURIComponentSafe(url.pathname);
  for (const re of PATH_PATTERNS) {
    const match = re.exec(path);
    if (match?.[1]) return { asin: match[1].toUpperCase(), marketplace: marketplace.code as MarketplaceCode };
  }
  // Some links carry the ASIN only in the query: ?asin=… (offer fragments) or ?ASIN=….
  const q = url.searchParams.get('asin') ?? url.searchParams.get('ASIN');
  if (q && ASIN_RE.test(q.toUpperCase())) return { asin: q.toUpperCase(), marketplace: marketplace.code as MarketplaceCode };
  throw new InvalidProductReferenceError(input, 'no ASIN in this Amazon URL');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
