/**
 * Reads a product detail page through a {@link PageView}: identity, featured offer, prices by
 * condition, availability, offer summaries and sales rank.
 */
import type { Marketplace, MarketplaceCode } from '../config/index.js';
import { readAvailability } from './availability.js';
import { textOf } from './dom-query.js';
import { readFeatured } from './featured-offer.js';
import { RENEWED_TITLE_MARKERS } from './lexicon.js';
import { readOfferSummaries } from './offer-summary.js';
import type { PageView } from './page-view.js';
import { readBrand, readBreadcrumb, readIdentity, readImageUrl, readTitle } from './product-identity.js';
import { readSalesRanks } from './sales-rank.js';
import type { FeaturedSeller, PageLayout, ProductPage } from './types.js';

/** Ids that only the new (2021+) layout has. */
const NEW_LAYOUT_IDS = ['corePrice_feature_div', 'corePriceDisplay_desktop_feature_div', 'apex_desktop', 'tabular-buybox', 'offer-display-features', 'gsod_singleOfferDisplay_Desktop', 'Northstar-Buybox'];

/** Ids that mark a Renewed listing. */
const RENEWED_IDS = ['renewedProgramDescriptionAtf_feature_div', 'renewedProgramDescriptionAtf', 'renewedProgramDescriptionBtf_feature_div'];

/** Context for reading a product page. */
export interface ProductContext {
  readonly marketplace: Marketplace;
  readonly url: string | undefined;
  readonly truncated: boolean;
}

/** The product page, or null when the page names no ASIN of its own. */
export function readProductPage(view: PageView, ctx: ProductContext): ProductPage | null {
  const mk = ctx.marketplace;
  const identity = readIdentity(view, ctx.url);
  if (!identity.asin) return null;
  const title = readTitle(view);
  const renewed = isRenewedListing(view, title);
  const featured = readFeatured(view, mk, renewed);
  const { availability, text: availabilityText } = readAvailability(view, featured.buyBox !== null);
  return {
    kind: 'product',
    marketplace: mk.code as MarketplaceCode,
    currency: mk.currency,
    truncated: ctx.truncated,
    asin: identity.asin,
    parentAsin: identity.parentAsin,
    canonicalAsin: identity.canonicalAsin,
    layout: readLayout(view),
    title,
    brand: readBrand(view, title),
    breadcrumb: readBreadcrumb(view),
    imageUrl: readImageUrl(view),
    availability,
    availabilityText,
    seller: summarySeller(featured.buyBox?.sellerKind),
    buyBox: featured.buyBox,
    priceNew: featured.priceNew,
    priceUsed: featured.priceUsed,
    priceRefurbished: featured.priceRefurbished,
    listPrice: featured.listPrice,
    subscribeSavePrice: featured.subscribeSavePrice,
    warehousePrice: featured.warehousePrice,
    priceRange: featured.priceRange,
    offerSummaries: readOfferSummaries(view, mk),
    offers: featured.offers,
    salesRanks: readSalesRanks(view),
    isRenewedListing: renewed,
  };
}

function readLayout(view: PageView): PageLayout {
  return NEW_LAYOUT_IDS.some((id) => view.has(id)) ? 'new' : 'old';
}

function isRenewedListing(view: PageView, title: string | null): boolean {
  const lower = title?.toLowerCase() ?? '';
  if (RENEWED_TITLE_MARKERS.some((m) => lower.includes(m))) return true;
  // The description blocks exist empty on every page of the new layout; only a filled one counts.
  if (RENEWED_IDS.some((id) => textOf(view.first(id)?.element()).length > 0)) return true;
  const byline = view.first('bylineInfo');
  return /Amazon[-+ ]Renewed/i.test(byline?.attr('href') ?? '');
}

function summarySeller(kind: string | undefined): FeaturedSeller {
  if (kind === 'amazon' || kind === 'warehouse') return 'amazon';
  if (kind === 'third_party') return 'third_party';
  return 'unknown';
}
