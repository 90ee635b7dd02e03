/**
 * What every route module receives: the app (with the zod type provider) and the services built by
 * buildApp. Route modules hold no state of their own.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Accounts } from '../alerts/index.js';
import type { Config } from '../config/index.js';
import type { RedisKeys } from '../runtime/index.js';
import { UnavailableError } from './api-errors.js';
import type { ApiMetrics } from './api-metrics.js';
import type { Authenticator } from './auth/authenticator.js';
import type { TokenService } from './auth/token-service.js';
import type { CachedBody } from './cache/product-cache.js';
import type { ProductDataService } from './services/product-data-service.js';
import type { SearchService } from './services/search-service.js';
import type { TopDropsService } from './services/top-drops-service.js';

/** The Fastify instance routes are declared on. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** The services routes use. */
export interface RouteContext {
  config: Config;
  clickhouse: ClickHouseClient;
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  auth: Authenticator;
  tokens: TokenService;
  products: ProductDataService;
  drops: TopDropsService;
  search: SearchService;
  metrics: ApiMetrics;
  /** The alerts part's users and trackings; undefined when this API runs without it. */
  accounts: Accounts | undefined;
  /** Clock, epoch ms. */
  now: () => number;
}

/** The accounts service, or 503 when this API was built without it. */
export function requireAccounts(ctx: RouteContext): Accounts {
  if (!ctx.accounts) throw new UnavailableError('user accounts are not available on this server');
  return ctx.accounts;
}

/**
 * Sends a cached body with its validators: `304 Not Modified` when the client already has it.
 * A gzip-kept body goes out compressed to clients that accept gzip (browsers, the extension) and is
 * uncompressed for the others. `maxAgeSecs` tells browsers and proxies how long they may reuse it.
 */
export async function sendCached(
  reply: FastifyReply,
  cached: CachedBody,
  options: { contentType: string; maxAgeSecs: number; ifNoneMatch: string | undefined; acceptEncoding?: string | string[] | undefined },
): Promise<FastifyReply> {
  void reply.header('cache-control', `public, max-age=${options.maxAgeSecs}`);
  const gzipped = cached.encoding === 'gzip';
  if (gzipped) void reply.header('vary', 'accept-encoding');
  const sendGzip = gzipped && acceptsGzip(options.acceptEncoding);
  if (cached.etag) {
    // One ETag per representation: the compressed one is marked.
    const etag = sendGzip ? `${cached.etag.slice(0, -1)}-gz"` : cached.etag;
    void reply.header('etag', etag);
    if (options.ifNoneMatch && options.ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) return reply.code(304).send();
  }
  if (sendGzip) return reply.header('content-encoding', 'gzip').type(options.contentType).send(cached.body);
  const body = gzipped ? await gunzip(cached.body) : cached.body;
  return reply.type(options.contentType).send(body);
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return /(^|[\s,])gzip(?!;\s*q=0(\.0*)?(\s|,|$))/i.test(value);
}

const gunzip = promisify(gunzipCallback);

/** Sends a stream (CSV) as the body; the route set its content type. */
export function sendStream(reply: FastifyReply, stream: NodeJS.ReadableStream): FastifyReply {
  return reply.send(stream);
}
