/**
 * `buildApp(deps)`: the whole HTTP app — REST API, web pages, chart images, OpenAPI document — over
 * collaborators the caller opened (ClickHouse, Redis, the alerts part's accounts). Tests drive it with
 * `inject()`; `startApiServer` (api-server.ts) wires it for `dromedary api` and `dromedary start`.
 *
 * Every route declares its request and response schemas (zod, through fastify-type-provider-zod);
 * the OpenAPI document at /api/docs/json is generated from them. Errors are always
 * `{error, message, problems?}` JSON, never a stack trace.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type ZodTypeProvider, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import {
  type Accounts,
  BusyError,
  ForbiddenError as AlertsForbiddenError,
  InvalidInputError,
  NotFoundError as AlertsNotFoundError,
} from '../alerts/index.js';
import type { Config } from '../config/index.js';
import { redisKeys } from '../runtime/index.js';
import type { ApiRequestError} from './api-errors.js';
import { BadRequestError, ForbiddenError, NotFoundError, UnavailableError, installErrorHandlers } from './api-errors.js';
import { createApiMetrics } from './api-metrics.js';
import { Authenticator } from './auth/authenticator.js';
import { TokenService } from './auth/token-service.js';
import { ProductCache } from './cache/product-cache.js';
import { createRateLimitStore } from './rate-limit/rate-limit-store.js';
import type { RouteContext, ZodApp } from './route-context.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerBrowserRoutes } from './routes/browser-routes.js';
import { registerChartImageRoutes } from './routes/chart-image-routes.js';
import { registerDropsRoutes } from './routes/drops-routes.js';
import { registerProductRoutes } from './routes/product-routes.js';
import { registerTrackingRoutes } from './routes/tracking-routes.js';
import { registerWebRoutes } from './routes/web-routes.js';
import type { ChartImageRenderer } from './services/chart-image.js';
import { ProductDataService } from './services/product-data-service.js';
import { SearchService } from './services/search-service.js';
import { TopDropsService } from './services/top-drops-service.js';

/** What the app is built from. The caller opens and closes every connection given here. */
export interface ApiDeps {
  config: Config;
  clickhouse: ClickHouseClient;
  /** Redis for commands (token cache, announcements). */
  redis: Redis;
  /**
   * A connection for rate-limit counters, opened with `enableOfflineQueue: false` and a short
   * `commandTimeout` (see rate-limit-store.ts). Default: one duplicated from `redis`, closed with the app.
   */
  rateLimitRedis?: Redis;
  logger: Logger;
  /** The alerts part's users and trackings; without it the user routes answer 503. */
  accounts?: Accounts;
  /** The product cache (one per process, shared with the invalidation listener). Default: a new one. */
  cache?: ProductCache;
  /** Serve product data from the cache. Default true; false computes every response (cold benchmarks). */
  useCache?: boolean;
  /** Registry for the API's metrics. Default: a private one. */
  registry?: Registry;
  /** Rate limit of public requests per client and minute. Default config api.rateLimitPerMin. */
  rateLimitPerMin?: number;
  /** Body limit of the history import, bytes. Default 64 MiB. */
  importBodyLimitBytes?: number;
  /** Chart image renderer (default charts/). */
  renderImage?: ChartImageRenderer;
  /** Trust X-Forwarded-For from a reverse proxy (the client address the rate limit counts by). Default false. */
  trustProxy?: boolean;
  /** Clock, epoch ms. */
  now?: () => number;
}

/** The built app and what its routes share. */
export interface ApiApp {
  app: ZodApp;
  products: ProductDataService;
  tokens: TokenService;
  cache: ProductCache;
}

