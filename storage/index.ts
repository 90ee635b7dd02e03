/**
 * storage/: ClickHouse (server or embedded chDB) — schema migrations, the ingestion of observations
 * from the Redis streams, and the named, typed query functions other parts use. Every SQL string of
 * Dromedary lives here.
 */
export { StorageLockedError, StorageUnavailableError, MigrationError } from './errors.js';
export {
  createClickHouse,
  clickHouseBridge,
  clickHouseMode,
  embeddedDataPath,
  type ClickHouseMode,
  type CreateClickHouseOptions,
} from './clickhouse/create-clickhouse.js';
export type { ClickHouseBridge } from './clickhouse/bridge-server.js';
export { migrate, loadMigrations, appliedMigrations, type MigrateOptions, type MigrateResult, type Migration } from './migrate.js';
export { createIngestProducer, type IngestProducer, type IngestProducerOptions } from './ingest/ingest-producer.js';
export { createIngester, type Ingester, type IngesterOptions } from './ingest/ingester.js';
export { committedWatermark, committedWatermarks } from './ingest/ingest-watermark.js';
export { INGEST_GROUP } from './ingest/ingest-scripts.js';
export { selectRows, type SeriesRef } from './queries/query-helpers.js';
export {
  HISTORY_RANGES,
  historyResolution,
  priceHistory,
  type HistoryPoint,
  type HistoryRange,
  type HistoryResolution,
  type PriceHistory,
  type PriceHistoryOptions,
} from './queries/price-history.js';
export { STATS_WINDOWS_DAYS, priceStats, type AllTimeStats, type PriceStats, type PriceStatsOptions, type WindowStats } from './queries/price-stats.js';
export { latestPrices, type LatestPrice } from './queries/latest-prices.js';
export { searchProducts, searchTerms, type ProductSearchHit, type ProductSearchOptions } from './queries/product-search.js';
export { getProduct, type ProductRecord } from './queries/products.js';
export {
  CATALOG_STATES,
  catalogEntries,
  streamCatalog,
  upsertCatalog,
  type CatalogEntry,
  type CatalogState,
  type StreamCatalogOptions,
} from './queries/catalog.js';
export { streamLastSeriesPrices, trackerCounts, type LastSeriesPrice } from './queries/coordinator-queries.js';
