/**
 * parser/: reads Amazon pages — product pages in every layout and storefront, robot checks, error
 * pages, offer listings and All Offers Display fragments — without building a DOM of the whole page.
 */
export { parsePage, parseOffers, parseView, type ParsePageOptions, type ParseOffersOptions } from './parse-page.js';
export { seriesPrices, type SeriesOffer } from './series-prices.js';
export { detectMarketplace, marketplaceFromUrl } from './marketplace-detect.js';
export { openSource, DEFAULT_MAX_PAGE_BYTES, type PageSource, type SourceResult } from './page-source.js';
export { RegionPageView, DomPageView, type PageView, type Region } from './page-view.js';
export { readPriceText, minorToDecimal, numberToMinor, type PriceReading } from './money.js';
export { sellerKindFromName } from './seller.js';
export { toPageReport, type PageReport } from './page-report.js';
export {
  PAGE_KINDS,
  type BuyBox,
  type CaptchaPage,
  type ErrorPage,
  type FeaturedSeller,
  type Offer,
  type OfferListingPage,
  type OfferSummary,
  type PageKind,
  type PageLayout,
  type ParsedOffers,
  type ParsedPage,
  type ProductPage,
  type SalesRank,
  type UnknownPage,
} from './types.js';
