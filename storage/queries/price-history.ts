/**
 * History of one price series for a chart: the range picks the resolution so a chart gets at most
 * about 1,000 points — raw points for a day, hourly rollups for a week or a month, daily rollups
 * beyond (wider daily buckets for a very long "all").
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { type SeriesRef, epochMs, numberOrNull, selectRows } from './query-helpers.js';

export const HISTORY_RANGES = ['1d', '1w', '1m', '3m', '1y', 'all'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
export type HistoryResolution = 'raw' | 'hourly' | 'daily';

/** One chart point. For rollups: `price` is the last price of the bucket, with its min/max/avg. */
export interface HistoryPoint {
  /** Start of the bucket (or the check time for raw points), epoch ms. */
  at: number;
  /** Price in minor units; null = no offer (out of stock) at that time. */
  price: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
}

export interface PriceHistory {
  resolution: HistoryResolution;
  /** Bucket width in seconds (0 for raw points). */
  bucketSecs: number;
  points: HistoryPoint[];
}

const DAY_SECS = 86_400;
const RANGE_SECS: Record<Exclude<HistoryRange, 'all'>, number> = { '1d': DAY_SECS, '1w': 7 * DAY_SECS, '1m': 31 * DAY_SECS, '3m': 92 * DAY_SECS, '1y': 366 * DAY_SECS };
const MAX_POINTS = 1_000;
/** The last price of a bucket, unpacked from last_packed ((checked_at << 32) | (price + 1), 0 = no offer). */
const LAST_PRICE = 'if(bitAnd(max(last_packed), 4294967295) = 0, NULL, bitAnd(max(last_packed), 4294967295) - 1)';

/** The resolution used for `range`. */
export function historyResolution(range: HistoryRange): HistoryResolution {
  switch (range) {
    case '1d':
      return 'raw';
    case '1w':
    case '1m':
      return 'hourly';
    case '3m':
    case '1y':
    case 'all':
      return 'daily';
  }
}

export interface PriceHistoryOptions extends SeriesRef {
  range: HistoryRange;
  /** The end of the range; default now. */
  now?: Date;
}

interface RollupRow {
  at: number;
  price: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
}

/** The series' history over `range`, oldest first. */
export async function priceHistory(client: ClickHouseClient, options: PriceHistoryOptions): Promise<PriceHistory> {
  const nowSecs = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const fromSecs = options.range === 'all' ? 0 : nowSecs - RANGE_SECS[options.range];
  const params = { marketplace: options.marketplace, asin: options.asin, series: options.series, from: fromSecs, to: nowSecs };
  const resolution = historyResolution(options.range);
  if (resolution === 'raw') {
    const rows = await selectRows<{ at: number; price: number | null }>(
      client,
      `SELECT toUnixTimestamp(checked_at) AS at, price
       FROM price_points
       WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series = {series:String}
         AND checked_at >= toDateTime({from:UInt32}) AND checked_at <= toDateTime({to:UInt32})
       ORDER BY checked_at
       LIMIT ${MAX_POINTS * 2}`,
      params,
    );
    return {
      resolution,
      bucketSecs: 0,
      points: rows.map((r) => {
        const price = numberOrNull(r.price);
        return { at: epochMs(r.at) ?? 0, price, min: price, max: price, avg: price };
      }),
    };
  }
  if (resolution === 'hourly') {
    const rows = await selectRows<RollupRow>(
      client,
      `SELECT toUnixTimestamp(hour) AS at, ${LAST_PRICE} AS price, min(min_price) AS min, max(max_price) AS max,
              if(sum(priced_points) = 0, NULL, round(sum(price_sum) / sum(priced_points))) AS avg
       FROM price_hourly
       WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series = {series:String}
         AND hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour <= toDateTime({to:UInt32})
       GROUP BY hour ORDER BY hour`,
      params,
    );
    return { resolution, bucketSecs: 3_600, points: rows.map(toPoint) };
  }
  // Daily, in buckets of one or more days so that "all" stays near MAX_POINTS.
  const [span] = await selectRows<{ first: number | null }>(
    client,
    `SELECT toUnixTimestamp(min(day)) AS first FROM price_days
     WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series = {series:String}`,
    params,
  );
  const firstSecs = Math.max(fromSecs, Number(span?.first ?? nowSecs));
  const bucketDays = Math.max(1, Math.ceil((nowSecs - firstSecs) / DAY_SECS / MAX_POINTS));
  const rows = await selectRows<RollupRow>(
    client,
    `SELECT toUnixTimestamp(toDateTime(toStartOfInterval(day, INTERVAL {days:UInt32} DAY), 'UTC')) AS at,
            ${LAST_PRICE} AS price, min(min_price) AS min, max(max_price) AS max,
            if(sum(priced_points) = 0, NULL, round(sum(price_sum) / sum(priced_points))) AS avg
     FROM price_days
     WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series = {series:String}
       AND day >= toDate(toDateTime({from:UInt32})) AND day <= toDate(toDateTime({to:UInt32}))
     GROUP BY at ORDER BY at`,
    { ...params, days: bucketDays },
  );
  return { resolution, bucketSecs: bucketDays * DAY_SECS, points: rows.map(toPoint) };
}

function toPoint(r: RollupRow): HistoryPoint {
  return { at: epochMs(r.at) ?? 0, price: numberOrNull(r.price), min: numberOrNull(r.min), max: numberOrNull(r.max), avg: numberOrNull(r.avg) };
}
