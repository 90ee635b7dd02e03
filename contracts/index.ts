/**
 * contracts/: the types that cross process boundaries (stream entries, leases, API shapes), with
 * their validators. No I/O.
 */
export {
  ASIN_PATTERN,
  AVAILABILITIES,
  CONDITIONS,
  SELLER_KINDS,
  SERIES,
  SERIES_CONDITION,
  priceObservationSchema,
  type Availability,
  type Condition,
  type PriceObservation,
  type SellerKind,
  type Series,
} from './price-observation.js';
export { CRAWL_OUTCOMES, crawlOutcomeSchema, type CrawlOutcome, type CrawlOutcomeKind } from './crawl-outcome.js';
export { productMetadataSchema, type ProductMetadata } from './product-metadata.js';
export {
  INGEST_ENTRY_FIELD,
  INGEST_ENVELOPE_VERSION,
  encodeIngestEnvelope,
  ingestEnvelopeSchema,
  type IngestEnvelope,
} from './ingest-envelope.js';
export {
  FAILURE_KINDS,
  checkResultSchema,
  leaseBatchSchema,
  leaseItemSchema,
  previousPriceSchema,
  previousPricesSchema,
  type CheckResult,
  type FailureKind,
  type LeaseBatch,
  type LeaseItem,
  type LeaseRequest,
  type LeaseResult,
  type PreviousPrice,
  type PreviousPrices,
  type SeriesPrices,
  type SettleResult,
} from './lease-batch.js';
export {
  CHART_CONDITIONS,
  CHART_RANGES,
  CHART_SERIES,
  DEAL_VERDICTS,
  TRENDS,
  apiErrorSchema,
  browserProductResponseSchema,
  chartLineSchema,
  chartResponseSchema,
  dealVerdictSchema,
  latestSeriesPriceSchema,
  productLinksSchema,
  productSummarySchema,
  seriesStatisticsSchema,
  windowStatsSchema,
  type ApiError,
  type BrowserProductResponse,
  type ChartCondition,
  type ChartLine,
  type ChartRange,
  type ChartResponse,
  type ChartSeriesKey,
  type DealVerdict,
  type DealVerdictKind,
  type ProductSummary,
  type SeriesStatistics,
  type WindowStats,
} from './api-types.js';
