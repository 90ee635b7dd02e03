/**
 * `dromedary start`: every role in one process — the coordinator with its ingester, a crawler node,
 * the alerter and the API — on the embedded ClickHouse engine and a private redis-server child, for a
 * person tracking a few hundred products. The same code as the cluster's roles, wired here once.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Accounts, type Alerter, createAccounts, startAlerter } from '../alerts/index.js';
import { type ApiServer, startApiServer } from '../api/index.js';
import { type Config, type ConfigInput, DEFAULT_REDIS_URL, MARKETPLACE_CODES, type MarketplaceCode, withOverrides } from '../config/index.js';
import { type CoordinatorRole, startCoordinator } from '../coordinator/index.js';
import { type CrawlerNode, startCrawlerNode } from '../crawler/index.js';
import {
  type MetricsServer,
  type PrivateRedis,
  type Redis,
  closeRedis,
  connectRedis,
  createMetricsRegistry,
  redisKeys,
  startMetricsServer,
  startPrivateRedis,
} from '../runtime/index.js';
import { activeProductCounts, createClickHouse, migrate } from '../storage/index.js';

export interface StartStandaloneOptions {
  /** Configuration as loaded by the CLI (flag > env > file > default). */
  config: Config;
  logger: Logger;
  /**
   * Settings laid over `config` once the private Redis runs (the demo points storefronts at the
   * simulator and shortens check intervals this way).
   */
  overrides?: ConfigInput;
  /**
   * Marketplaces the crawler node checks. Default: config `crawler.marketplaces` plus every
   * marketplace with tracked products — watched while running, so a product tracked in a new
   * storefront gets a crawler without a restart.
   */
  marketplaces?: readonly MarketplaceCode[];
  /** How often the tracked marketplaces are looked at again (when not fixed by `marketplaces`), ms. Default 15,000. */
  marketplaceWatchMs?: number;
}

/** Everything `dromedary start` runs. */
export interface Standalone {
  /** The effective configuration (with the private Redis URL and any overrides). */
  readonly config: Config;
  readonly api: ApiServer;
  readonly coordinator: CoordinatorRole;
  /** The running crawler node (replaced by a node with more marketplaces when new ones get products). */
  readonly crawler: CrawlerNode;
  readonly accounts: Accounts;
  readonly clickhouse: ClickHouseClient;
  readonly redis: Redis;
  readonly metrics: MetricsServer | undefined;
  /** Stops every role in order: stop crawling, finish in-flight checks, flush ingestion, close. Idempotent. */
  close(): Promise<void>;
}

type CloseStep = readonly [name: string, close: () => Promise<void> | void];

