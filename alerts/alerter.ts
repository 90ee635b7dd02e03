/**
 * The alerter role (`dromedary alerter`, and inside `dromedary start`): detection for every
 * marketplace (one alerter at a time per marketplace, by a renewed lease in Redis), delivery (any
 * number of alerters share the queue), and upkeep — putting back pending deliveries Redis lost, and
 * the gauges. Loops never die on an error: they log it and back off.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type Config, MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { type Redis, type RedisKeys, redisKeys } from '../runtime/index.js';
import { committedWatermarks, failingChannelCounts, pendingAlerts } from '../storage/index.js';
import { type AlertsMetrics, createAlertsMetrics } from './alerts-metrics.js';
import { resolveAlertsSecret } from './alerts-secret.js';
import { type Deliverer, createDeliverer } from './deliverer.js';
import { type DeliveryQueue, type KeyLease, createDeliveryQueue, keyLease } from './delivery-queue.js';
import { type Detector, createDetector } from './detector.js';
import { type Mailer, createMailer } from './mailer.js';
import { createTokenSigner } from './signed-token.js';

export interface AlerterOptions {
  clickhouse: ClickHouseClient;
  redis: Redis;
  config: Config;
  logger: Logger;
  /** Where the alerts metrics are registered (the process's registry). */
  registry: Registry;
  /** Key builder; default from config redis.keyPrefix. */
  keys?: RedisKeys;
  /** Marketplaces to judge; default all. */
  marketplaces?: readonly MarketplaceCode[];
  /** Mailer for email deliveries; default one on config alerts.smtpUrl (closed with the alerter). */
  mailer?: Mailer;
  /** How long this alerter keeps a marketplace's detection without renewing, ms. Default 30,000. */
  detectorLeaseMs?: number;
  /** Interval of the upkeep (queue reconcile, gauges), ms. Default 30,000. */
  upkeepMs?: number;
  /**
   * Pending deliveries younger than this are left to the writer that is queueing them; older ones not
   * on the queue are put back (Redis lost them), ms. Default 30,000.
   */
  reconcileAgeMs?: number;
}

/** A running alerter. */
export interface Alerter {
  start(): Promise<void>;
  /** Stops taking work, finishes the step in hand, writes the cursors, hands back the leases (idempotent). */
  close(): Promise<void>;
  readonly metrics: AlertsMetrics;
  /** The detectors' cursors (marketplaces this alerter judges now) and the queue's size. */
  progress(): Promise<{ cursors: Partial<Record<MarketplaceCode, number>>; due: number; inflight: number }>;
}

/** Creates and starts an alerter. */
export async function startAlerter(options: AlerterOptions): Promise<Alerter> {
  const alerter = createAlerter(options);
  await alerter.start();
  return alerter;
}

