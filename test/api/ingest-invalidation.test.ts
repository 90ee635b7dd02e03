/**
 * The cache stays honest end to end: the real ingester commits a batch from the Redis stream and
 * announces its products; the API's listener evicts them, so the next chart and lookup show the new
 * price at once. After the announcement channel was lost (a Redis restart), the whole cache is dropped.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserProductResponse, ChartResponse, PriceObservation } from '../../contracts/index.js';
import { redisKeys, silentLogger } from '../../runtime/index.js';
import { type Ingester, createIngestProducer, createIngester } from '../../storage/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { type ApiEnv, DAY_MS, daily, json, startApiEnv, writeHistory } from './api-fixture.js';

const ASIN = 'B0INGESTED';
let env: ApiEnv;
let ingester: Ingester;

beforeAll(async () => {
  env = await startApiEnv({ config: { instanceId: 'api-test-ingester', ingest: { blockMs: 50 } } });
  await writeHistory(env.clickhouse, { asin: ASIN, title: 'Blender' }, { new: daily(30, 60, () => 5_000, Date.now() - DAY_MS) });
  ingester = createIngester({ redis: env.redis, clickhouse: env.clickhouse, config: env.config, logger: silentLogger(), registry: new Registry(), marketplaces: ['us'] });
  await ingester.start();
}, 60_000);

afterAll(async () => {
  await ingester?.close();
  await env?.close();
});

function observation(price: number, checkedAt: number, previous: { price: number; at: number }): PriceObservation {
  return {
    marketplace: 'us', asin: ASIN, series: 'new', condition: 'new', sellerKind: 'amazon', price, previousPrice: previous.price,
    previousCheckedAt: previous.at, currency: 'USD', listPrice: null, isBuyBox: true, availability: 'in_stock', offerCount: 1,
    checkedAt, crawlerId: 'test', checkId: `check-${checkedAt}`,
  };
}

describe('cache invalidation on ingest', () => {
  it('shows a newly ingested price on the next request, without waiting for the cache to age', async () => {
    const keys = redisKeys(env.config.redis.keyPrefix);
    const chartUrl = `/api/v1/products/${ASIN}/chart?range=1m`;
    const lookupUrl = `/api/v1/browser/product?url=${encodeURIComponent(`https://www.amazon.com/dp/${ASIN}`)}`;
    expect(json<ChartResponse>(await env.app.inject({ method: 'GET', url: chartUrl })).statistics[0]?.current).toBe(5_000);
    expect(json<BrowserProductResponse>(await env.app.inject({ method: 'GET', url: lookupUrl })).current).toBe(5_000);

    const announcements: string[] = [];
    const subscriber = env.redis.duplicate();
    subscriber.on('message', (_channel: string, message: string) => announcements.push(message));
    await subscriber.subscribe(keys.productsChangedChannel);

    const producer = createIngestProducer({ redis: env.redis, keys, maxStreamLength: 1_000 });
    const now = Date.now();
    await producer.append('us', { v: 1, observations: [observation(4_200, now - 1_000, { price: 5_000, at: now - DAY_MS })], outcomes: [], products: [] });

    await waitFor('the ingester to announce the product', () => announcements.includes(`us ${ASIN}`));
    await waitFor('the chart to show the new price', async () => json<ChartResponse>(await env.app.inject({ method: 'GET', url: chartUrl })).statistics[0]?.current === 4_200);
    expect(json<BrowserProductResponse>(await env.app.inject({ method: 'GET', url: lookupUrl })).current).toBe(4_200);
    await subscriber.quit();
  });

  it('drops the whole cache when the announcement channel comes back after a Redis restart', async () => {
    const server = env.testRedis.server;
    if (!server) return; // REDIS_URL points at a shared server: not ours to restart.
    await env.app.inject({ method: 'GET', url: `/api/v1/products/${ASIN}/chart?range=3m` });
    const cache = env.api.cache;
    expect(cache.size).toBeGreaterThan(0);
    await server.stop();
    await server.start();
    await waitFor('the listener to drop the cache after reconnecting', () => cache.size === 0, { timeoutMs: 15_000 });
  });
});
