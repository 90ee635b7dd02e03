/**
 * What one product page or offer fragment shows at an instant, decided before any markup is
 * written: the featured offer, the used offer beside it, the list price, availability, seller. The
 * renderers print exactly this model, and its `truth` is what the page embeds.
 */
import { type MarketplaceCode, getMarketplace } from '../config/index.js';
import type { CatalogueProduct, Layout, PageVariant } from './catalogue.js';
import { type MarketState, type SimOffer, featuredNewOffer } from './market-state.js';
import { hash32 } from './random.js';

/** Availability as the page states it. */
export type PageAvailability = 'in_stock' | 'out_of_stock' | 'unknown';
/** Who sells the featured offer, as a reader of the page can tell. */
export type PageSeller = 'amazon' | 'third_party' | 'unknown';

/** What a served product page embeds (prices in minor units of the storefront's currency). */
export interface ProductPageTruth {
  readonly kind: 'product';
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  readonly layout: Layout;
  readonly variant: PageVariant;
  readonly title: string;
  /** Brand as the product's details state it; null for books. */
  readonly brand: string | null;
  /** Breadcrumb joined with " > "; null when the page has none (or only "Back to results"). */
  readonly breadcrumb: string | null;
  readonly imageUrl: string;
  readonly currency: string;
  readonly availability: PageAvailability;
  readonly seller: PageSeller;
  readonly sellerName: string | null;
  /** The featured (buy-box) new price. */
  readonly priceNew: number | null;
  /** The used price shown in the buy box, its used accordion row or the used-only buy box. */
  readonly priceUsed: number | null;
  /** The featured price of a Renewed listing. */
  readonly priceRefurbished: number | null;
  /** The struck list price shown with the featured new price. */
  readonly listPrice: number | null;
  readonly buyBox: { readonly price: number; readonly condition: 'new' | 'used' | 'refurbished'; readonly seller: PageSeller } | null;
  /** A deal is running on the featured offer. */
  readonly deal: boolean;
  readonly parentAsin: string | null;
  readonly salesRank: number | null;
}

/** Everything the product-page renderers need. */
export interface ProductPageModel {
  readonly product: CatalogueProduct;
  readonly time: number;
  /** The featured new offer, or the featured renewed offer of a Renewed listing. */
  readonly featured: SimOffer | null;
  /** New layout only: the used offer of a used-only buy box. */
  readonly usedOnly: SimOffer | null;
  /** The used offer shown beside the featured offer. */
  readonly usedShown: SimOffer | null;
  readonly listPriceShown: number | null;
  readonly newOffers: readonly SimOffer[];
  readonly usedOffers: readonly SimOffer[];
  readonly otherOffers: readonly SimOffer[];
  readonly deal: boolean;
  /** "Only N left in stock", when shown. */
  readonly stockLeft: number | null;
  /** Seed for the page's random-looking tokens (session ids, offer listing ids). */
  readonly tokenSeed: number;
  readonly truth: ProductPageTruth;
}

function sellerOf(o: SimOffer): PageSeller {
  return o.sellerKind === 'third_party' ? 'third_party' : 'amazon';
}

/** The image URL the page's main image points at (the high-resolution one). */
export function productImageUrl(p: CatalogueProduct): string {
  return `https://m.media-amazon.com/images/I/${p.imageId}._AC_SL1500_.jpg`;
}

