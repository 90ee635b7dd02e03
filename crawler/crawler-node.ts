/**
 * `startCrawlerNode`: one crawler node — for each of its marketplaces a Crawlee crawler fed by the
 * coordinator through a lease request manager — sharing the node's proxy pool, the cluster-wide
 * rate limiter, the settle buffer and the metrics. The composition root of the crawler part.
 */
import { Configuration } from '@crawlee/core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Config, type MarketplaceCode, productUrl } from '../config/index.js';
import { type CoordinatorClient, type SchedulePolicy, createCoordinatorClient } from '../coordinator/index.js';
import {
  type MetricsServer,
  type Redis,
  closeRedis,
  connectRedis,
  createMetricsRegistry,
  redisKeys,
  startMetricsServer,
} from '../runtime/index.js';
import { createCheckRunner } from './check-runner.js';
import { createPageReader } from './page-reader.js';
import { type CrawlerMetrics, registerCrawlerMetrics } from './crawler-metrics.js';
import { type CheckCrawler, createHttpCheckCrawler } from './http-check-crawler.js';
import { type LeaseGate, LeaseRequestManager } from './lease-request-manager.js';
import { type ProxyPool, createProxyPool } from './proxy-pool.js';
import { createRateLimiter } from './rate-limiter.js';
import { type SelfPause, createSelfPause } from './self-pause.js';
import { createSessionProxies } from './session-proxies.js';
import { type SettleBuffer, createSettleBuffer } from './settle-buffer.js';

export interface CrawlerNodeOptions {
  config: Config;
  logger: Logger;
  /** Marketplaces this node checks; default config `crawler.marketplaces`. */
  marketplaces?: readonly MarketplaceCode[];
  /** Checks running at once on the node (split evenly over its marketplaces); default config `crawler.concurrency`. */
  concurrency?: number;
  /** Fetch with Chromium (PlaywrightCrawler); default config `crawler.browser`. */
  browser?: boolean;
  /** Lease length asked for, ms; default config `coordinator.leaseMs`. */
  leaseMs?: number;
  /** Registry for the node's metrics; default a new one (role `crawler`). Served on config `metrics.port` when set. */
  registry?: Registry;
  /** Rescheduling tuning used when this node settles checks (see the coordinator); default the coordinator's. */
  policy?: Partial<SchedulePolicy>;
  /** Send each marketplace's delivery postcode once per new session; default true. */
  pinDeliveryLocation?: boolean;
  /** Worker threads decoding and parsing pages (0: on the event loop); default one per core beyond the first. */
  readerWorkers?: number;
  /** How long an idle rate-limiter key outlives its last slot, ms; default 60,000 (expiry never loosens a limit). */
  limiterIdleRetentionMs?: number;
  /** Longest wait for running checks at shutdown before they are abandoned (their leases expire), ms; default 30,000. */
  shutdownGraceMs?: number;
}

/** A running crawler node. */
export interface CrawlerNode {
  /** The worker id leases are held under (config `instanceId`). */
  readonly workerId: string;
  readonly marketplaces: readonly MarketplaceCode[];
  readonly registry: Registry;
  /** The metrics endpoint when config `metrics.port` is set. */
  readonly metricsServer: MetricsServer | undefined;
  readonly proxies: ProxyPool;
  /** Resolves when the node stopped: `closed` by {@link close}, `drained` because the coordinator said so. */
  readonly done: Promise<'closed' | 'drained'>;
  /** Per marketplace: held ASINs, running checks, whether it paused itself. */
  stats(): Record<string, { held: number; running: number; leases: number; selfPaused: boolean }>;
  /** Stops leasing, hands back queued checks, lets running ones finish, flushes results, closes everything. Idempotent. */
  close(): Promise<void>;
}

interface MarketplaceWorker {
  readonly marketplace: MarketplaceCode;
  readonly manager: LeaseRequestManager;
  readonly crawler: CheckCrawler;
  running: Promise<void> | undefined;
}

