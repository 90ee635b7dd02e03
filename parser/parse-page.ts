/**
 * The parser's entry points: `parsePage` for any page Amazon answers with, `parseOffers` for an
 * offer listing or All Offers Display fragment. Neither throws on bad input: empty, binary,
 * oversized or truncated bodies come back as `unknown` (or with `truncated: true`).
 */
import { getMarketplace, type Marketplace, type MarketplaceCode } from '../config/index.js';
import { byTag, rawTextOf, normalizeSpace } from './dom-query.js';
import { readAodOffers, readOfferListingPage } from './offers-parser.js';
import { classifyPage } from './page-kind.js';
import { openSource } from './page-source.js';
import { RegionPageView, type PageView } from './page-view.js';
import { readIdentity } from './product-identity.js';
import { readProductPage } from './product-page-parser.js';
import type { ParsedOffers, ParsedPage } from './types.js';

/** Options of {@link parsePage}. */
export interface ParsePageOptions {
  /** The storefront the page came from: its currency and number format are used. */
  readonly marketplace: MarketplaceCode | Marketplace;
  /** The URL the page was fetched from (a fallback for the ASIN). */
  readonly url?: string;
  /** The HTTP status, when known: classifies pages that match nothing else (404 → error). */
  readonly statusCode?: number;
  /** Largest body accepted, bytes. Default 8 MiB; larger input is `unknown` / `too_large`. */
  readonly maxBytes?: number;
}

/** Parses any Amazon page into a {@link ParsedPage}. Never throws on page content. */
export function parsePage(html: string | Uint8Array, options: ParsePageOptions): ParsedPage {
  const mk = resolveMarketplace(options.marketplace);
  const opened = openSource(html, { maxBytes: options.maxBytes });
  if (!opened.ok) return { kind: 'unknown', reason: opened.problem, marketplace: mk.code as MarketplaceCode, currency: mk.currency, truncated: false };
  return parseView(new RegionPageView(opened.source), mk, options);
}

/**
 * Parses a page already wrapped in a {@link PageView}. `parsePage` uses the fast region view; the
 * benchmark passes a whole-page DOM view to measure the same extraction on a full DOM.
 */
export function parseView(view: PageView, mk: Marketplace, options: Omit<ParsePageOptions, 'marketplace' | 'maxBytes'> = {}): ParsedPage {
  const base = { marketplace: mk.code as MarketplaceCode, currency: mk.currency };
  const cls = classifyPage(view, { statusCode: options.statusCode });
  const truncated = cls.kind === 'offer_listing' && cls.flavor === 'aod' ? false : isTruncated(view.source.text);
  switch (cls.kind) {
    case 'captcha':
      return { ...base, truncated, kind: 'captcha', variant: cls.variant };
    case 'error':
      return { ...base, truncated, kind: 'error', errorKind: cls.errorKind, title: pageTitle(view) };
    case 'offer_listing': {
      const listing = readListing(view, mk, cls.flavor, options.url);
      return { ...base, truncated, kind: 'offer_listing', asin: listing.asin, title: offerListingTitle(view), listing };
    }
    case 'product': {
      const product = readProductPage(view, { marketplace: mk, url: options.url, truncated });
      return product ?? { ...base, truncated, kind: 'unknown', reason: 'unrecognised' };
    }
    case 'unknown':
      return { ...base, truncated, kind: 'unknown', reason: looksLikeAmazon(view.source.text) ? 'unrecognised' : 'not_amazon' };
  }
}

/** Options of {@link parseOffers}. */
export interface ParseOffersOptions {
  readonly marketplace: MarketplaceCode | Marketplace;
  /** The URL of the listing (a fallback for the ASIN: `asin=` of an AOD URL, `/gp/offer-listing/ASIN`). */
  readonly url?: string;
  readonly maxBytes?: number;
}

/** Parses an All Offers Display fragment or an old offer-listing page into offers. */
export function parseOffers(html: string | Uint8Array, options: ParseOffersOptions): ParsedOffers {
  const mk = resolveMarketplace(options.marketplace);
  const opened = openSource(html, { maxBytes: options.maxBytes });
  if (!opened.ok) return { marketplace: mk.code as MarketplaceCode, currency: mk.currency, asin: null, source: 'none', offers: [], totalCount: null };
  const view = new RegionPageView(opened.source);
  const cls = classifyPage(view);
  const flavor = cls.kind === 'offer_listing' ? cls.flavor : null;
  if (!flavor) return { marketplace: mk.code as MarketplaceCode, currency: mk.currency, asin: null, source: 'none', offers: [], totalCount: null };
  return readListing(view, mk, flavor, options.url);
}

function readListing(view: PageView, mk: Marketplace, flavor: 'aod' | 'page', url: string | undefined): ParsedOffers {
  const read = flavor === 'aod' ? readAodOffers(view, mk) : readOfferListingPage(view, mk);
  const asin = readIdentity(view, url).asin;
  return {
    marketplace: mk.code as MarketplaceCode,
    currency: mk.currency,
    asin,
    source: flavor === 'aod' ? 'aod' : 'offer_listing',
    offers: read.offers,
    totalCount: read.totalCount,
  };
}

function resolveMarketplace(marketplace: MarketplaceCode | Marketplace): Marketplace {
  return typeof marketplace === 'string' ? getMarketplace(marketplace) : marketplace;
}

/** A complete HTML document ends with `</html>`; a cut-off body does not. */
function isTruncated(text: string): boolean {
  const tail = text.length > 4096 ? text.slice(-4096) : text;
  return !/<\/html\s*>/i.test(tail);
}

function looksLikeAmazon(text: string): boolean {
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  return /amazon\.|ue_mid|images-amazon|media-amazon/i.test(head);
}

function pageTitle(view: PageView): string | null {
  const m = /<title[^>]{0,100}>([^<]{0,300})<\/title>/i.exec(view.source.text.slice(0, 200_000));
  if (!m) return null;
  const start = m.index + m[0].indexOf('>') + 1;
  return normalizeSpace(view.source.decode(start, start + (m[1] as string).length)) || null;
}

/** The old offer listing's heading: the product title, without the binding line "(Hardcover)". */
function offerListingTitle(view: PageView): string | null {
  const details = view.first('olpProductDetails')?.element();
  const h1 = details ? byTag(details, 'h1')[0] : undefined;
  if (!h1) return null;
  const lines = rawTextOf(h1)
    .split(/\n/)
    .map((l) => normalizeSpace(l))
    .filter((l) => l.length > 0);
  if (lines.length > 1 && /^\(.*\)$/.test(lines[lines.length - 1] as string)) lines.pop();
  return lines.join(' ') || null;
}
