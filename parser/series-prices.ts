/**
 * From a parsed product page (and optionally its offers) to one best offer per price series — the
 * single place where page fields become the series a price observation records.
 *
 * | series        | price                                                                          |
 * |---------------|--------------------------------------------------------------------------------|
 * | `new`         | the featured offer when it is new, else the lowest new offer, else "N new from X" |
 * | `amazon`      | the lowest new offer sold by Amazon itself (the featured one when Amazon has it) |
 * | `new_3p`      | the lowest new offer from a third-party seller (FBA included)                   |
 * | `used`        | the featured / used-section offer, else the lowest used offer, else "N used from X" |
 * | `warehouse`   | the lowest used offer sold by Amazon's warehouse / resale arm                  |
 * | `refurbished` | the featured offer of a Renewed listing, else the lowest renewed offer, else its summary |
 * | `collectible` | the lowest collectible offer, else its summary                                 |
 *
 * Prices compare without delivery charges (Amazon's own "from" figures do the same). `offerCount`
 * is the number of offers of the series' condition the listing or the page's summary printed.
 */
import { SERIES, SERIES_CONDITION, type Condition, type SellerKind, type Series } from '../contracts/index.js';
import type { Offer, OfferListingPage, OfferSummary, ParsedOffers, ProductPage } from './types.js';

/** The best offer of one series. `price` is null when the page and offers show none. */
export interface SeriesOffer {
  readonly series: Series;
  readonly condition: Condition;
  readonly sellerKind: SellerKind;
  /** Minor units, or null: no offer of this series was seen. */
  readonly price: number | null;
  readonly isBuyBox: boolean;
  readonly offerCount: number | null;
}

/** One entry per series, in {@link SERIES} order. */
export function seriesPrices(page: ProductPage | OfferListingPage | null, offers?: ParsedOffers | null): SeriesOffer[] {
  const pageOffers: readonly Offer[] = page?.kind === 'product' ? page.offers : (page?.listing.offers ?? []);
  const all = [...pageOffers, ...(offers?.offers ?? [])];
  const summaries: readonly OfferSummary[] = page?.kind === 'product' ? page.offerSummaries : [];
  const listed = offers && offers.offers.length > 0 ? offers.offers : page?.kind === 'offer_listing' ? page.listing.offers : null;
  return SERIES.map((series) => best(series, all, pageOffers, summaries, listed));
}

function best(series: Series, all: readonly Offer[], pageOffers: readonly Offer[], summaries: readonly OfferSummary[], listed: readonly Offer[] | null): SeriesOffer {
  const condition = SERIES_CONDITION[series];
  const accepts = (o: Offer): boolean => o.condition === condition && sellerMatches(series, o.sellerKind);
  const featured = all.find((o) => o.isBuyBox && accepts(o));
  const lowest = all.filter(accepts).reduce<Offer | null>((min, o) => (min === null || o.price < min.price ? o : min), null);
  const count = listed ? listed.filter((o) => o.condition === condition).length : (summaryFor(summaries, condition)?.count ?? null);
  // The featured offer is "the price" of the series it belongs to; otherwise the lowest one.
  const chosen = series === 'new' || series === 'used' || series === 'refurbished' ? (featured ?? preferredUsed(series, pageOffers) ?? lowest) : lowest;
  if (chosen) {
    return { series, condition, sellerKind: chosen.sellerKind, price: chosen.price, isBuyBox: chosen.isBuyBox, offerCount: count };
  }
  const summary = series === 'amazon' || series === 'new_3p' || series === 'warehouse' ? null : summaryFor(summaries, condition);
  return {
    series,
    condition,
    sellerKind: 'unknown',
    price: summary?.fromPrice ?? null,
    isBuyBox: false,
    offerCount: count,
  };
}

/**
 * The used series prefers the offer the page itself features in its used section — an offer of the
 * product page, not the first used offer of an offer listing (listings sort by price plus delivery).
 */
function preferredUsed(series: Series, pageOffers: readonly Offer[]): Offer | null {
  if (series !== 'used') return null;
  return pageOffers.find((o) => o.condition === 'used') ?? null;
}

function sellerMatches(series: Series, kind: SellerKind): boolean {
  switch (series) {
    case 'amazon':
      return kind === 'amazon';
    case 'new_3p':
      return kind === 'third_party';
    case 'warehouse':
      return kind === 'warehouse';
    case 'new':
    case 'used':
    case 'refurbished':
    case 'collectible':
      return true;
  }
}

function summaryFor(summaries: readonly OfferSummary[], condition: Condition): OfferSummary | null {
  const exact = summaries.filter((s) => s.condition === condition && s.fromPrice !== null);
  return exact.reduce<OfferSummary | null>((min, s) => (min === null || (s.fromPrice as number) < (min.fromPrice as number) ? s : min), null);
}