/** An alerter, not yet started. */
export function createAlerter(options: AlerterOptions): Alerter {
  const { clickhouse, redis, config } = options;
  const keys = options.keys ?? redisKeys(config.redis.keyPrefix);
  const log = options.logger.child({ component: 'alerter' });
  const marketplaces = options.marketplaces ?? MARKETPLACE_CODES;
  const metrics = createAlertsMetrics(options.registry);
  const queue: DeliveryQueue = createDeliveryQueue(redis, keys);
  const ownMailer = options.mailer ? undefined : config.alerts.smtpUrl ? createMailer({ smtpUrl: config.alerts.smtpUrl, logger: log }) : undefined;
  const pollMs = config.alerts.pollMs;
  const leaseMs = options.detectorLeaseMs ?? 30_000;
  const upkeepMs = options.upkeepMs ?? 30_000;
  let deliverer: Deliverer | undefined;
  const detectors = new Map<MarketplaceCode, { detector: Detector; lease: KeyLease; held: boolean }>();
  const abort = new AbortController();
  const sleepers = new Set<() => void>();
  const wake = (): void => {
    for (const resume of sleepers) resume();
    sleepers.clear();
  };
  const loops: Promise<void>[] = [];
  let started = false;
  let closing: Promise<void> | undefined;

  const pause = async (ms: number): Promise<void> => {
    await sleep(ms, undefined, { signal: abort.signal }).catch(() => undefined);
  };
  const napUntilWoken = async (ms: number): Promise<void> => {
    let resume: () => void = () => {};
    const woken = new Promise<void>((resolve) => (resume = resolve));
    sleepers.add(resume);
    await Promise.race([pause(ms), woken]);
    sleepers.delete(resume);
  };

  const detectorFor = (marketplace: MarketplaceCode): { detector: Detector; lease: KeyLease; held: boolean } => {
    let entry = detectors.get(marketplace);
    if (!entry) {
      entry = {
        detector: createDetector({ clickhouse, redis, keys, queue, marketplace, config, logger: log, metrics }),
        // The owner is the instance id: an alerter restarted under the same id (after a crash) takes its
        // marketplaces back at once instead of waiting for its old lease to run out.
        lease: keyLease(redis, keys.alerts.detector(marketplace), leaseMs, config.instanceId ?? `alerter:${process.pid}`),
        held: false,
      };
      detectors.set(marketplace, entry);
    }
    return entry;
  };

  const detectOnce = async (): Promise<boolean> => {
    const watermarks = await committedWatermarks(redis, keys, marketplaces);
    let busy = false;
    for (const marketplace of marketplaces) {
      if (abort.signal.aborted) break;
      if (!watermarks[marketplace]) continue;
      const entry = detectorFor(marketplace);
      const held = await entry.lease.tryAcquire();
      if (!held) {
        if (entry.held) log.warn({ marketplace }, 'another alerter took over this marketplace');
        entry.held = false;
        continue;
      }
      if (!entry.held) {
        await entry.detector.load();
        entry.held = true;
      }
      const result = await entry.detector.step();
      if (result.alerts > 0) wake();
      if (!result.caughtUp) busy = true;
    }
    return busy;
  };

  const loop = async (name: string, once: () => Promise<boolean>, idleMs: () => number): Promise<void> => {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const busy = await once();
        failures = 0;
        if (!busy) await (name === 'delivery' ? napUntilWoken(idleMs()) : pause(idleMs()));
      } catch (err) {
        failures++;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
        log.error({ err, loop: name, failures, retryInMs: delay }, 'alerter step failed');
        await pause(delay);
      }
    }
  };

  const reconcile = async (): Promise<void> => {
    // Pending deliveries Redis no longer holds (it lost them, or a writer died between its record and
    // its queueing) go back on the queue; young ones are left to the writer that is queueing them.
    const cutoff = Date.now() - (options.reconcileAgeMs ?? 30_000);
    let afterId = '';
    let restored = 0;
    for (;;) {
      const page = await pendingAlerts(clickhouse, { limit: 1000, afterId });
      if (page.length === 0) break;
      afterId = page.at(-1)!.alertId;
      const byMarketplace = new Map<MarketplaceCode, { alertId: string; ingestSeq: number; dueAt: number }[]>();
      for (const a of page) {
        if (a.createdAt > cutoff) continue;
        const list = byMarketplace.get(a.marketplace) ?? [];
        list.push({ alertId: a.alertId, ingestSeq: a.ingestSeq, dueAt: a.nextAttemptAt });
        byMarketplace.set(a.marketplace, list);
      }
      for (const [marketplace, items] of byMarketplace) restored += await queue.enqueue(marketplace, items);
      if (page.length < 1000) break;
    }
    if (restored > 0) log.warn({ restored }, 'pending deliveries put back on the queue');
    const size = await queue.size();
    metrics.queueDue.set(size.due);
    metrics.queueInflight.set(size.inflight);
    const failing = await failingChannelCounts(clickhouse, 3);
    for (const channel of ['email', 'webhook'] as const) metrics.failingChannels.set({ channel }, failing[channel]);
  };

  return {
    metrics,
    async progress() {
      const cursors: Partial<Record<MarketplaceCode, number>> = {};
      for (const [marketplace, entry] of detectors) if (entry.held) cursors[marketplace] = entry.detector.cursor;
      return { cursors, ...(await queue.size()) };
    },
    start() {
      if (started) return Promise.resolve();
      started = true;
      const signer = createTokenSigner(resolveAlertsSecret(config, log));
      deliverer = createDeliverer({ clickhouse, queue, config, mailer: options.mailer ?? ownMailer, signer, logger: log, metrics });
      const d = deliverer;
      loops.push(loop('detection', detectOnce, () => pollMs));
      // Two senders: one waits on ClickHouse while the other is sending.
      for (let i = 0; i < 2; i++) loops.push(loop('delivery', async () => (await d.step()) > 0, () => pollMs));
      loops.push(loop('upkeep', async () => (await reconcile(), false), () => upkeepMs));
      log.info({ marketplaces: marketplaces.length, smtp: Boolean(options.mailer ?? ownMailer) }, 'alerter started');
      return Promise.resolve();
    },
    close() {
      closing ??= (async () => {
        abort.abort();
        wake();
        await Promise.allSettled(loops);
        for (const [marketplace, entry] of detectors) {
          if (!entry.held) continue;
          await entry.detector.flush().catch((err: unknown) => log.error({ err, marketplace }, 'cursor not written at close'));
          await entry.lease.release().catch(() => undefined);
        }
        ownMailer?.close();
        log.info('alerter stopped');
      })();
      return closing;
    },
  };
}
