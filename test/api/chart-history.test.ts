/**
 * Chart data, statistics, history (JSON and CSV), the browser lookup and search, through inject() on
 * the real engines, against price histories whose figures are known.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserProductResponseSchema, chartResponseSchema, type ChartResponse } from '../../contracts/index.js';
import { redisKeys } from '../../runtime/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { type ApiEnv, DAY_MS, type Point, daily, json, startApiEnv, writeHistory } from './api-fixture.js';

const NOW = Date.now();
const A = 'B0TESTAAA1';
const LONG = 'B0TESTLNG1';
const UNKNOWN = 'B0NOTHERE1';

/** The `new` price of product A by age in days (see the figures asserted below). */
function priceAt(ageDays: number): number {
  if (ageDays > 200) return 20_000;
  if (ageDays > 100) return 25_000;
  if (ageDays > 40) return 18_000;
  if (ageDays > 10) return 21_000;
  return 17_500;
}

let env: ApiEnv;

beforeAll(async () => {
  env = await startApiEnv();
  const halfDays = 800;
  const newSeries: Point[] = Array.from({ length: halfDays + 1 }, (_, i) => {
    const age = (halfDays - i) / 2;
    return { at: NOW - age * DAY_MS - 60_000, price: priceAt(age), listPrice: 29_900 };
  });
  await writeHistory(env.clickhouse, { asin: A, title: 'Wireless Headphones Pro', brand: 'Sonica', breadcrumb: 'Electronics › Headphones' }, {
    new: newSeries,
    amazon: daily(21, 20, () => 19_000, NOW - 60_000),
    used: [...daily(30, 60, () => 12_000, NOW - DAY_MS), { at: NOW - 60_000, price: null }],
  });
  // Three years of checks every 6 hours: "all" must still come back under 1,000 points.
  await writeHistory(env.clickhouse, { asin: LONG, title: 'Cordless Drill', brand: 'Boreit', breadcrumb: 'Tools › Drills' }, {
    new: daily(4_381, 1_095, (i) => 5_000 + (i % 7) * 10, NOW - 60_000),
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

async function chart(query: string): Promise<ChartResponse> {
  const response = await env.app.inject({ method: 'GET', url: `/api/v1/products/${A}/chart?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return chartResponseSchema.parse(json(response));
}

describe('chart data', () => {
  it('serves each range from its resolution, within the range and under 1,000 points per line', async () => {
    const expected = { '1d': 'raw', '1w': 'hourly', '1m': 'hourly', '3m': 'daily', '1y': 'daily', all: 'daily' } as const;
    for (const [range, resolution] of Object.entries(expected)) {
      for (const asin of [A, LONG]) {
        const response = await env.app.inject({ method: 'GET', url: `/api/v1/products/${asin}/chart?range=${range}` });
        const body = chartResponseSchema.parse(json(response));
        expect(body.resolution, `${asin} ${range}`).toBe(resolution);
        expect(body.lines.length).toBeGreaterThan(0);
        for (const line of body.lines) {
          expect(line.t.length, `${asin} ${range} ${line.series}`).toBeLessThanOrEqual(1_000);
          expect(line.t.length).toBe(line.price.length);
          if (line.series !== 'list') for (const t of line.t) expect(t).toBeGreaterThanOrEqual(body.from - DAY_MS);
          expect([...line.t].sort((a, b) => a - b)).toEqual(line.t);
        }
      }
    }
    const all = chartResponseSchema.parse(json(await env.app.inject({ method: 'GET', url: `/api/v1/products/${LONG}/chart?range=all` })));
    expect(all.bucketSecs).toBeGreaterThan(86_400);
    expect(all.lines[0]!.t.length).toBeGreaterThan(300);
    const raw = await chart('range=1d&series=new');
    expect(raw.lines[0]!.t.length).toBe(2);
  });

  it('computes current, windows, all time, percentile, moves, trend and the good-deal verdict', async () => {
    const body = await chart('range=1y');
    const stats = body.statistics.find((s) => s.series === 'new')!;
    expect(body.primarySeries).toBe('new');
    expect(stats.current).toBe(17_500);
    expect(stats.allTime.lowest).toBe(17_500);
    expect(stats.allTime.highest).toBe(25_000);
    const w = Object.fromEntries(stats.windows.map((x) => [x.days, x]));
    expect(w[30]).toMatchObject({ lowest: 17_500, highest: 21_000 });
    expect(w[90]).toMatchObject({ lowest: 17_500, highest: 21_000 });
    expect(w[180]).toMatchObject({ lowest: 17_500, highest: 25_000 });
    expect(w[365]).toMatchObject({ lowest: 17_500, highest: 25_000 });
    expect(w[90]!.average).toBeGreaterThan(17_500);
    expect(w[90]!.average).toBeLessThan(21_000);
    expect(stats.drops).toBe(2);
    expect(stats.increases).toBe(2);
    expect(stats.percentile).toBeGreaterThanOrEqual(0);
    expect(stats.percentile).toBeLessThan(5);
    expect(stats.trend.direction).toBe('falling');
    expect(stats.verdict).toMatchObject({ verdict: 'good_deal', allTimeLow: true, low90: 17_500, goodDealAtOrBelow: 18_375 });
    expect(stats.verdict.historyDays).toBeGreaterThanOrEqual(399);
  });

  it('says so when a series has too little history or no offer, and judges nothing', async () => {
    const body = await chart('range=1m');
    const amazon = body.statistics.find((s) => s.series === 'amazon')!;
    expect(amazon.current).toBe(19_000);
    expect(amazon.verdict.verdict).toBe('insufficient_history');
    expect(amazon.verdict.reason).toMatch(/20 days of history; a verdict needs 35/);
    const used = body.statistics.find((s) => s.series === 'used')!;
    expect(used.current).toBeNull();
    expect(used.verdict.verdict).toBe('unavailable');
    expect(used.percentile).toBeNull();
  });

  it('lets every series be selected by condition or by name, the list price included', async () => {
    const newOnly = await chart('range=3m&condition=new');
    expect(newOnly.lines.map((l) => l.series).sort()).toEqual(['amazon', 'list', 'new']);
    expect(newOnly.lines.find((l) => l.series === 'list')!.price.every((p) => p === 29_900)).toBe(true);
    const used = await chart('range=3m&condition=used');
    expect(used.lines.map((l) => l.series)).toEqual(['used']);
    expect(used.lines[0]!.price.at(-1)).toBeNull();
    const picked = await chart('range=3m&series=amazon,list');
    expect(picked.lines.map((l) => l.series)).toEqual(['amazon', 'list']);
    expect(picked.statistics.map((s) => s.series)).toEqual(['amazon']);
  });

  it('answers a product it knows nothing about with empty lines', async () => {
    const response = await env.app.inject({ method: 'GET', url: `/api/v1/products/${UNKNOWN}/chart?range=1y` });
    expect(response.statusCode).toBe(200);
    const body = chartResponseSchema.parse(json(response));
    expect(body.lines).toEqual([]);
    expect(body.primarySeries).toBeNull();
  });

  it('sends ETag and Cache-Control, answers 304 to a matching If-None-Match, and gzip to those who accept it', async () => {
    const url = `/api/v1/products/${A}/chart?range=3m`;
    const first = await env.app.inject({ method: 'GET', url });
    expect(first.headers['cache-control']).toMatch(/max-age=\d+/);
    const etag = String(first.headers.etag);
    const again = await env.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const gz = await env.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(first.rawPayload.length);
  });

  it('drops cached data of a product when its new prices are announced', async () => {
    const url = `/api/v1/products/${A}/chart?range=1d&series=new`;
    const before = await chart('range=1d&series=new');
    expect(before.statistics[0]!.current).toBe(17_500);
    // A new observation lands (as the ingester writes it) and is announced on the channel.
    await writeHistory(env.clickhouse, { asin: A }, { new: [{ at: Date.now() - 1_000, price: 16_000 }] });
    const cached = json<ChartResponse>(await env.app.inject({ method: 'GET', url }));
    expect(cached.statistics[0]!.current).toBe(17_500);
    await env.redis.publish(redisKeys(env.config.redis.keyPrefix).productsChangedChannel, `us ${A}`);
    await waitFor('the announcement to evict the chart', async () => {
      const fresh = json<ChartResponse>(await env.app.inject({ method: 'GET', url }));
      return fresh.statistics[0]!.current === 16_000;
    });
  });
});

describe('history', () => {
  it('returns the chart\'s points as objects', async () => {
    const response = await env.app.inject({ method: 'GET', url: `/api/v1/products/${LONG}/history?range=1w&condition=new` });
    expect(response.statusCode).toBe(200);
    const body = json<{ resolution: string; series: { series: string; points: { at: number; price: number | null }[] }[] }>(response);
    expect(body.resolution).toBe('hourly');
    const points = body.series.find((s) => s.series === 'new')!.points;
    expect(points.length).toBeGreaterThanOrEqual(27);
    expect(points.every((p) => typeof p.at === 'number' && (p.price === null || p.price >= 5_000))).toBe(true);
  });

  it('exports every raw point of the range as CSV in major units, no offer as an empty price', async () => {
    const response = await env.app.inject({ method: 'GET', url: `/api/v1/products/${A}/history.csv?range=3m&condition=used` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.trim().split('\n');
    expect(lines[0]).toBe('marketplace,asin,series,checked_at,price,currency,list_price,availability');
    expect(lines).toHaveLength(1 + 31);
    expect(lines[1]).toMatch(/^us,B0TESTAAA1,used,\d{4}-\d\d-\d\dT[\d:.]+Z,120\.00,USD,,in_stock$/);
    expect(lines.at(-1)).toMatch(/^us,B0TESTAAA1,used,[^,]+,,USD,,out_of_stock$/);
  });
});

describe('browser lookup', () => {
  it('reads the product from any Amazon URL shape and answers tracked, prices and verdict', async () => {
    const urls = [
      `https://www.amazon.com/dp/${A}`,
      `https://www.amazon.com/Wireless-Headphones-Pro/dp/${A}/ref=sr_1_3?keywords=headphones&qid=1`,
      `https://www.amazon.com/gp/product/${A}?th=1`,
      `https://www.amazon.com/gp/aw/d/${A}`,
      `amazon.com/dp/${A.toLowerCase()}`,
    ];
    for (const url of urls) {
      const response = await env.app.inject({ method: 'GET', url: `/api/v1/browser/product?url=${encodeURIComponent(url)}` });
      expect(response.statusCode, url).toBe(200);
      const body = browserProductResponseSchema.parse(json(response));
      expect(body).toMatchObject({ marketplace: 'us', asin: A, tracked: true, known: true, currency: 'USD', current: 16_000, primarySeries: 'new' });
      expect(body.lowest?.price).toBe(16_000);
      expect(body.highest?.price).toBe(25_000);
      expect(body.product?.title).toBe('Wireless Headphones Pro');
      expect(body.product?.category).toBe('Electronics');
      expect(body.verdict.verdict).toBe('good_deal');
      expect(body.links.chartData).toContain(`/api/v1/products/${A}/chart`);
    }
  });

  it('knows the marketplace from the storefront and answers "not tracked" for unknown products', async () => {
    const response = await env.app.inject({ method: 'GET', url: `/api/v1/browser/product?url=${encodeURIComponent(`https://www.amazon.de/dp/${UNKNOWN}`)}` });
    expect(response.statusCode).toBe(200);
    const body = browserProductResponseSchema.parse(json(response));
    expect(body).toMatchObject({ marketplace: 'de', asin: UNKNOWN, tracked: false, known: false, currency: 'EUR', current: null });
    expect(body.verdict.verdict).toBe('unavailable');
  });

  it('refuses URLs that are not Amazon product pages, without fetching anything', async () => {
    for (const url of ['https://example.com/dp/B0TESTAAA1', 'https://www.amazon.com/gp/help/customer', 'not a url at all', 'javascript:alert(1)', A]) {
      const response = await env.app.inject({ method: 'GET', url: `/api/v1/browser/product?url=${encodeURIComponent(url)}` });
      expect(response.statusCode, url).toBe(400);
      expect(json(response)).toMatchObject({ error: 'bad_request' });
    }
  });
});

describe('search', () => {
  it('finds products by words, brand, ASIN and URL', async () => {
    const words = json<{ results: { asin: string }[]; interpretedAs: string }>(await env.app.inject({ method: 'GET', url: '/api/v1/products/search?q=wireless%20headphones' }));
    expect(words.interpretedAs).toBe('words');
    expect(words.results.map((r) => r.asin)).toEqual([A]);
    const brand = json<{ results: { asin: string }[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/products/search?q=boreit' }));
    expect(brand.results.map((r) => r.asin)).toEqual([LONG]);
    const asin = json<{ results: { asin: string }[]; interpretedAs: string }>(await env.app.inject({ method: 'GET', url: `/api/v1/products/search?q=${LONG.toLowerCase()}` }));
    expect(asin).toMatchObject({ interpretedAs: 'asin', results: [{ asin: LONG }] });
    const url = json<{ results: { asin: string }[]; interpretedAs: string; marketplace: string }>(
      await env.app.inject({ method: 'GET', url: `/api/v1/products/search?q=${encodeURIComponent(`https://www.amazon.com/Cordless/dp/${LONG}?psc=1`)}` }),
    );
    expect(url).toMatchObject({ interpretedAs: 'url', marketplace: 'us', results: [{ asin: LONG }] });
    const none = json<{ results: unknown[] }>(await env.app.inject({ method: 'GET', url: '/api/v1/products/search?q=wireless%20drill' }));
    expect(none.results).toEqual([]);
  });

  it('ranks title matches above brand-only matches and pages with limit and offset', async () => {
    await writeHistory(env.clickhouse, { asin: 'B0TESTHP02', title: 'Studio Monitor', brand: 'Headphones Inc' }, { new: [{ at: NOW - DAY_MS, price: 9_900 }] });
    const first = json<{ results: { asin: string }[]; hasMore: boolean }>(await env.app.inject({ method: 'GET', url: '/api/v1/products/search?q=headphones&limit=1' }));
    expect(first.results.map((r) => r.asin)).toEqual([A]);
    expect(first.hasMore).toBe(true);
    const second = json<{ results: { asin: string }[]; hasMore: boolean }>(await env.app.inject({ method: 'GET', url: '/api/v1/products/search?q=headphones&limit=1&offset=1' }));
    expect(second.results.map((r) => r.asin)).toEqual(['B0TESTHP02']);
    expect(second.hasMore).toBe(false);
  });
});
