/**
 * `startApiServer(options)`: the API role — opens (or borrows) Redis and ClickHouse (migrating the
 * schema when it opens ClickHouse itself), builds the
 * alerts part's accounts service and the app, subscribes the product cache to the ingesters'
 * announcements, and listens. `dromedary api` runs it alone; `dromedary start` runs it beside the
 * other roles and hands in its own connections.
 *
 * Shutdown (close): stop accepting requests and finish those in flight → stop the cache listener →
 * close the accounts service → close the connections this server opened.
 */
import type { AddressInfo } from 'node:net';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Accounts, createAccounts } from '../alerts/index.js';
import type { Config } from '../config/index.js';
import { createCoordinatorClient } from '../coordinator/index.js';
import { closeRedis, connectRedis, createLogger, redisKeys } from '../runtime/index.js';
import { createClickHouse, migrate } from '../storage/index.js';
import { buildApp } from './app.js';
import type { ZodApp } from './route-context.js';
import { type InvalidationListener, createInvalidationListener } from './cache/invalidation-listener.js';
import { ProductCache, type ProductCacheOptions } from './cache/product-cache.js';

export interface StartApiServerOptions {
  config: Config;
  /** Default: a new logger with role `api`. */
  logger?: Logger;
  /** Registry for the API's metrics (the caller serves it). */
  registry?: Registry;
  /** A ClickHouse client to use (not closed here); default: opened from config (embedded engine, bridge or server). */
  clickhouse?: ClickHouseClient;
  /** A Redis connection to use (not closed here); default: opened from config redis.url. */
  redis?: Redis;
  /** The accounts service to use (not closed here); default: created here. */
  accounts?: Accounts;
  /** Listen address; default config api.host / api.port (port 0 picks a free one). */
  host?: string;
  port?: number;
  /** Product cache sizing. */
  cache?: ProductCacheOptions;
  /** Trust X-Forwarded-For (behind a reverse proxy). Default false. */
  trustProxy?: boolean;
}

/** A running API server. */
export interface ApiServer {
  app: ZodApp;
  /** `http://host:port`. */
  url: string;
  port: number;
  /** Stops the server and closes what it opened. Idempotent. */
  close(): Promise<void>;
}

/** Starts the API role; see the file header. */
export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ role: 'api', instanceId: config.instanceId ?? 'api', level: config.log.level });
  const keys = redisKeys(config.redis.keyPrefix);
  let ownRedis: Redis | undefined;
  let redis: Redis;
  if (options.redis) {
    redis = options.redis;
  } else {
    ownRedis = connectRedis({ url: config.redis.url, name: 'api' });
    redis = ownRedis;
  }
  const steps: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const step of steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        logger.error({ err }, 'api shutdown step failed');
      }
    }
  };
  if (ownRedis) {
    const own = ownRedis;
    steps.push(() => closeRedis(own));
  }
  try {
    const clickhouse = options.clickhouse ?? (await createClickHouse(config, { logger, createDatabase: true }));
    if (!options.clickhouse) {
      steps.push(() => clickhouse.close());
      // Like the other roles: bring the schema up to date first (idempotent; a no-op when it is).
      await migrate(clickhouse, { database: config.clickhouse.database, cluster: config.clickhouse.cluster, logger });
    }
    let accounts = options.accounts;
    if (!accounts) {
      const coordinator = createCoordinatorClient({ redis, keys, config });
      const own = createAccounts({ clickhouse, redis, keys, config, coordinator, logger });
      steps.push(() => own.close());
      accounts = own;
    }
    const cache = new ProductCache(options.cache);
    const listener: InvalidationListener = createInvalidationListener({
      subscriber: redis.duplicate({ connectionName: 'api-cache-invalidation' }),
      channel: keys.productsChangedChannel,
      cache,
      logger,
    });
    steps.push(() => listener.close());
    await listener.start();
    const { app } = await buildApp({
      config,
      clickhouse,
      redis,
      logger,
      accounts,
      cache,
      registry: options.registry,
      trustProxy: options.trustProxy,
    });
    steps.push(() => app.close());
    await app.listen({ host: options.host ?? config.api.host, port: options.port ?? config.api.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
    logger.info({ url }, 'api listening');
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      port: address.port,
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
