/**
 * What the parser returns. Every price is an integer in the currency's minor units (cents, pence;
 * yen have none) and every page carries its ISO currency once, taken from the marketplace.
 */
import type { Availability, Condition, SellerKind } from '../contracts/index.js';
import type { MarketplaceCode } from '../config/index.js';

/** The kinds of page Amazon answers with. */
export const PAGE_KINDS = ['product', 'captcha', 'error', 'offer_listing', 'unknown'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** Product page generation: `old` = priceblock/merchant-info (to ~2021), `new` = corePrice/apex/offer-display. */
export type PageLayout = 'old' | 'new';

/** Who sells the featured offer, as the page-level summary has it: Amazon's warehouse arm counts as `amazon`. */
export type FeaturedSeller = 'amazon' | 'third_party' | 'unknown';

/** The featured (buy-box) offer: what a visitor buys with one click. */
export interface BuyBox {
  /** Price in minor units. Never a coupon, Subscribe & Save, unit, savings, instalment or struck price. */
  readonly price: number;
  readonly condition: Condition;
  readonly sellerKind: SellerKind;
  /** The seller's name as the page prints it, when it does. */
  readonly sellerName: string | null;
  /** Delivery charge in minor units: 0 for free delivery, null when the page does not say. */
  readonly shipping: number | null;
}

/** An offer shown on a page ("Other sellers on Amazon", a used/renewed buy-box section, an offer listing). */
export interface Offer {
  /** Price in minor units, without delivery. */
  readonly price: number;
  /** Delivery charge in minor units: 0 for free delivery, null when not shown. */
  readonly shipping: number | null;
  readonly condition: Condition;
  /** Sub-condition as printed ("Very Good", "Acceptable", "Like New"), or null. */
  readonly subCondition: string | null;
  readonly sellerName: string | null;
  readonly sellerKind: SellerKind;
  /** Amazon's seller id (the `seller=` parameter of the seller link), when present. */
  readonly sellerId: string | null;
  /** This offer is the featured (buy-box / pinned) offer. */
  readonly isBuyBox: boolean;
}

/** "3 used from $7.18": a count of offers of one condition and the lowest price, as the page summarises it. */
export interface OfferSummary {
  /** `any` for mixed summaries such as "New & Used (14) from £4.45" or "4 offers from 237,097.00". */
  readonly condition: Condition | 'any';
  /** Number of offers, when printed. */
  readonly count: number | null;
  /** Lowest price in minor units, when printed. */
  readonly fromPrice: number | null;
}

/** One "Best Sellers Rank" entry. */
export interface SalesRank {
  readonly rank: number;
  readonly category: string;
}

/** Fields every parsed page has. */
interface PageBase {
  readonly marketplace: MarketplaceCode;
  readonly currency: string;
  /** The input ended before `</html>`: fields may be missing. */
  readonly truncated: boolean;
}

/** A product detail page (`/dp/ASIN`). */
export interface ProductPage extends PageBase {
  readonly kind: 'product';
  /** The page's own ASIN (not the parent's, not a sibling variation's canonical link). */
  readonly asin: string;
  /** The variation parent's ASIN, when the page names one that differs from `asin`. */
  readonly parentAsin: string | null;
  /** The ASIN in the canonical link, which may be a sibling variation. */
  readonly canonicalAsin: string | null;
  readonly layout: PageLayout;
  readonly title: string | null;
  readonly brand: string | null;
  /** Wayfinding breadcrumb joined with " > "; null when absent or only "Back to results". */
  readonly breadcrumb: string | null;
  readonly imageUrl: string | null;
  readonly availability: Availability;
  /** The availability message as printed, for people asking "why". */
  readonly availabilityText: string | null;
  /** Who sells the featured offer (summary; see {@link BuyBox.sellerKind} for warehouse). */
  readonly seller: FeaturedSeller;
  readonly buyBox: BuyBox | null;
  /** Featured NEW one-time price (null: no buy box, a range, used-only or renewed-only buy box). */
  readonly priceNew: number | null;
  /** The used offer shown in the buy box or its used section (not the "N used from" lowest). */
  readonly priceUsed: number | null;
  /** Renewed / refurbished offer price (the buy box of a "(Renewed)" listing). */
  readonly priceRefurbished: number | null;
  /** The struck-through reference price (List Price, RRP, Was price). */
  readonly listPrice: number | null;
  /** Subscribe & Save price, kept apart so it is never taken for the price. */
  readonly subscribeSavePrice: number | null;
  /** Price of a used offer sold by Amazon's warehouse / resale arm, where shown. */
  readonly warehousePrice: number | null;
  /** A variation parent's price range, when the page shows one instead of a price. */
  readonly priceRange: { readonly min: number; readonly max: number } | null;
  /** "N new/used from X" summaries. */
  readonly offerSummaries: readonly OfferSummary[];
  /** Other offers listed on the page itself ("Other sellers on Amazon", the used section, …). */
  readonly offers: readonly Offer[];
  readonly salesRanks: readonly SalesRank[];
  /** The listing itself is a Renewed / refurbished product. */
  readonly isRenewedListing: boolean;
}

/** A robot check in one of its shapes. */
export interface CaptchaPage extends PageBase {
  readonly kind: 'captcha';
  readonly variant: 'image' | 'button' | 'waf_challenge' | 'other';
}

/** Amazon's own error page (the "Dogs of Amazon"). */
export interface ErrorPage extends PageBase {
  readonly kind: 'error';
  readonly errorKind: 'server_error' | 'not_found';
  readonly title: string | null;
}

/** An offer listing: the old full page `/gp/offer-listing/ASIN` or the All Offers Display fragment. */
export interface OfferListingPage extends PageBase {
  readonly kind: 'offer_listing';
  readonly asin: string | null;
  readonly title: string | null;
  readonly listing: ParsedOffers;
}

/** Anything else, or input that is not a page at all. */
export interface UnknownPage extends PageBase {
  readonly kind: 'unknown';
  readonly reason: 'empty' | 'binary' | 'too_large' | 'not_amazon' | 'unrecognised';
}

/** A parsed page, discriminated by `kind`. */
export type ParsedPage = ProductPage | CaptchaPage | ErrorPage | OfferListingPage | UnknownPage;

/** The offers of one product, from an offer listing or an All Offers Display fragment. */
export interface ParsedOffers {
  readonly marketplace: MarketplaceCode;
  readonly currency: string;
  readonly asin: string | null;
  /** Which markup the offers came from. */
  readonly source: 'aod' | 'offer_listing' | 'none';
  readonly offers: readonly Offer[];
  /** Total offers Amazon says exist (may exceed `offers.length` when paged); null when not printed. */
  readonly totalCount: number | null;
}
