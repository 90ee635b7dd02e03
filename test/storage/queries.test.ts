import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HISTORY_RANGES,
  catalogEntries,
  getProduct,
  latestPrices,
  priceHistory,
  priceStats,
  searchProducts,
  streamCatalog,
  upsertCatalog,
  type CatalogEntry,
} from '../../storage/index.js';
import type { ProductMetadata } from '../../contracts/index.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { buildRows, insertBatch } from './ingest-support.js';
import { type TestClickHouse, hoursAgoStart, openTestClickHouse, seriesObservations } from './storage-fixtures.js';

let ch: TestClickHouse;
const ASIN = 'B0QUERYAA1';
const DAYS = 400;
const HOUR = 3_600_000;
const NOW = hoursAgoStart(0);
const START = NOW - DAYS * 24 * HOUR;
const DIP_AT = NOW - 45 * 24 * HOUR;
const dayIndex = (ms: number): number => Math.floor(ms / (24 * HOUR));

/** Price = 10,000 + days before today (older is dearer), with a one-hour dip to 5,000 45 days ago. */
function priceAt(ms: number): number {
  if (ms === DIP_AT) return 5_000;
  return 10_000 + (dayIndex(NOW) - dayIndex(ms));
}

function product(asin: string, title: string, brand: string, salesRank: number | null): ProductMetadata {
  return { marketplace: 'us', asin, title, brand, breadcrumb: '', imageUrl: '', salesRank, parentAsin: null, checkedAt: NOW };
}

beforeAll(async () => {
  ch = await openTestClickHouse();
  const prices: number[] = [];
  for (let t = START; t <= NOW; t += HOUR) prices.push(priceAt(t));
  const obs = seriesObservations(ASIN, prices, { start: START, stepMs: HOUR });
  const used = seriesObservations(ASIN, [4000, 3900], { start: NOW - HOUR, series: 'used' }).map((o) => ({ ...o, condition: 'used' as const, sellerKind: 'third_party' as const }));
  const products = [
    product('B0KETTLEA1', 'Acme Steel Kettle 1.7L', 'Acme', 50),
    product('B0KETTLEB2', 'Glass Kettle with Steel Base', 'Kettleworks', 10),
    product('B0BOTTLEC3', 'Steel Water Bottle', 'Acme', 5),
    product('B0TOASTRD4', 'Two-Slice Toaster', 'Breville', 20),
  ];
  await insertBatch(ch.client, buildRows([{ v: 1, observations: [...obs, ...used], outcomes: [], products }], 1), 'query-data');
});

afterAll(async () => {
  await ch?.client.close();
  removeTempDirs();
});

describe('price history', () => {
  it('picks raw, hourly or daily resolution per range and stays within about 1,000 points', async () => {
    const seen: Record<string, [string, number]> = {};
    for (const range of HISTORY_RANGES) {
      const h = await priceHistory(ch.client, { marketplace: 'us', asin: ASIN, series: 'new', range, now: new Date(NOW) });
      expect(h.points.length).toBeLessThanOrEqual(1_000);
      for (let i = 1; i < h.points.length; i++) expect(h.points[i]!.at).toBeGreaterThan(h.points[i - 1]!.at);
      seen[range] = [h.resolution, h.points.length];
    }
    expect(seen).toEqual({
      '1d': ['raw', 25],
      '1w': ['hourly', 7 * 24 + 1],
      '1m': ['hourly', 31 * 24 + 1],
      '3m': ['daily', 93],
      '1y': ['daily', 367],
      all: ['daily', DAYS + 1],
    });
  });

  it('hourly and daily points carry the bucket min, max and last price', async () => {
    const week = await priceHistory(ch.client, { marketplace: 'us', asin: ASIN, series: 'new', range: '1w', now: new Date(NOW) });
    const last = week.points.at(-1)!;
    expect(last).toMatchObject({ at: NOW, price: 10_000, min: 10_000, max: 10_000 });
    const quarter = await priceHistory(ch.client, { marketplace: 'us', asin: ASIN, series: 'new', range: '3m', now: new Date(NOW) });
    const dipDay = quarter.points.find((p) => p.at === dayIndex(DIP_AT) * 24 * HOUR)!;
    expect(dipDay.min).toBe(5_000);
    expect(dipDay.max).toBe(10_045);
  });
});