/** Starts a crawler node; resolves once it is leasing. */
export async function startCrawlerNode(options: CrawlerNodeOptions): Promise<CrawlerNode> {
  const { config } = options;
  const workerId = config.instanceId ?? 'crawler';
  const logger = options.logger.child({ component: 'crawler-node' });
  const marketplaces = [...new Set(options.marketplaces ?? config.crawler.marketplaces)];
  if (marketplaces.length === 0) throw new Error('a crawler node needs at least one marketplace');
  const concurrency = options.concurrency ?? config.crawler.concurrency;
  const perMarketplace = Math.max(1, Math.ceil(concurrency / marketplaces.length));
  const browser = options.browser ?? config.crawler.browser;
  const leaseMs = options.leaseMs ?? config.coordinator.leaseMs;
  const keys = redisKeys(config.redis.keyPrefix);

  const redis: Redis = connectRedis({ url: config.redis.url, name: `crawler:${workerId}` });
  // ioredis reconnects by itself; while Redis is away, say so once per attempt instead of crashing.
  redis.on('error', (err: Error) => logger.warn({ err: { name: err.name, message: err.message } }, 'redis connection error'));
  const coordinator: CoordinatorClient = createCoordinatorClient({ redis, keys, config, policy: options.policy });
  const limiter = createRateLimiter({ redis, keys, config, idleRetentionMs: options.limiterIdleRetentionMs });
  const reader = createPageReader({ workers: options.readerWorkers });
  const registry = options.registry ?? createMetricsRegistry('crawler');
  const workers = new Map<MarketplaceCode, MarketplaceWorker>();
  const lateMetrics: { current?: CrawlerMetrics } = {};

  const pool = createProxyPool({
    redis,
    keys,
    config,
    nodeId: workerId,
    marketplaces,
    logger: options.logger,
    onCooled: (m, proxyId) => {
      lateMetrics.current?.proxyCooled(m);
      sessionsOf.get(m)?.retireSessionsOf(proxyId);
    },
  });
  const sessionsOf = new Map(marketplaces.map((m) => [m, createSessionProxies(m, pool)] as const));

  const m = registerCrawlerMetrics(registry, {
    marketplaces: () => marketplaces,
    leasesHeld: (m) => workers.get(m)?.manager.leaseCount ?? 0,
    asinsHeld: (m) => workers.get(m)?.manager.held ?? 0,
    checksInFlight: (m) => workers.get(m)?.manager.inProgress ?? 0,
    proxies: (m) => pool.health(m),
    selfPaused: (mk) => pauseWatch.current?.isPaused(mk) ?? false,
  });
  lateMetrics.current = m;

  const settle: SettleBuffer = createSettleBuffer({
    coordinator,
    logger: options.logger,
    onSettled: (leaseId, entry, fate) => {
      const mk = entry.outcome.marketplace;
      workers.get(mk)?.manager.settled(leaseId, [entry.check.asin]);
      if (fate === 'recorded') m.check(mk, entry.outcome.outcome);
      else {
        m.checksDropped(mk, 1);
        if (fate === 'lease_lost') workers.get(mk)?.manager.leaseLost(leaseId);
      }
    },
  });

  let stopping = false;
  let resolveDone: (why: 'closed' | 'drained') => void = () => {};
  const done = new Promise<'closed' | 'drained'>((resolve) => {
    resolveDone = resolve;
  });
  let closing: Promise<void> | undefined;
  // Created once the managers exist; read by metrics and stats before that.
  const pauseWatch: { current?: SelfPause } = {};
  let metricsServer: MetricsServer | undefined;

  // No local storage; a memory budget instead of 25 % of the host; system snapshots (which spawn `ps`)
  // every 10 s instead of every second — concurrency is fixed, nothing autoscales on them.
  const crawleeConfig = new Configuration({
    persistStorage: false,
    memoryMbytes: config.crawler.memoryMbytes,
    purgeOnStart: false,
    headless: true,
    systemInfoIntervalMillis: 10_000,
    persistStateIntervalMillis: 600_000,
  });

  function gate(mk: MarketplaceCode): LeaseGate {
    if (stopping) return { open: false, retryAt: Number.MAX_SAFE_INTEGER, reason: 'stopping' };
    const h = pool.health(mk);
    if (h.healthy === 0) return { open: false, retryAt: h.nextClearAt ?? Date.now() + 1_000, reason: 'paused' };
    return { open: true };
  }

  async function shutdown(why: 'closed' | 'drained'): Promise<void> {
    stopping = true;
    logger.info({ reason: why }, 'crawler node stopping');
    for (const w of workers.values()) {
      await w.manager.stop();
      w.crawler.stop();
    }
    const grace = options.shutdownGraceMs ?? 30_000;
    let graceTimer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all([...workers.values()].map(async (w) => w.running)).then(() => true),
      new Promise<false>((resolve) => {
        graceTimer = setTimeout(() => resolve(false), grace);
      }),
    ]);
    if (graceTimer) clearTimeout(graceTimer);
    if (!finished) logger.warn({ graceMs: grace }, 'running checks did not finish in time; their leases will expire');
    await settle.close();
    await pauseWatch.current?.close();
    for (const w of workers.values()) await w.manager.closeLeases();
    await metricsServer?.close();
    await reader.close();
    await pool.close();
    await closeRedis(redis);
    logger.info({ reason: why }, 'crawler node stopped');
    resolveDone(why);
  }

  const close = (why: 'closed' | 'drained' = 'closed'): Promise<void> => {
    closing ??= shutdown(why);
    return closing;
  };

  try {
    await pool.start();
    for (const mk of marketplaces) {
      const sessions = sessionsOf.get(mk)!;
      const manager = new LeaseRequestManager({
        marketplace: mk,
        coordinator,
        workerId,
        maxHeld: perMarketplace * 2,
        batchSize: Math.min(config.coordinator.batchSize, perMarketplace * 2),
        leaseMs,
        productUrl: (asin) => productUrl(config, mk, asin),
        gate: () => gate(mk),
        logger: options.logger,
        onDraining: () => void close('drained'),
        onLeaseLost: () => m.leaseLost(mk),
      });
      const runner = createCheckRunner({ marketplace: mk, config, crawlerId: workerId, pool, limiter, sessions, settle, metrics: m, reader, logger: options.logger });
      const crawlerOptions = {
        marketplace: mk,
        config,
        manager,
        runner,
        sessions,
        metrics: m,
        logger: options.logger,
        concurrency: perMarketplace,
        crawleeConfig,
        pinDeliveryLocation: options.pinDeliveryLocation ?? true,
        reader,
      };
      // Playwright loads only when a node runs in browser mode.
      const crawler = browser ? (await import('./browser-check-crawler.js')).createBrowserCheckCrawler(crawlerOptions) : createHttpCheckCrawler(crawlerOptions);
      workers.set(mk, { marketplace: mk, manager, crawler, running: undefined });
    }
    if (config.metrics.port !== undefined) metricsServer = await startMetricsServer([registry], { port: config.metrics.port, host: config.metrics.host });
  } catch (err) {
    await reader.close();
    await pool.close();
    await closeRedis(redis);
    throw err;
  }

  for (const w of workers.values()) {
    w.manager.start();
    w.running = w.crawler.run().catch((err: unknown) => {
      logger.error({ err, marketplace: w.marketplace }, 'crawler stopped with an error');
      void close();
    });
  }
  const selfPause = createSelfPause({ redis, keys, nodeId: workerId, pool, managers: [...workers.values()].map((w) => w.manager), metrics: m, logger: options.logger });
  pauseWatch.current = selfPause;
  selfPause.start();
  logger.info({ workerId, marketplaces, concurrency, browser, readerWorkers: reader.workers, proxies: pool.list().length, metricsPort: metricsServer?.port ?? null }, 'crawler node started');

  return {
    workerId,
    marketplaces,
    registry,
    get metricsServer() {
      return metricsServer;
    },
    proxies: pool,
    done,
    stats() {
      const out: Record<string, { held: number; running: number; leases: number; selfPaused: boolean }> = {};
      for (const w of workers.values()) out[w.marketplace] = { held: w.manager.held, running: w.manager.inProgress, leases: w.manager.leaseCount, selfPaused: pauseWatch.current?.isPaused(w.marketplace) ?? false };
      return out;
    },
    close: () => close('closed'),
  };
}
