/**
 * The coordinator role (`dromedary coordinator`): returns expired leases to the schedule, records
 * retirements in the catalog, exports the schedule's metrics, and runs the ingester unless told not
 * to. Stateless: several may run; each step is an atomic script.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Config, MARKETPLACE_CODES } from '../config/index.js';
import {
  type MetricsServer,
  type Redis,
  closeRedis,
  connectRedis,
  createMetricsRegistry,
  redisKeys,
  startMetricsServer,
} from '../runtime/index.js';
import { type Ingester, createClickHouse, createIngester, migrate } from '../storage/index.js';
import { recordRetirements } from './catalog-admin.js';
import { type CoordinatorClient, createCoordinatorClient } from './coordinator-client.js';
import { registerCoordinatorMetrics } from './coordinator-metrics.js';

export interface CoordinatorRoleOptions {
  config: Config;
  logger: Logger;
  /** Run the ingester in this process; default config `coordinator.runIngester`. */
  runIngester?: boolean;
  /** Period of the reaper, ms; default 1,000. */
  reapIntervalMs?: number;
  /** Period of recording retirements in the catalog, ms; default 10,000. */
  retirementIntervalMs?: number;
  /** Registry for the coordinator's (and its ingester's) metrics; default a new one (role `coordinator`). */
  registry?: Registry;
  /** ClickHouse client to use (not closed here); default one opened from config when the ingester runs. */
  clickhouse?: ClickHouseClient;
  /** Serve the metrics on config `metrics.port`; default true (a process running several roles serves them itself). */
  serveMetrics?: boolean;
}

/** A running coordinator. */
export interface CoordinatorRole {
  readonly client: CoordinatorClient;
  /** The metrics endpoint, when config `metrics.port` is set. */
  readonly metrics: MetricsServer | undefined;
  /** Stops the loops, the ingester, the metrics server and closes connections. Idempotent. */
  close(): Promise<void>;
}

/** Starts the coordinator role; resolves once it runs. */
export async function startCoordinator(options: CoordinatorRoleOptions): Promise<CoordinatorRole> {
  const { config } = options;
  const logger = options.logger.child({ component: 'coordinator' });
  const runIngester = options.runIngester ?? config.coordinator.runIngester;
  const reapIntervalMs = options.reapIntervalMs ?? 1_000;
  const retirementIntervalMs = options.retirementIntervalMs ?? 10_000;
  const redis: Redis = connectRedis({ url: config.redis.url, name: 'coordinator' });
  const client = createCoordinatorClient({ redis, keys: redisKeys(config.redis.keyPrefix), config });
  const registry = options.registry ?? createMetricsRegistry('coordinator');
  registerCoordinatorMetrics({ registry, coordinator: client, onError: (err) => logger.warn({ err }, 'status for metrics failed') });

  let clickhouse: ClickHouseClient | undefined = options.clickhouse;
  const ownsClickHouse = options.clickhouse === undefined;
  let ingester: Ingester | undefined;
  let metrics: MetricsServer | undefined;
  let stopped = false;
  const wakers = new Set<() => void>();
  const loops: Promise<void>[] = [];

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  async function reapOnce(): Promise<void> {
    for (const marketplace of await client.marketplaces()) {
      const r = await client.reap(marketplace);
      if (r.leases > 0) logger.info({ marketplace, leases: r.leases, asins: r.items }, 'expired leases returned to the schedule');
    }
  }

  async function retireOnce(ch: ClickHouseClient): Promise<void> {
    for (const marketplace of await client.marketplaces()) {
      const n = await recordRetirements({ coordinator: client, clickhouse: ch, source: 'crawler' }, marketplace);
      if (n > 0) logger.info({ marketplace, products: n }, 'retired products recorded in the catalog');
    }
  }

  function loop(name: string, everyMs: number, step: () => Promise<void>): void {
    loops.push(
      (async () => {
        while (!stopped) {
          try {
            await step();
          } catch (err) {
            logger.error({ err, step: name }, 'coordinator step failed');
          }
          if (!stopped) await sleep(everyMs);
        }
      })(),
    );
  }

  try {
    if (runIngester) {
      clickhouse ??= await createClickHouse(config, { logger: options.logger, createDatabase: true });
      await migrate(clickhouse, { database: config.clickhouse.database, cluster: config.clickhouse.cluster, logger: options.logger });
      ingester = createIngester({ redis, clickhouse, config, logger: options.logger, registry, marketplaces: MARKETPLACE_CODES });
      await ingester.start();
    }
    if (config.metrics.port !== undefined && (options.serveMetrics ?? true)) metrics = await startMetricsServer([registry], { port: config.metrics.port, host: config.metrics.host });
  } catch (err) {
    await ingester?.close();
    if (ownsClickHouse) await clickhouse?.close();
    await closeRedis(redis);
    throw err;
  }

  loop('reap', reapIntervalMs, reapOnce);
  const ch = clickhouse;
  if (ch) loop('retire', retirementIntervalMs, () => retireOnce(ch));
  logger.info({ runIngester, metricsPort: metrics?.port ?? null }, 'coordinator started');

  let closing: Promise<void> | undefined;
  return {
    client,
    metrics,
    close() {
      closing ??= (async () => {
        stopped = true;
        for (const wake of [...wakers]) wake();
        await Promise.all(loops);
        await ingester?.close();
        await metrics?.close();
        if (ownsClickHouse) await clickhouse?.close();
        await closeRedis(redis);
        logger.info('coordinator stopped');
      })();
      return closing;
    },
  };
}
