/**
 * Cluster-wide request budgets: every request a crawler node sends first reserves a slot under its
 * marketplace's rate (`marketplaces.<m>.ratePerSec`, default `crawler.marketplaceRatePerSec`) and its
 * (proxy, marketplace) rate (`crawler.perProxyRatePerSec`) — both at once, in one Lua script
 * (rate-limit.lua) — and sends when the slot comes. Why not bottleneck: see docs/crawler.md.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Config, type MarketplaceCode } from '../config/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';

/** Reserves request slots under the cluster-wide limits. */
export interface RateLimiter {
  /**
   * Waits until a request of `marketplace` through proxy `proxyId` may be sent, then resolves. Rejects
   * with {@link ProxyCoolingError} when the proxy is cooling there, {@link RateLimitWaitTooLongError}
   * when no slot came within `maxWaitMs` (default 60,000), and the abort reason when `signal` aborts.
   */
  acquire(marketplace: MarketplaceCode, proxyId: string, options?: { maxWaitMs?: number; signal?: AbortSignal }): Promise<void>;
  /** The configured rates of `marketplace`, requests per second. */
  rates(marketplace: MarketplaceCode): { marketplace: number; perProxy: number };
}

export interface RateLimiterOptions {
  /** A connection the limiter may define its script on; the caller closes it. */
  redis: Redis;
  keys: RedisKeys;
  /** `marketplaces.<m>.ratePerSec`, `crawler.marketplaceRatePerSec`, `crawler.perProxyRatePerSec`. */
  config: Pick<Config, 'marketplaces' | 'crawler'>;
  /** Default longest wait for a slot, ms; default 60,000. */
  maxWaitMs?: number;
  /** How long an idle limiter key is kept past its last slot, ms; default 60,000. */
  idleRetentionMs?: number;
}

/** The proxy is cooling in this marketplace (a robot check on some node): use another one. */
export class ProxyCoolingError extends Error {
  constructor(
    readonly proxyId: string,
    /** Epoch ms, Redis clock. */
    readonly until: number,
  ) {
    super(`proxy ${proxyId} is cooling down`);
    this.name = 'ProxyCoolingError';
  }
}

/** The next slot is too far away: the caller should pick another proxy or come back later. */
export class RateLimitWaitTooLongError extends Error {
  constructor(readonly waitMs: number) {
    super(`the next request slot is ${Math.round(waitMs)} ms away`);
    this.name = 'RateLimitWaitTooLongError';
  }
}

const COMMAND = 'dromCrawlerRateLimit';

/**
 * Slots are reserved only this close to now, ms. Reserving further ahead would queue grants that a
 * limiter state loss (keys flushed, Redis restarted empty) cannot see, and each could then coincide
 * with a fresh grant; with a short horizon a loss costs at most one extra request per key.
 */
const RESERVE_HORIZON_MS = 20;

/** A granted slot is given up when using it now would be later than this, ms (see acquire). */
const MAX_LATENESS_MS = 50;
let source: string | undefined;

type ReserveFn = (km: string, kp: string, kc: string, im: number, ip: number, horizon: number, keepMs: number, proxyId: string) => Promise<unknown>;

/** Creates the limiter. Nothing to close: the connection belongs to the caller. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { redis, keys, config } = options;
  const defaultMaxWaitMs = options.maxWaitMs ?? 60_000;
  const keepMs = options.idleRetentionMs ?? 60_000;
  source ??= readFileSync(new URL('./rate-limit.lua', import.meta.url), 'utf8');
  if (typeof (redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
    redis.defineCommand(COMMAND, { numberOfKeys: 3, lua: source });
  }
  const reserve = (redis as unknown as Record<string, ReserveFn>)[COMMAND]!.bind(redis);

  const rates = (marketplace: MarketplaceCode): { marketplace: number; perProxy: number } => ({
    marketplace: config.marketplaces[marketplace]?.ratePerSec ?? config.crawler.marketplaceRatePerSec,
    perProxy: config.crawler.perProxyRatePerSec,
  });

  return {
    rates,
    async acquire(marketplace, proxyId, { maxWaitMs = defaultMaxWaitMs, signal } = {}) {
      const r = rates(marketplace);
      const mk = keys.marketplace(marketplace);
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        signal?.throwIfAborted();
        const askedAt = performance.now();
        const reply = await reserve(
          mk.rateLimiterId('market'),
          mk.rateLimiterId(`proxy:${proxyId}`),
          mk.proxyCooling,
          Math.ceil(1e6 / r.marketplace),
          Math.ceil(1e6 / r.perProxy),
          RESERVE_HORIZON_MS * 1000,
          keepMs,
          proxyId,
        );
        const answeredAt = performance.now();
        if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`rate-limit script returned ${JSON.stringify(reply)}`);
        if (Number(reply[0]) === -1) throw new ProxyCoolingError(proxyId, Number(reply[1]));
        const waitMs = Number(reply[1]) / 1000;
        if (Number(reply[0]) === 1) {
          // Never early: a timer fires at the earliest after its (whole-ms) delay.
          const delay = waitMs > 0 ? Math.ceil(waitMs) : 0;
          if (delay > 0) await sleep(delay, undefined, { signal });
          // A slot is used only close to its time: an answer or a timer that came late (a busy event
          // loop) would otherwise send next to the following slot's request. Late slots are dropped.
          const late = answeredAt - askedAt + (performance.now() - answeredAt - delay);
          if (late <= MAX_LATENESS_MS) return;
          continue;
        }
        if (Date.now() + waitMs > deadline) throw new RateLimitWaitTooLongError(waitMs);
        // Come back when the slot frees; whoever asks first then gets it.
        await sleep(Math.max(1, Math.ceil(waitMs - RESERVE_HORIZON_MS / 2)), undefined, { signal });
      }
    },
  };
}
