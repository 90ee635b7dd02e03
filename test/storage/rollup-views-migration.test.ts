/**
 * Migration 0034 makes the rollup views (price_hourly, price_days, price_stats) write one row per point
 * instead of aggregating each inserted block. Every reader must see exactly what it saw before: the
 * same points are ingested under the old views (one product) and under the new ones (a second product
 * with the same history), in batches that hold several checks of one hour and one day, and every
 * query that reads the rollups must answer the same for both, before and after the engine merges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import type { PriceObservation } from '../../contracts/index.js';
import { silentLogger } from '../../runtime/index.js';
import { browserSummaries, chartData, createClickHouse, migrate, priceHistory, priceStats, selectRows } from '../../storage/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { buildRows, insertBatch } from './ingest-support.js';
import { type TestClickHouse, envelopes, hoursAgoStart, seriesObservations } from './storage-fixtures.js';

const OLD = 'B0ROLLOLD1';
const NEW = 'B0ROLLNEW1';
const START = hoursAgoStart(3);
// Every 20 minutes for three days: three checks an hour, drops, rises, out of stock and back.
const PRICES = Array.from({ length: 3 * 72 }, (_, i) => (i % 29 === 7 ? null : 1000 + ((i * 37) % 11) * 25 - (i % 13 === 0 ? 300 : 0)));

let ch: TestClickHouse;

function history(asin: string): PriceObservation[] {
  const newSeries = seriesObservations(asin, PRICES, { start: START, stepMs: 20 * 60_000 }).map((o, i) => ({ ...o, listPrice: i % 4 === 3 ? null : 1500 + (i % 3) }));
  const used = seriesObservations(asin, PRICES.map((p) => (p === null ? null : Math.round(p * 0.7))), { start: START + 60_000, stepMs: 20 * 60_000, series: 'used' }).map(
    (o) => ({ ...o, condition: 'used' as const, sellerKind: 'third_party' as const }),
  );
  return [...newSeries, ...used];
}

/** Ingests `asin`'s history in batches of 50 points (each holds several checks of one hour and day). */
async function ingest(asin: string, firstSeq: number): Promise<void> {
  const points = history(asin);
  for (let i = 0; i < points.length; i += 50) {
    await insertBatch(ch.client, buildRows(envelopes(points.slice(i, i + 50)), firstSeq + i / 50), `${asin}-${i}`);
  }
}

/** Everything the query functions read from the rollups about `asin`, with the ASIN itself left out. */
async function readings(asin: string, now: Date): Promise<unknown> {
  const ref = { marketplace: 'us' as const, asin };
  const charts = await Promise.all((['1w', '1m', '1y'] as const).map(async (range) => chartData(ch.client, { ...ref, asins: [asin], range, now })));
  const summaries = await browserSummaries(ch.client, { marketplace: 'us', asins: [asin], now });
  const all = {
    history: await Promise.all(
      (['1w', '1m', '3m', 'all'] as const).flatMap((range) => (['new', 'used'] as const).map(async (series) => priceHistory(ch.client, { ...ref, series, range, now }))),
    ),
    stats: await Promise.all((['new', 'used'] as const).map(async (series) => priceStats(ch.client, { ...ref, series, now }))),
    charts: charts.map((c) => c.get(asin)),
    summary: summaries.get(asin),
  };
  // Maps as entry lists in key order (rows come back in no set order), and the ASIN replaced, so that
  // two products' readings compare.
  const entries = (map: Map<unknown, unknown>): unknown[] => [...map].sort(([a], [b]) => String(a).localeCompare(String(b)));
  return JSON.parse(JSON.stringify(all, (_key, value: unknown) => (value instanceof Map ? entries(value) : value)).replaceAll(asin, 'ASIN')) as unknown;
}

beforeAll(async () => {
  const dataDir = makeTempDir('drom-ch-');
  const config = loadConfig({ env: {}, flags: { dataDir } });
  const client = await createClickHouse(config, { logger: silentLogger(), createDatabase: true });
  ch = { config, client, dataDir };
  await migrate(client, { database: config.clickhouse.database, logger: silentLogger(), upTo: 33 });
  await ingest(OLD, 1);
  const applied = await migrate(client, { database: config.clickhouse.database, logger: silentLogger() });
  expect(applied.applied.map((m) => m.version)).toContain(34);
  await ingest(NEW, 100);
});

afterAll(async () => {
  await ch?.client.close();
  removeTempDirs();
});

describe('migration 0034 (rollup views without GROUP BY)', () => {
  it('the rollup views aggregate no more', async () => {
    const views = await selectRows<{ name: string; query: string }>(
      ch.client,
      "SELECT name, as_select AS query FROM system.tables WHERE database = currentDatabase() AND name IN ('price_hourly_mv', 'price_days_mv', 'price_stats_mv') ORDER BY name",
    );
    expect(views.map((v) => v.name)).toEqual(['price_days_mv', 'price_hourly_mv', 'price_stats_mv']);
    for (const view of views) expect(view.query).not.toMatch(/GROUP BY/);
  });

  it('every reader of the rollups answers the same as under the old views, before and after merges', async () => {
    const now = new Date(START + 4 * 86_400_000);
    const before = await readings(OLD, now);
    expect(JSON.stringify(before)).not.toBe(JSON.stringify(await readings('B0NOTHERE1', now)));
    expect(await readings(NEW, now)).toEqual(before);
    for (const table of ['price_hourly', 'price_days', 'price_stats']) await ch.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    expect(await readings(NEW, now)).toEqual(before);
    expect(await readings(OLD, now)).toEqual(before);
  });
});
