/**
 * api/: the REST API (Fastify, zod schemas, OpenAPI at /api/docs), the server-rendered web pages with
 * interactive charts, chart images, search, top drops, history import/export, and the browser
 * extension's lookups — with per-user tokens, a Redis-backed rate limit and a product cache that the
 * ingesters' announcements keep fresh.
 */
export { buildApp, type ApiApp, type ApiDeps } from './app.js';
export type { ZodApp } from './route-context.js';
export { startApiServer, type ApiServer, type StartApiServerOptions } from './api-server.js';
export { ApiRequestError, BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, UnavailableError } from './api-errors.js';
export { ProductCache, etagOf, type CachedBody, type ProductCacheOptions } from './cache/product-cache.js';
export { createInvalidationListener, type InvalidationListener, type InvalidationListenerOptions } from './cache/invalidation-listener.js';
export { TokenService, tokenHash, type TokenIdentity, type TokenInfo } from './auth/token-service.js';
export { importHistoryCsv, IMPORT_COLUMNS, type ImportReport } from './services/history-import.js';
export { dealVerdict, seriesStatistics, MIN_HISTORY_DAYS, GOOD_DEAL_MARGIN, EXPENSIVE_MARGIN } from './services/price-statistics.js';
