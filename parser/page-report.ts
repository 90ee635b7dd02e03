/**
 * A parsed page as a flat, person-readable record: prices as decimal numbers in the currency
 * (1299.00, yen as is), snake_case field names. This is what `dromedary parse --json` prints.
 */
import { getMarketplace, type MarketplaceCode } from '../config/index.js';
import type { Availability, Condition, SellerKind } from '../contracts/index.js';
import { minorToDecimal } from './money.js';
import type { FeaturedSeller, Offer, OfferSummary, ParsedOffers, ParsedPage } from './types.js';

/** An offer with a decimal price. */
export interface OfferReport {
  readonly price: number | null;
  readonly shipping: number | null;
  readonly condition: Condition;
  readonly sub_condition: string | null;
  readonly seller: string | null;
  readonly seller_kind: SellerKind;
  readonly is_buy_box: boolean;
}

/** The flat record of one page. */
export interface PageReport {
  readonly kind: ParsedPage['kind'];
  readonly marketplace: MarketplaceCode;
  readonly asin: string | null;
  readonly parent_asin: string | null;
  readonly layout: 'old' | 'new' | null;
  readonly title: string | null;
  readonly brand: string | null;
  readonly breadcrumb: string | null;
  readonly image_url: string | null;
  readonly availability: Availability;
  readonly availability_text: string | null;
  readonly seller: FeaturedSeller;
  readonly currency: string | null;
  readonly price_new: number | null;
  readonly price_used: number | null;
  readonly price_refurbished: number | null;
  readonly list_price: number | null;
  readonly subscribe_save_price: number | null;
  readonly warehouse_price: number | null;
  readonly price_range: { readonly min: number | null; readonly max: number | null } | null;
  readonly buy_box: { readonly price: number | null; readonly condition: Condition; readonly seller: SellerKind; readonly seller_name: string | null } | null;
  readonly offer_summaries: readonly { readonly condition: Condition | 'any'; readonly count: number | null; readonly from: number | null }[];
  readonly offers: readonly OfferReport[];
  readonly offer_count: number | null;
  readonly sales_ranks: readonly { readonly rank: number; readonly category: string }[];
  /** Captcha variant, error kind or unknown reason, where the kind has one. */
  readonly detail: string | null;
  readonly truncated: boolean;
}

/** Converts a parsed page (and optional parsed offers) to its flat record. */
export function toPageReport(page: ParsedPage, extraOffers?: ParsedOffers | null): PageReport {
  const digits = getMarketplace(page.marketplace).numberFormat.minorDigits;
  const dec = (minor: number | null): number | null => minorToDecimal(minor, digits);
  const offerReport = (o: Offer): OfferReport => ({
    price: dec(o.price),
    shipping: dec(o.shipping),
    condition: o.condition,
    sub_condition: o.subCondition,
    seller: o.sellerName,
    seller_kind: o.sellerKind,
    is_buy_box: o.isBuyBox,
  });
  const empty = {
    kind: page.kind,
    marketplace: page.marketplace,
    asin: null,
    parent_asin: null,
    layout: null,
    title: null,
    brand: null,
    breadcrumb: null,
    image_url: null,
    availability: 'unknown' as const,
    availability_text: null,
    seller: 'unknown' as const,
    currency: null,
    price_new: null,
    price_used: null,
    price_refurbished: null,
    list_price: null,
    subscribe_save_price: null,
    warehouse_price: null,
    price_range: null,
    buy_box: null,
    offer_summaries: [],
    offers: (extraOffers?.offers ?? []).map(offerReport),
    offer_count: extraOffers?.totalCount ?? null,
    sales_ranks: [],
    detail: null,
    truncated: page.truncated,
  };
  switch (page.kind) {
    case 'captcha':
      return { ...empty, detail: page.variant };
    case 'error':
      return { ...empty, detail: page.errorKind };
    case 'unknown':
      return { ...empty, detail: page.reason };
    case 'offer_listing': {
      const offers = page.listing.offers;
      const lowest = (c: Condition): Offer | null => offers.filter((o) => o.condition === c).reduce<Offer | null>((m, o) => (m === null || o.price < m.price ? o : m), null);
      const headline = lowest('new') ?? lowest('used') ?? lowest('refurbished') ?? lowest('collectible');
      return {
        ...empty,
        asin: page.asin,
        layout: page.listing.source === 'aod' ? 'new' : 'old',
        title: page.title,
        currency: page.currency,
        availability: offers.length > 0 ? 'in_stock' : 'unknown',
        seller: headline ? (headline.sellerKind === 'warehouse' ? 'amazon' : headline.sellerKind) : 'unknown',
        price_new: dec(lowest('new')?.price ?? null),
        price_used: dec(lowest('used')?.price ?? null),
        price_refurbished: dec(lowest('refurbished')?.price ?? null),
        offers: [...offers, ...(extraOffers?.offers ?? [])].map(offerReport),
        offer_count: page.listing.totalCount,
      };
    }
    case 'product':
      return {
        ...empty,
        asin: page.asin,
        parent_asin: page.parentAsin,
        layout: page.layout,
        title: page.title,
        brand: page.brand,
        breadcrumb: page.breadcrumb,
        image_url: page.imageUrl,
        availability: page.availability,
        availability_text: page.availabilityText,
        seller: page.seller,
        currency: page.currency,
        price_new: dec(page.priceNew),
        price_used: dec(page.priceUsed),
        price_refurbished: dec(page.priceRefurbished),
        list_price: dec(page.listPrice),
        subscribe_save_price: dec(page.subscribeSavePrice),
        warehouse_price: dec(page.warehousePrice),
        price_range: page.priceRange ? { min: dec(page.priceRange.min), max: dec(page.priceRange.max) } : null,
        buy_box: page.buyBox ? { price: dec(page.buyBox.price), condition: page.buyBox.condition, seller: page.buyBox.sellerKind, seller_name: page.buyBox.sellerName } : null,
        offer_summaries: page.offerSummaries.map((s: OfferSummary) => ({ condition: s.condition, count: s.count, from: dec(s.fromPrice) })),
        offers: [...page.offers, ...(extraOffers?.offers ?? [])].map(offerReport),
        offer_count: extraOffers?.totalCount ?? null,
        sales_ranks: page.salesRanks.map((r) => ({ rank: r.rank, category: r.category })),
      };
  }
}
