/**
 * The ingester: moves price observations, crawl outcomes and product metadata from every
 * marketplace's Redis stream into ClickHouse, in large batches, acknowledging only after the insert
 * returned. Embeddable (`dromedary start`, the coordinator) or standalone (`dromedary ingest`).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config, MarketplaceCode } from '../../config/index.js';
import { redisKeys } from '../../runtime/index.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { IngestScripts } from './ingest-scripts.js';
import { MarketplaceIngestLoop } from './marketplace-ingest-loop.js';

export interface IngesterOptions {
  /** Redis connection for commands; the ingester opens its own duplicates for blocking reads. */
  redis: Redis;
  clickhouse: ClickHouseClient;
  /** Uses redis.keyPrefix, instanceId (the consumer name) and ingest.*. */
  config: Config;
  logger: Logger;
  /** Registry for the ingester's metrics. */
  registry: Registry;
  /** Marketplaces whose streams this ingester reads. */
  marketplaces: readonly MarketplaceCode[];
  /** An entry or in-flight batch idle this long (ms) belongs to a stopped ingester and is taken over. Default 60,000. */
  claimIdleMs?: number;
  /** Approximate cap of each dead-letter stream (oldest dropped first). Default 100,000. */
  deadLetterCap?: number;
}

export interface Ingester {
  /** Starts reading every stream; resolves once the loops run. */
  start(): Promise<void>;
  /** Stops reading, finishes (or leaves recorded) the batch in hand, closes its own connections. Idempotent. */
  close(): Promise<void>;
}

/** Creates an ingester; nothing happens until {@link Ingester.start}. */
export function createIngester(options: IngesterOptions): Ingester {
  const consumer = options.config.instanceId;
  if (!consumer) throw new Error('config.instanceId is required: it names this ingester in the consumer group');
  const keys = redisKeys(options.config.redis.keyPrefix);
  const metrics = createIngestMetrics(options.registry);
  const scripts = new IngestScripts(options.redis);
  let loops: MarketplaceIngestLoop[] = [];
  let running: Promise<void>[] = [];
  let closing: Promise<void> | undefined;
  return {
    start() {
      if (loops.length > 0) return Promise.resolve();
      loops = options.marketplaces.map(
        (marketplace) =>
          new MarketplaceIngestLoop({
            marketplace,
            keys: keys.marketplace(marketplace),
            consumer,
            redis: options.redis,
            reader: options.redis.duplicate({ connectionName: `ingest-${marketplace}` }),
            scripts,
            clickhouse: options.clickhouse,
            config: options.config,
            logger: options.logger,
            metrics,
            claimIdleMs: options.claimIdleMs ?? 60_000,
            deadLetterCap: options.deadLetterCap ?? 100_000,
            productsChangedChannel: keys.productsChangedChannel,
          }),
      );
      running = loops.map((loop) => loop.run());
      options.logger.info({ marketplaces: options.marketplaces, consumer }, 'ingester started');
      return Promise.resolve();
    },
    close() {
      closing ??= (async () => {
        for (const loop of loops) loop.stop();
        await Promise.all(running);
        options.logger.info('ingester stopped');
      })();
      return closing;
    },
  };
}
