import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../storage/index.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { buildRows, insertBatch } from './ingest-support.js';
import { type TestClickHouse, envelopes, hoursAgoStart, openTestClickHouse, seriesObservations } from './storage-fixtures.js';

let ch: TestClickHouse;
const ASIN = 'B0VIEWSAA1';
const START = hoursAgoStart(2);
// Hourly checks: 1000, 1000, 800 (drop), null (out of stock), 900 (back), 1200 (rise), 1200.
const PRICES = [1000, 1000, 800, null, 900, 1200, 1200];
const HALF_HOUR = 1_800_000;

beforeAll(async () => {
  ch = await openTestClickHouse();
  // Two checks per hour, split over two batches (the second re-inserted below).
  const obs = seriesObservations(ASIN, PRICES, { start: START, stepMs: HALF_HOUR });
  await insertBatch(ch.client, buildRows(envelopes(obs.slice(0, 4)), 1), 'batch-1');
  await insertBatch(ch.client, buildRows(envelopes(obs.slice(4)), 2), 'batch-2');
});

afterAll(async () => {
  await ch?.client.close();
  removeTempDirs();
});

const secs = (ms: number): number => Math.floor(ms / 1000);

describe('materialized views', () => {
  it('roll prices up per hour with min, max, average, first and last', async () => {
    const rows = await selectRows<Record<string, unknown>>(
      ch.client,
      `SELECT toUnixTimestamp(hour) AS hour, min(min_price) AS min, max(max_price) AS max, sum(price_sum) AS sum,
              sum(priced_points) AS priced, sum(points) AS points, bitAnd(min(first_packed), 4294967295) - 1 AS first, bitAnd(max(last_packed), 4294967295) - 1 AS last
       FROM price_hourly WHERE asin = {a:String} GROUP BY hour ORDER BY hour`,
      { a: ASIN },
    );
    const h = secs(START);
    expect(rows).toEqual([
      { hour: h, min: 1000, max: 1000, sum: 2000, priced: 2, points: 2, first: 1000, last: 1000 },
      { hour: h + 3600, min: 800, max: 800, sum: 800, priced: 1, points: 2, first: 800, last: -1 },
      { hour: h + 7200, min: 900, max: 1200, sum: 2100, priced: 2, points: 2, first: 900, last: 1200 },
      { hour: h + 10800, min: 1200, max: 1200, sum: 1200, priced: 1, points: 1, first: 1200, last: 1200 },
    ]);
  });

  it('keep the latest price and all-time statistics per series', async () => {
    const [latest] = await selectRows(ch.client, 'SELECT price, previous_price, toUnixTimestamp(checked_at) AS at FROM price_latest FINAL WHERE asin = {a:String}', { a: ASIN });
    expect(latest).toEqual({ price: 1200, previous_price: 1200, at: secs(START + 6 * HALF_HOUR) });
    const [stats] = await selectRows(
      ch.client,
      `SELECT bitShiftRight(min(min_packed), 32) AS min, bitAnd(min(min_packed), 4294967295) AS min_at,
              bitShiftRight(max(max_packed), 32) AS max, sum(points) AS points,
              toUnixTimestamp(min(first_seen)) AS first_seen, toUnixTimestamp(max(last_seen)) AS last_seen
       FROM price_stats WHERE asin = {a:String}`,
      { a: ASIN },
    );
    expect(stats).toMatchObject({ min: 800, min_at: secs(START + 2 * HALF_HOUR), max: 1200, points: 7, first_seen: secs(START), last_seen: secs(START + 6 * HALF_HOUR) });
  });

  it('record drops with their size, and every change including stock transitions', async () => {
    const drops = await selectRows(ch.client, 'SELECT price, previous_price, drop_amount, round(drop_ratio, 3) AS ratio FROM price_drops WHERE asin = {a:String}', { a: ASIN });
    expect(drops).toEqual([{ price: 800, previous_price: 1000, drop_amount: 200, ratio: 0.2 }]);
    const changes = await selectRows(ch.client, 'SELECT ingest_seq AS seq, kind, price, previous_price FROM price_changes WHERE asin = {a:String} ORDER BY checked_at', { a: ASIN });
    expect(changes).toEqual([
      { seq: 1, kind: 'drop', price: 800, previous_price: 1000 },
      { seq: 1, kind: 'out_of_stock', price: null, previous_price: 800 },
      { seq: 2, kind: 'back_in_stock', price: 900, previous_price: null },
      { seq: 2, kind: 'rise', price: 1200, previous_price: 900 },
    ]);
  });

  it('a batch inserted again with its token changes no table or view', async () => {
    const before = await snapshot();
    const obs = seriesObservations(ASIN, PRICES, { start: START, stepMs: HALF_HOUR });
    await insertBatch(ch.client, buildRows(envelopes(obs.slice(4)), 2), 'batch-2');
    expect(await snapshot()).toEqual(before);
    // The same rows under a new token are a new batch: they land (this is what the token prevents).
    await insertBatch(ch.client, buildRows(envelopes(obs.slice(4)), 3), 'batch-3');
    expect((await snapshot()).points).toBe((before.points ?? 0) + 3);
  });
});

async function snapshot(): Promise<Record<string, number>> {
  const [row] = await selectRows<Record<string, string>>(
    ch.client,
    `SELECT (SELECT count() FROM price_points WHERE asin = {a:String}) AS points,
            (SELECT sum(points) FROM price_hourly WHERE asin = {a:String}) AS hourly,
            (SELECT sum(points) FROM price_days WHERE asin = {a:String}) AS daily,
            (SELECT sum(points) FROM price_stats WHERE asin = {a:String}) AS stats,
            (SELECT count() FROM price_latest WHERE asin = {a:String}) AS latest,
            (SELECT count() FROM price_drops WHERE asin = {a:String}) AS drops,
            (SELECT count() FROM price_changes WHERE asin = {a:String}) AS changes`,
    { a: ASIN },
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}