/** The product page of `p` at time `t`. */
export function productPageModel(market: MarketState, p: CatalogueProduct, t: number): ProductPageModel {
  const offers = market.offers(p, t);
  const newOffers = offers.filter((o) => o.condition === 'new');
  const usedOffers = offers.filter((o) => o.condition === 'used').sort((a, b) => a.price - b.price);
  const renewed = offers.filter((o) => o.condition === 'refurbished').sort((a, b) => a.price - b.price);
  const otherOffers = offers.filter((o) => o.condition === 'refurbished' || o.condition === 'collectible');
  const featured = p.kind === 'renewed' ? (renewed[0] ?? null) : (featuredNewOffer(offers) ?? null);
  const usedShown = featured && p.kind !== 'renewed' ? (usedOffers[0] ?? null) : null;
  const usedOnly = !featured && p.layout === 'new' ? (usedOffers[0] ?? null) : null;
  const deal = featured ? market.point(p, featured.series, t).deal : false;
  const listPriceShown =
    featured && featured.condition === 'new' && p.listPrice !== null && p.listPrice > featured.price && p.variant !== 'new-sns'
      ? p.listPrice
      : null;
  const epoch = market.timeline.epochOf(t);
  const stockHash = hash32(p.asin, 'left', epoch);
  const stockLeft = featured && stockHash % 5 === 0 ? 1 + (stockHash % 9) : null;

  let availability: PageAvailability;
  if (featured || usedOnly) availability = 'in_stock';
  else if (offers.length === 0) availability = 'out_of_stock';
  else availability = p.layout === 'old' ? 'in_stock' : 'unknown';

  const buyOffer = featured ?? usedOnly;
  const mk = getMarketplace(p.marketplace);
  const truth: ProductPageTruth = {
    kind: 'product',
    marketplace: p.marketplace,
    asin: p.asin,
    layout: p.layout,
    variant: p.variant,
    title: p.title,
    brand: p.brand,
    breadcrumb: p.breadcrumb.length ? p.breadcrumb.join(' > ') : null,
    imageUrl: productImageUrl(p),
    currency: mk.currency,
    availability,
    seller: buyOffer ? sellerOf(buyOffer) : 'unknown',
    sellerName: buyOffer ? buyOffer.sellerName : null,
    priceNew: featured && featured.condition === 'new' ? featured.price : null,
    priceUsed: (usedShown ?? usedOnly)?.price ?? null,
    priceRefurbished: featured && featured.condition === 'refurbished' ? featured.price : null,
    listPrice: listPriceShown,
    buyBox: buyOffer
      ? { price: buyOffer.price, condition: buyOffer.condition === 'collectible' ? 'used' : buyOffer.condition, seller: sellerOf(buyOffer) }
      : null,
    deal,
    parentAsin: p.parentAsin,
    salesRank: p.salesRank,
  };
  return {
    product: p,
    time: t,
    featured,
    usedOnly,
    usedShown,
    listPriceShown,
    newOffers,
    usedOffers,
    otherOffers,
    deal,
    stockLeft,
    tokenSeed: hash32(p.marketplace, p.asin, epoch),
    truth,
  };
}

/** One offer as the All Offers Display and the offer listing show it. */
export interface OfferTruth {
  readonly id: string;
  readonly price: number;
  readonly shipping: number;
  readonly condition: 'new' | 'used' | 'refurbished' | 'collectible';
  /** Used/collectible grade (like_new, very_good, good, acceptable), else null. */
  readonly grade: string | null;
  readonly seller: 'amazon' | 'third_party' | 'warehouse';
  readonly sellerName: string;
  /** Amazon-style merchant id of the seller. */
  readonly sellerId: string;
  readonly shipsFromAmazon: boolean;
}

/** What the offer fragment of a product embeds, across all its pages. */
export interface OffersTruth {
  readonly kind: 'offers';
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  readonly currency: string;
  /** The pinned (featured) offer, shown on page 1 only. */
  readonly pinned: OfferTruth | null;
  /** The other offers, in the order the pages list them (10 per page). */
  readonly offers: readonly OfferTruth[];
  /** The value of `#aod-total-offer-count`: pinned plus listed offers. */
  readonly totalOfferCount: number;
  readonly pageSize: number;
}

/** Offers per AOD page. */
export const AOD_PAGE_SIZE = 10;

function offerTruth(o: SimOffer): OfferTruth {
  return {
    id: o.id,
    price: o.price,
    shipping: o.shipping,
    condition: o.condition,
    grade: o.grade,
    seller: o.sellerKind,
    sellerName: o.sellerName,
    sellerId: o.sellerId,
    shipsFromAmazon: o.fba,
  };
}

/** The offers of `p` at `t`: the page's featured offer pinned, then the rest by total price. */
export function offersTruth(market: MarketState, p: CatalogueProduct, t: number): OffersTruth {
  const page = productPageModel(market, p, t);
  const pinnedOffer = page.featured ?? page.usedOnly;
  const rest = market
    .offers(p, t)
    .filter((o) => o.id !== pinnedOffer?.id)
    .sort((a, b) => a.price + a.shipping - (b.price + b.shipping) || (a.id < b.id ? -1 : 1));
  return {
    kind: 'offers',
    marketplace: p.marketplace,
    asin: p.asin,
    currency: getMarketplace(p.marketplace).currency,
    pinned: pinnedOffer ? offerTruth(pinnedOffer) : null,
    offers: rest.map(offerTruth),
    totalOfferCount: rest.length + (pinnedOffer ? 1 : 0),
    pageSize: AOD_PAGE_SIZE,
  };
}
