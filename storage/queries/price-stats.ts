/**
 * Statistics of one price series: the current (latest) price, lowest/highest/average over the last
 * 30, 90, 180 and 365 days (from the daily rollup, whole days), and all time with when the lowest and
 * highest were seen (from price_stats).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { type LatestPrice, latestPrices } from './latest-prices.js';
import { type SeriesRef, epochMs, numberOrNull, selectRows } from './query-helpers.js';

export const STATS_WINDOWS_DAYS = [30, 90, 180, 365] as const;

export interface WindowStats {
  days: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  /** Observations in the window (with or without an offer). */
  points: number;
}

export interface AllTimeStats {
  min: number | null;
  /** When the lowest price was seen, epoch ms. */
  minAt: number | null;
  max: number | null;
  maxAt: number | null;
  avg: number | null;
  firstSeen: number | null;
  lastSeen: number | null;
  points: number;
}

export interface PriceStats {
  current: LatestPrice | null;
  windows: WindowStats[];
  allTime: AllTimeStats | null;
}

export interface PriceStatsOptions extends SeriesRef {
  /** "Now" for the windows; default now. */
  now?: Date;
}

/** Current, windowed and all-time statistics of a series. */
export async function priceStats(client: ClickHouseClient, options: PriceStatsOptions): Promise<PriceStats> {
  const nowSecs = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const params = { marketplace: options.marketplace, asin: options.asin, series: options.series, now: nowSecs };
  const windowSql = STATS_WINDOWS_DAYS.map(
    (d) => `SELECT ${d} AS days, min(min_price) AS min, max(max_price) AS max,
              if(sum(priced_points) = 0, NULL, round(sum(price_sum) / sum(priced_points))) AS avg, sum(points) AS points
       FROM price_days
       WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series = {series:String}
         AND day > toDate(toDateTime({now:UInt32})) - ${d} AND day <= toDate(toDateTime({now:UInt32}))`,
  ).join('\nUNION ALL\n');
  const [latest, windows, allTime] = await Promise.all([
    latestPrices(client, { marketplace: options.marketplace, asin: options.asin }),
    selectRows<{ days: number; min: number | null; max: number | null; avg: number | null; points: string | number }>(client, windowSql, params),
    selectRows<{
      min: number | null; min_at: number | null; max: number | null; max_at: number | null; avg: number | null;
      first_seen: number | null; last_seen: number | null; points: string | number;
    }>(
      client,
      `SELECT bitShiftRight(min(min_packed), 32) AS min, bitAnd(min(min_packed), 4294967295) AS min_at,
              bitShiftRight(max(max_packed), 32) AS max, bitAnd(max(max_packed), 4294967295) AS max_at,
              if(sum(priced_points) = 0, NULL, round(sum(price_sum) / sum(priced_points))) AS avg,
              toUnixTimestamp(min(first_seen)) AS first_seen, toUnixTimestamp(max(last_seen)) AS last_seen, sum(points) AS points
       FROM price_stats
       WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series = {series:String}
       HAVING count() > 0`,
      params,
    ),
  ]);
  const all = allTime[0];
  return {
    current: latest.find((l) => l.series === options.series) ?? null,
    windows: windows
      .map((w) => ({ days: Number(w.days), min: numberOrNull(w.min), max: numberOrNull(w.max), avg: numberOrNull(w.avg), points: Number(w.points) }))
      .sort((a, b) => a.days - b.days),
    allTime: all
      ? {
          min: numberOrNull(all.min),
          minAt: all.min === null ? null : epochMs(all.min_at),
          max: numberOrNull(all.max),
          maxAt: all.max === null ? null : epochMs(all.max_at),
          avg: numberOrNull(all.avg),
          firstSeen: epochMs(all.first_seen),
          lastSeen: epochMs(all.last_seen),
          points: Number(all.points),
        }
      : null,
  };
}