describe('price statistics', () => {
  it('gives the current price, 30/90/180/365-day windows and all time with when', async () => {
    const stats = await priceStats(ch.client, { marketplace: 'us', asin: ASIN, series: 'new', now: new Date(NOW) });
    expect(stats.current).toMatchObject({ series: 'new', price: 10_000, checkedAt: NOW });
    expect(stats.windows.map((w) => [w.days, w.min, w.max])).toEqual([
      [30, 10_000, 10_029],
      [90, 5_000, 10_089],
      [180, 5_000, 10_179],
      [365, 5_000, 10_364],
    ]);
    expect(stats.allTime).toMatchObject({ min: 5_000, minAt: DIP_AT, max: 10_000 + DAYS, firstSeen: START, lastSeen: NOW, points: DAYS * 24 + 1 });
    expect(stats.allTime!.maxAt).toBeLessThan(START + 24 * HOUR);
  });

  it('lists the latest price of every series of a product', async () => {
    const latest = await latestPrices(ch.client, { marketplace: 'us', asin: ASIN });
    expect(latest.map((l) => [l.series, l.price, l.previousPrice])).toEqual([
      // The check an hour before: yesterday's price (10,001) when this hour is the day's first.
      ['new', 10_000, priceAt(NOW - HOUR)],
      ['used', 3_900, 4_000],
    ]);
  });
});

describe('product search', () => {
  it('ranks exact ASIN first, then more words in the title, then brand, then sales rank', async () => {
    const kettle = await searchProducts(ch.client, { query: 'steel kettle' });
    expect(kettle.map((h) => h.asin)).toEqual(['B0KETTLEA1', 'B0KETTLEB2']);
    const acme = await searchProducts(ch.client, { marketplace: 'us', query: 'ACME' });
    expect(acme.map((h) => h.asin)).toEqual(['B0KETTLEA1', 'B0BOTTLEC3']);
    const steel = await searchProducts(ch.client, { query: 'steel' });
    expect(steel.map((h) => h.asin)).toEqual(['B0BOTTLEC3', 'B0KETTLEB2', 'B0KETTLEA1']);
    const byAsin = await searchProducts(ch.client, { query: 'b0toastrd4' });
    expect(byAsin[0]).toMatchObject({ asin: 'B0TOASTRD4', title: 'Two-Slice Toaster' });
    expect(await searchProducts(ch.client, { query: '  ;; ' })).toEqual([]);
    expect(await searchProducts(ch.client, { query: "kettle' OR 1=1 --" })).toEqual([]);
  });

  it('returns product metadata', async () => {
    expect(await getProduct(ch.client, { marketplace: 'us', asin: 'B0TOASTRD4' })).toMatchObject({ brand: 'Breville', salesRank: 20, checkedAt: NOW });
    expect(await getProduct(ch.client, { marketplace: 'de', asin: 'B0TOASTRD4' })).toBeNull();
  });
});

describe('catalog', () => {
  it('upserts in batches and streams back the latest version of each entry', async () => {
    const entries: CatalogEntry[] = Array.from({ length: 1_200 }, (_, i): CatalogEntry => ({
      marketplace: (i % 2 === 0 ? 'us' : 'de'),
      asin: `B0CAT${String(i).padStart(5, '0')}`,
      state: 'active' as const,
      addedAt: NOW,
      source: 'import',
      version: 1,
    }));
    await upsertCatalog(ch.client, entries);
    await upsertCatalog(ch.client, [{ ...entries[0]!, state: 'removed', version: 2 }, { ...entries[2]!, state: 'paused', version: 2 }]);
    const us: string[] = [];
    for await (const e of streamCatalog(ch.client, { marketplaces: ['us'] })) us.push(`${e.asin}:${e.state}`);
    expect(us.length).toBe(599);
    expect(us[0]).toBe('B0CAT00002:paused');
    let all = 0;
    for await (const _ of streamCatalog(ch.client, { states: ['active', 'paused', 'retired', 'removed'] })) all++;
    expect(all).toBe(1_200);
    const [removed] = await catalogEntries(ch.client, { marketplace: 'us', asins: ['B0CAT00000'] });
    expect(removed).toMatchObject({ state: 'removed', version: 2, addedAt: NOW, source: 'import' });
  });
});
