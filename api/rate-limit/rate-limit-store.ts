/**
 * The store behind @fastify/rate-limit: per-client fixed windows counted in Redis (one Lua script per
 * request, so every API process shares the count), with a fallback while Redis is unreachable:
 * the same limits counted in this process alone. A Redis restart therefore neither blocks requests
 * nor lifts the limit; counts simply start again (fresh windows) when Redis is back.
 *
 * Commands go over a connection of their own that never queues while disconnected and times out
 * quickly, so a Redis outage costs a request at most {@link COMMAND_TIMEOUT_MS}, and only until the
 * connection is known to be down.
 */
import { readFileSync } from 'node:fs';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Longest a rate-limit command may take before the local count is used, ms. */
export const COMMAND_TIMEOUT_MS = 250;

const SCRIPT = readFileSync(new URL('./rate-limit.lua', import.meta.url), 'utf8');

interface Counter {
  count: number;
  resetAt: number;
}

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

interface RateLimitRedis extends Redis {
  dromedaryRateLimit(key: string, windowMs: number): Promise<[number, number]>;
}

/** Options of {@link createRateLimitStore}. */
export interface RateLimitStoreOptions {
  /** A connection for the counters, opened with `enableOfflineQueue: false` and a command timeout. */
  redis: Redis;
  /** Prefix of the counter keys (runtime/redis-keys.ts api.rateLimitPrefix). */
  prefix: string;
  logger: Logger;
  /** Clock; default Date.now. */
  now?: () => number;
}

/** Counts in Redis, falling back to this process's own counts while Redis fails. */
export class FallbackRateLimitStore implements FastifyRateLimitStore {
  readonly #o: RateLimitStoreOptions;
  readonly #prefix: string;
  readonly #local: Map<string, Counter>;
  #lastSweep = 0;
  #degraded = false;

  constructor(options: RateLimitStoreOptions, prefix = options.prefix, local = new Map<string, Counter>()) {
    this.#o = options;
    this.#prefix = prefix;
    this.#local = local;
    const redis = options.redis as RateLimitRedis;
    if (typeof redis.dromedaryRateLimit !== 'function') redis.defineCommand('dromedaryRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  }

  incr(key: string, callback: Callback, timeWindow: number): void {
    const redis = this.#o.redis as RateLimitRedis;
    const fullKey = `${this.#prefix}${key}`;
    if (redis.status !== 'ready') {
      callback(null, this.#countLocally(fullKey, timeWindow));
      return;
    }
    redis.dromedaryRateLimit(fullKey, timeWindow).then(
      ([current, ttl]) => {
        if (this.#degraded) {
          this.#degraded = false;
          this.#o.logger.info('rate limits counted in Redis again');
        }
        callback(null, { current: Number(current), ttl: Number(ttl) });
      },
      (err: unknown) => {
        if (!this.#degraded) {
          this.#degraded = true;
          this.#o.logger.warn({ err }, 'rate-limit counter unavailable; counting in this process until Redis is back');
        }
        callback(null, this.#countLocally(fullKey, timeWindow));
      },
    );
  }

  child(routeOptions: RouteOptions): FastifyRateLimitStore {
    // Per-route limits get keys of their own (the plugin passes the route's method and URL).
    const route = (routeOptions as unknown as { routeInfo?: { method?: string; url?: string } }).routeInfo;
    return new FallbackRateLimitStore(this.#o, `${this.#prefix}${route?.method ?? ''}${route?.url ?? ''}:`, this.#local);
  }

  #countLocally(key: string, windowMs: number): { current: number; ttl: number } {
    const now = (this.#o.now ?? Date.now)();
    if (now - this.#lastSweep > windowMs) {
      this.#lastSweep = now;
      for (const [k, c] of this.#local) if (c.resetAt <= now) this.#local.delete(k);
    }
    let counter = this.#local.get(key);
    if (!counter || counter.resetAt <= now) {
      counter = { count: 0, resetAt: now + windowMs };
      this.#local.set(key, counter);
    }
    counter.count++;
    return { current: counter.count, ttl: counter.resetAt - now };
  }
}

/** The class @fastify/rate-limit instantiates (it calls `new Store(globalParams)`), bound to `options`. */
export function createRateLimitStore(options: RateLimitStoreOptions): FastifyRateLimitStoreCtor {
  return class BoundRateLimitStore extends FallbackRateLimitStore {
    constructor() {
      super(options);
    }
  };
}
