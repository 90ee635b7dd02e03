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
export { ANNOUNCE_CHUNK, announceCommitted, announcementMessages, changedProducts, parseAnnouncement } from './ingest/ingest-announce.js';
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
  activeProductCounts,
  catalogEntries,
  streamCatalog,
  upsertCatalog,
  type CatalogEntry,
  type CatalogState,
  type StreamCatalogOptions,
} from './queries/catalog.js';
export { streamLastSeriesPrices, trackerCounts, type LastSeriesPrice } from './queries/coordinator-queries.js';
export { findUserByEmail, findUserById, findUsersByIds, insertUsers, type UserRecord } from './queries/users-queries.js';
export {
  findTrackingById,
  findTrackingsByIds,
  insertTrackings,
  trackingCounts,
  trackingsForProducts,
  trackingsOfUser,
  type TrackingCondition,
  type TrackingRecord,
} from './queries/trackings-queries.js';
export {
  ALERT_CHANNELS,
  ALERT_STATES,
  alertsByIds,
  alertsOfUser,
  channelHealth,
  failingChannelCounts,
  insertAlertRecords,
  lastAlertsOfTrackings,
  pendingAlerts,
  type AlertChannel,
  type AlertRecord,
  type AlertState,
  type ChannelHealth,
  type LastAlert,
  type UserAlert,
} from './queries/alerts-records.js';
export {
  latestSeriesPrices,
  lowestPricesBefore,
  observationsAtChecks,
  readAlerterCursor,
  readPriceChanges,
  seriesPointsSince,
  writeAlerterCursor,
  type CheckObservation,
  type PriceChange,
} from './queries/alerts-changes.js';
export {
  CHART_MAX_POINTS,
  CHART_STATS_DAYS,
  chartData,
  chartResolution,
  chartStatement,
  type ChartAllTime,
  type ChartDataOptions,
  type ChartDay,
  type ProductChartData,
  type SeriesColumns,
} from './queries/api-chart.js';
export { BROWSER_WINDOW_DAYS, browserSummaries, type BrowserSeriesSummary, type BrowserSummary, type BrowserSummaryOptions } from './queries/api-browser.js';
export {
  apiTokensOfUser,
  findApiTokenById,
  findApiTokenByHash,
  insertApiTokens,
  type ApiTokenRecord,
  type ApiTokenScope,
} from './queries/api-tokens.js';
export { topDrops, type TopDrop, type TopDropsOptions } from './queries/api-drops.js';
export { searchProductsPage, type SearchPageOptions } from './queries/api-search.js';
export {
  IMPORT_POINT_COLUMNS,
  insertImportedPoints,
  lastStoredPointsBefore,
  storedPoints,
  streamRawHistory,
  type RawPricePoint,
} from './queries/api-history-io.js';