/** Builds the app; nothing listens until the caller calls `app.listen`. */
export async function buildApp(deps: ApiDeps): Promise<ApiApp> {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const keys = redisKeys(config.redis.keyPrefix);
  const cache = deps.cache ?? new ProductCache();
  const registry = deps.registry ?? new Registry();
  const metrics = createApiMetrics(registry, cache);
  const tokens = new TokenService({ clickhouse: deps.clickhouse, redis: deps.redis, keys: keys.api, logger: deps.logger, now });
  const products = new ProductDataService({ clickhouse: deps.clickhouse, config, cache, useCache: deps.useCache, renderImage: deps.renderImage, now });
  const ctx: RouteContext = {
    config,
    clickhouse: deps.clickhouse,
    redis: deps.redis,
    keys,
    logger: deps.logger,
    auth: new Authenticator({ tokens, adminToken: config.api.adminToken }),
    tokens,
    products,
    drops: new TopDropsService({ clickhouse: deps.clickhouse, now }),
    search: new SearchService({ clickhouse: deps.clickhouse, now }),
    metrics,
    accounts: deps.accounts,
    now,
  };

  const httpLogger: FastifyBaseLogger = deps.logger.child({ component: 'http' });
  const app: ZodApp = Fastify({
    loggerInstance: httpLogger,
    bodyLimit: config.api.bodyLimitBytes,
    trustProxy: deps.trustProxy ?? false,
    // Per-request lines would dominate the logs; request durations go to metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app, [alertsErrors]);

  const rateLimitRedis = deps.rateLimitRedis ?? deps.redis.duplicate({ enableOfflineQueue: false, commandTimeout: 250, maxRetriesPerRequest: 0, connectionName: 'api-rate-limit' });
  if (!deps.rateLimitRedis) {
    rateLimitRedis.on('error', (err: Error) => deps.logger.debug({ err }, 'rate-limit connection error'));
    app.addHook('onClose', async () => {
      await rateLimitRedis.quit().catch(() => rateLimitRedis.disconnect());
    });
  }
  await app.register(fastifyRateLimit, {
    global: true,
    max: deps.rateLimitPerMin ?? config.api.rateLimitPerMin,
    timeWindow: 60_000,
    store: createRateLimitStore({ redis: rateLimitRedis, prefix: keys.api.rateLimitPrefix, logger: deps.logger }),
    // Static assets cost nothing; the admin is not limited.
    allowList: (request) => request.url.startsWith('/static/') || (config.api.adminToken !== undefined && request.headers.authorization === `Bearer ${config.api.adminToken}`),
    onExceeded: () => metrics.rateLimited.inc(),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.requestSeconds.observe({ route, method: request.method, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
  });
  // Cross-origin use (the extension's scripts on Amazon pages, other sites embedding charts): the API
  // authenticates by bearer token, never by cookie, so any origin may call it; preflights are answered here.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/charts/')) return;
    void reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      await reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type, if-none-match')
        .header('access-control-max-age', '86400')
        .send();
    }
  });
  // Emails' one-click unsubscribe posts a form; its fields are not needed.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4_096 }, (_request, body, done) => done(null, body));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Dromedary API', version: '1', description: 'Amazon price history, charts, search, trackings and alerts. Prices are integer minor units; times are epoch milliseconds.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A user API token (drm_…) or the admin token' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });

  registerProductRoutes(app, ctx);
  registerBrowserRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerTrackingRoutes(app, ctx);
  registerDropsRoutes(app, ctx);
  registerChartImageRoutes(app, ctx);
  registerWebRoutes(app, ctx);
  // The import's CSV body parser and larger body limit stay inside this scope.
  await app.register((scope, _options, done) => {
    registerAdminRoutes(scope, ctx, { importBodyLimitBytes: deps.importBodyLimitBytes ?? 64 * 1024 * 1024 });
    done();
  });
  app.get('/healthz', { schema: { hide: true } }, () => ({ ok: true }));
  await app.ready();
  return { app, products, tokens, cache };
}

/** The alerts part's errors as API errors. */
function alertsErrors(err: unknown): ApiRequestError | undefined {
  if (err instanceof InvalidInputError) return new BadRequestError(err.message, err.problems);
  if (err instanceof AlertsForbiddenError) return new ForbiddenError(err.message);
  if (err instanceof AlertsNotFoundError) return new NotFoundError(err.message);
  if (err instanceof BusyError) return new UnavailableError(err.message);
  return undefined;
}
