/**
 * A marketplace pauses itself on a node while every proxy of the node is cooling there: the node stops
 * leasing it (the lease manager's gate), hands back what waits, and says so in Redis
 * (`{prefix:m:<m>}:crawler-paused`, node id → until when, Redis clock) so `admin status` shows it.
 */
import type { Logger } from 'pino';
import type { MarketplaceCode } from '../config/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import type { CrawlerMetrics } from './crawler-metrics.js';
import type { LeaseRequestManager } from './lease-request-manager.js';
import type { ProxyPool } from './proxy-pool.js';

export interface SelfPauseOptions {
  redis: Redis;
  keys: RedisKeys;
  nodeId: string;
  pool: ProxyPool;
  managers: readonly LeaseRequestManager[];
  metrics: CrawlerMetrics;
  logger: Logger;
  /** How often the pool's health is looked at, ms; default 200. */
  everyMs?: number;
}

/** Watches the node's marketplaces; see the module comment. */
export interface SelfPause {
  isPaused(marketplace: MarketplaceCode): boolean;
  start(): void;
  /** Stops watching and clears this node's pause records. Idempotent. */
  close(): Promise<void>;
}

export function createSelfPause(options: SelfPauseOptions): SelfPause {
  const { redis, keys, nodeId, pool, metrics, logger } = options;
  const paused = new Set<MarketplaceCode>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> | undefined;

  async function look(): Promise<void> {
    for (const manager of options.managers) {
      const mk = manager.marketplace;
      const h = pool.health(mk);
      const key = keys.marketplace(mk).crawlerPaused;
      if (h.healthy === 0 && !paused.has(mk)) {
        paused.add(mk);
        metrics.selfPause(mk);
        logger.warn({ marketplace: mk, cooling: h.cooling, resumesInMs: (h.nextClearAt ?? Date.now()) - Date.now() }, 'every proxy is cooling: marketplace paused on this node');
        const handed = await manager.handBackQueued('paused');
        if (handed > 0) metrics.handedBack(mk, 'paused', handed);
      }
      if (h.healthy === 0) {
        const [s, us] = await redis.time();
        const offset = Number(s) * 1000 + Math.floor(Number(us) / 1000) - Date.now();
        await redis.hset(key, nodeId, String(Math.round((h.nextClearAt ?? Date.now()) + offset)));
      } else if (paused.delete(mk)) {
        await redis.hdel(key, nodeId);
        logger.info({ marketplace: mk }, 'a proxy cooled down: marketplace resumed on this node');
      }
    }
  }

  const schedule = (): void => {
    timer = setTimeout(() => {
      running = look()
        .catch((err: unknown) => logger.warn({ err }, 'pause watch failed'))
        .finally(() => {
          running = undefined;
          if (!closed) schedule();
        });
    }, options.everyMs ?? 200);
    timer.unref();
  };

  return {
    isPaused: (mk) => paused.has(mk),
    start: schedule,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
      for (const manager of options.managers) await redis.hdel(keys.marketplace(manager.marketplace).crawlerPaused, nodeId).catch(() => 0);
    },
  };
}
