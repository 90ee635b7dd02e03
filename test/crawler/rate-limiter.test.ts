/**
 * The cluster-wide limiter (one Lua script reserving a slot under the marketplace's and the proxy's
 * rate at once), against a real Redis, from several connections as several nodes would use it — and
 * the failure of a clustered bottleneck limiter on this Redis that made it the choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Bottleneck from 'bottleneck';
import { loadConfig } from '../../config/index.js';
import { ProxyCoolingError, RateLimitWaitTooLongError, createRateLimiter } from '../../crawler/index.js';
import { type Redis, redisKeys } from '../../runtime/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let nodeA: Redis;
let nodeB: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  nodeA = redis.client('a');
  nodeB = redis.client('b');
});
afterAll(async () => {
  await redis.stop();
});

const config = (marketplaceRate: number, perProxy: number) =>
  loadConfig({ env: {}, flags: { marketplaces: { us: { ratePerSec: marketplaceRate } }, crawler: { perProxyRatePerSec: perProxy } } });

/** Acquires `n` slots from `limiters` in parallel; returns the times (ms) at which they were granted. */
async function grants(acquire: () => Promise<void>, n: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async () => {
      await acquire();
      times.push(performance.now());
    }),
  );
  return times.sort((a, b) => a - b);
}

describe('the cluster-wide rate limiter', () => {
  it('spaces requests of one proxy by its interval across nodes, and all proxies of a marketplace by the marketplace interval', async () => {
    const keys = redisKeys(`${redis.keyPrefix}a`);
    const a = createRateLimiter({ redis: nodeA, keys, config: config(20, 5) });
    const b = createRateLimiter({ redis: nodeB, keys, config: config(20, 5) });
    // One proxy, two nodes: 200 ms apart (5/s).
    const proxy = await grants(() => (Math.random() < 0.5 ? a : b).acquire('us', 'p1'), 6);
    const proxyGaps = proxy.slice(1).map((t, i) => t - proxy[i]!);
    expect(Math.min(...proxyGaps)).toBeGreaterThanOrEqual(200 - 60);
    expect(proxy.at(-1)! - proxy[0]!).toBeGreaterThanOrEqual(5 * 200 - 60);
    // Many proxies: bound by the marketplace's 20/s (50 ms apart).
    const many = await grants(() => (Math.random() < 0.5 ? a : b).acquire('us', `q${Math.floor(Math.random() * 1e9)}`), 11);
    expect(many.at(-1)! - many[0]!).toBeGreaterThanOrEqual(10 * 50 - 60);
  });

  it('lets idle limiter keys expire on their own without loosening the limit: spacing resumes after them', async () => {
    const keys = redisKeys(`${redis.keyPrefix}b`);
    const limiter = createRateLimiter({ redis: nodeA, keys, config: config(1000, 4), idleRetentionMs: 50 });
    await limiter.acquire('us', 'p1');
    const found = await nodeA.keys(`*${redis.keyPrefix}b*rl*`);
    expect(found.length).toBe(2);
    // Keys live until their slot time plus the retention, then vanish on their own.
    await new Promise((r) => setTimeout(r, 350));
    expect(await nodeA.keys(`*${redis.keyPrefix}b*rl*`)).toEqual([]);
    const after = await grants(() => limiter.acquire('us', 'p1'), 3);
    expect(after[1]! - after[0]!).toBeGreaterThanOrEqual(250 - 40);
  });

  it('refuses a proxy that is cooling in the marketplace, whichever node cooled it', async () => {
    const keys = redisKeys(`${redis.keyPrefix}c`);
    const limiter = createRateLimiter({ redis: nodeB, keys, config: config(100, 100) });
    const [s] = await nodeA.time();
    await nodeA.hset(keys.marketplace('us').proxyCooling, 'p9', `${(Number(s) + 60) * 1000}|1`);
    await expect(limiter.acquire('us', 'p9')).rejects.toBeInstanceOf(ProxyCoolingError);
    await expect(limiter.acquire('de', 'p9')).resolves.toBeUndefined();
  });

  it('gives up when no slot comes in time, reserving nothing', async () => {
    const keys = redisKeys(`${redis.keyPrefix}d`);
    const limiter = createRateLimiter({ redis: nodeA, keys, config: config(1000, 0.5) });
    await limiter.acquire('us', 'p1');
    await expect(limiter.acquire('us', 'p1', { maxWaitMs: 100 })).rejects.toBeInstanceOf(RateLimitWaitTooLongError);
  });

  it('(why not bottleneck) a clustered bottleneck limiter whose keys expired fails for good on this Redis', async () => {
    const client = redis.client('bottleneck');
    const connection = new Bottleneck.IORedisConnection({ client });
    const limiter = new Bottleneck({ id: `${redis.keyPrefix}-bn`, datastore: 'ioredis', connection, minTime: 10, maxConcurrent: null, timeout: 200 });
    limiter.on('error', () => undefined);
    try {
      await limiter.schedule(() => Promise.resolve());
      await new Promise((r) => setTimeout(r, 400));
      expect(await client.exists(`b_${redis.keyPrefix}-bn_settings`)).toBe(0);
      // Redis 7 answers "ERR SETTINGS_KEY_NOT_FOUND"; bottleneck 2.19.5 only recovers from the bare message.
      await expect(limiter.schedule(() => Promise.resolve())).rejects.toThrow(/SETTINGS_KEY_NOT_FOUND/);
      await expect(limiter.schedule(() => Promise.resolve())).rejects.toThrow(/SETTINGS_KEY_NOT_FOUND/);
    } finally {
      await limiter.disconnect(false);
    }
  });
});