/** Starts every role; on failure, stops what already started and rethrows. */
export async function startStandalone(options: StartStandaloneOptions): Promise<Standalone> {
  const { logger } = options;
  // Closed in reverse order of opening.
  const opened: CloseStep[] = [];
  const closeOpened = async (): Promise<void> => {
    for (const [name, close] of opened.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        logger.error({ err, step: name }, 'shutdown step failed');
      }
    }
  };

  try {
    let privateRedis: PrivateRedis | undefined;
    let redisUrl = options.config.redis.url;
    if (redisUrl === DEFAULT_REDIS_URL) {
      privateRedis = await startPrivateRedis(options.config.dataDir);
      opened.push(['private redis-server', () => privateRedis?.stop()]);
      redisUrl = privateRedis.url;
      logger.info({ url: redisUrl }, 'private redis-server started');
    }
    const config = withOverrides(options.config, { ...options.overrides, redis: { ...options.overrides?.redis, url: redisUrl } });

    const clickhouse = await createClickHouse(config, { logger, createDatabase: true });
    opened.push(['clickhouse', () => clickhouse.close()]);
    await migrate(clickhouse, { database: config.clickhouse.database, cluster: config.clickhouse.cluster, logger });

    const redis = connectRedis({ url: config.redis.url, name: 'standalone' });
    opened.push(['redis', () => closeRedis(redis)]);
    const keys = redisKeys(config.redis.keyPrefix);

    // One registry per role, the process's default metrics in one of them only; served together below.
    const registries: Registry[] = [createMetricsRegistry('standalone')];
    const roleRegistry = (role: string): Registry => {
      const r = createMetricsRegistry(role, { defaultMetrics: false });
      registries.push(r);
      return r;
    };

    const coordinator = await startCoordinator({
      config,
      logger,
      clickhouse,
      registry: roleRegistry('coordinator'),
      runIngester: true,
      serveMetrics: false,
    });
    opened.push(['coordinator and ingester', () => coordinator.close()]);

    const accounts = createAccounts({ clickhouse, redis, keys, config, coordinator: coordinator.client, logger });
    opened.push(['accounts', () => accounts.close()]);

    const alerter: Alerter = await startAlerter({ clickhouse, redis, config, logger, registry: roleRegistry('alerter') });
    opened.push(['alerter', () => alerter.close()]);

    const api = await startApiServer({ config, logger, clickhouse, redis, accounts, registry: roleRegistry('api') });
    opened.push(['api', () => api.close()]);

    const marketplaces = options.marketplaces ?? (await crawledMarketplaces(config, clickhouse));
    const crawlerConfig = withOverrides(config, { metrics: {} });
    const crawlerRegistry = roleRegistry('crawler');
    const crawlerSlot = registries.indexOf(crawlerRegistry);
    let crawler = await startCrawlerNode({ config: crawlerConfig, logger, marketplaces, registry: crawlerRegistry });
    // A storefront that gets tracked products while running gets crawled: the node is replaced by one
    // checking every marketplace (the old one hands back what it had not started, as on shutdown).
    let watch: NodeJS.Timeout | undefined;
    let replacing: Promise<void> | undefined;
    let stopped = false;
    const replaceCrawler = async (): Promise<void> => {
      const wanted = await crawledMarketplaces(config, clickhouse);
      const added = wanted.filter((m) => !crawler.marketplaces.includes(m));
      if (added.length === 0 || stopped) return;
      logger.info({ added }, 'products tracked in new storefronts: restarting the crawler node with them');
      await crawler.close();
      if (stopped) return;
      const registry = createMetricsRegistry('crawler', { defaultMetrics: false });
      registries[crawlerSlot] = registry;
      crawler = await startCrawlerNode({ config: crawlerConfig, logger, marketplaces: [...new Set([...crawler.marketplaces, ...added])], registry });
    };
    if (options.marketplaces === undefined) {
      watch = setInterval(() => {
        replacing ??= replaceCrawler()
          .catch((err: unknown) => logger.error({ err }, 'adding storefronts to the crawler failed; retrying later'))
          .finally(() => (replacing = undefined));
      }, options.marketplaceWatchMs ?? 15_000);
      watch.unref();
    }
    // Closed first: stop leasing and finish in-flight checks while ingestion and the API still run.
    opened.push([
      'crawler',
      async () => {
        stopped = true;
        clearInterval(watch);
        await replacing;
        await crawler.close();
      },
    ]);

    let metrics: MetricsServer | undefined;
    if (config.metrics.port !== undefined) {
      metrics = await startMetricsServer(registries, { port: config.metrics.port, host: config.metrics.host });
      const server = metrics;
      opened.push(['metrics', () => server.close()]);
    }

    logger.info({ api: api.url, marketplaces, metricsPort: metrics?.port ?? null }, 'dromedary started');
    let closing: Promise<void> | undefined;
    return {
      config,
      api,
      coordinator,
      get crawler() {
        return crawler;
      },
      accounts,
      clickhouse,
      redis,
      metrics,
      close() {
        closing ??= closeOpened();
        return closing;
      },
    };
  } catch (err) {
    await closeOpened();
    throw err;
  }
}

/** The configured crawler marketplaces plus every marketplace that has tracked products. */
async function crawledMarketplaces(config: Config, clickhouse: ClickHouseClient): Promise<MarketplaceCode[]> {
  const wanted = new Set<MarketplaceCode>(config.crawler.marketplaces);
  for (const code of (await activeProductCounts(clickhouse)).keys()) wanted.add(code);
  return MARKETPLACE_CODES.filter((code) => wanted.has(code));
}
