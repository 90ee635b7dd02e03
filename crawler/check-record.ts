/**
 * From a parsed product page (and its offers) to what a check records: one price observation per
 * series seen — carrying the series' previous price from the lease — the check's outcome and the
 * product's metadata; and the outcome row of a failed check. Every row is validated against its
 * contract here, so a bad row can never poison an ingestion stream entry.
 */
import type { MarketplaceCode } from '../config/index.js';
import {
  ASIN_PATTERN,
  type CheckResult,
  type CrawlOutcome,
  type FailureKind,
  type PreviousPrices,
  type PriceObservation,
  type ProductMetadata,
  type SeriesPrices,
  crawlOutcomeSchema,
  priceObservationSchema,
  productMetadataSchema,
} from '../contracts/index.js';
import { type ParsedOffers, type ProductPage, seriesPrices } from '../parser/index.js';
import type { SettleEntry } from './settle-buffer.js';

/** Identity and accounting of one check. */
export interface CheckContext {
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  readonly checkId: string;
  readonly previous: PreviousPrices;
  readonly crawlerId: string;
  /** When the product page was fetched, epoch ms. */
  readonly checkedAt: number;
  /** Wall time of the check so far, ms. */
  readonly durationMs: number;
  /** Response bytes received by the check (all requests, all attempts). */
  readonly bytes: number;
  /** HTTP status of the product page (null: no response). */
  readonly httpStatus: number | null;
}

/** Thrown when a row does not satisfy its contract (a parser or crawler bug): the check fails as parse_failure. */
export class InvalidRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

const clip = (s: string | null, max: number): string => (s ?? '').slice(0, max);

/**
 * The settle entry of a successful check. `offers` null: the offer fragment was not fetched, so only
 * series the page itself shows are recorded (and `new` turning to no offer).
 * `requestIds` are the storefront's request ids (`x-amz-rid`) of the page and fragment, kept in the
 * outcome's detail for tracing a recorded price back to the response it came from.
 */
export function successEntry(ctx: CheckContext, page: ProductPage, offers: ParsedOffers | null, requestIds: readonly string[]): SettleEntry {
  const observations: PriceObservation[] = [];
  const prices: SeriesPrices = {};
  for (const s of seriesPrices(page, offers)) {
    const prev = ctx.previous[s.series];
    // A series without an offer is recorded only when it had a price before (the change to "none"),
    // and only when this check looked everywhere that series could be (the offers fragment).
    if (s.price === null && (prev?.price == null || (offers === null && s.series !== 'new'))) continue;
    const row: PriceObservation = {
      marketplace: ctx.marketplace,
      asin: ctx.asin,
      series: s.series,
      condition: s.condition,
      sellerKind: s.sellerKind,
      price: s.price,
      previousPrice: prev?.price ?? null,
      previousCheckedAt: prev?.checkedAt ?? null,
      currency: page.currency,
      listPrice: s.series === 'new' ? page.listPrice : null,
      isBuyBox: s.isBuyBox,
      availability: s.series === 'new' ? page.availability : s.price === null ? 'out_of_stock' : 'in_stock',
      offerCount: s.offerCount,
      checkedAt: ctx.checkedAt,
      crawlerId: ctx.crawlerId,
      checkId: ctx.checkId,
    };
    const parsed = priceObservationSchema.safeParse(row);
    if (!parsed.success) throw new InvalidRecordError(`observation ${s.series} of ${ctx.asin}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    observations.push(row);
    prices[s.series] = s.price;
  }
  const bestRank = page.salesRanks.reduce<number | null>((min, r) => (min === null || r.rank < min ? r.rank : min), null);
  const product: ProductMetadata = {
    marketplace: ctx.marketplace,
    asin: ctx.asin,
    title: clip(page.title, 2000),
    brand: clip(page.brand, 500),
    breadcrumb: clip(page.breadcrumb, 2000),
    imageUrl: clip(page.imageUrl, 2000),
    salesRank: bestRank !== null && Number.isSafeInteger(bestRank) && bestRank > 0 ? bestRank : null,
    parentAsin: page.parentAsin !== null && ASIN_PATTERN.test(page.parentAsin) && page.parentAsin !== ctx.asin ? page.parentAsin : null,
    checkedAt: ctx.checkedAt,
  };
  const productOk = productMetadataSchema.safeParse(product).success;
  const outcome = outcomeRow(ctx, 'ok', requestIds.length > 0 ? requestIds.map((r, i) => `${i === 0 ? 'rid' : 'aod'}=${r}`).join(' ') : '');
  const check: CheckResult = { asin: ctx.asin, outcome: 'ok', checkedAt: ctx.checkedAt, prices };
  return { check, outcome, observations, product: productOk ? product : null };
}

/** The settle entry of a failed check: no price, an outcome row saying why. */
export function failureEntry(ctx: CheckContext, kind: FailureKind, detail: string): SettleEntry {
  return { check: { asin: ctx.asin, outcome: kind }, outcome: outcomeRow(ctx, kind, detail), observations: [], product: null };
}

function outcomeRow(ctx: CheckContext, outcome: CrawlOutcome['outcome'], detail: string): CrawlOutcome {
  const row: CrawlOutcome = {
    marketplace: ctx.marketplace,
    asin: ctx.asin,
    outcome,
    httpStatus: ctx.httpStatus,
    // No HTML, no cookies: a short reason of printable characters.
    detail: detail.replace(/[<>]/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 500),
    checkedAt: ctx.checkedAt,
    crawlerId: ctx.crawlerId.slice(0, 200),
    checkId: ctx.checkId,
    durationMs: Math.max(0, Math.round(ctx.durationMs)),
    bytes: Math.max(0, Math.round(ctx.bytes)),
  };
  const parsed = crawlOutcomeSchema.safeParse(row);
  if (!parsed.success) throw new InvalidRecordError(`outcome of ${ctx.asin}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return row;
}
