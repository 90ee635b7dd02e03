/**
 * Everything a price chart and its statistics need about one or more products of one marketplace, in
 * ONE statement: the embedded engine runs one statement at a time and each table read costs a few
 * milliseconds, so a cold chart reads as few tables as it can. The statement is a UNION ALL of
 * primary-key range reads returning one row per (product, part, series), with arrays:
 *
 * - `line` (ranges 1d, 1w, 1m, all): the chart's points at the range's resolution — raw points (1d),
 *   hourly rollups (1w, 1m), daily rollups in buckets of one or more days (all, ≤ ~1,000 points);
 * - `day`: the product's whole daily rollup, read once: the days of the statistics window
 *   ({@link CHART_STATS_DAYS}) as arrays (they are also the 3m and 1y lines), plus the all-time
 *   lowest / highest (with their day), sums, first day and the latest observation (packed);
 * - `moves`: from price_moves_daily (migration 0031), per day: drops, increases and the list price.
 *
 * Several products in one statement is how concurrent cache misses are served together.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import type { HistoryRange, HistoryResolution } from './price-history.js';
import { selectRows } from './query-helpers.js';

const DAY_SECS = 86_400;
const DAY_MS = DAY_SECS * 1000;
/** Days of daily rollups returned as arrays for the statistics (and the 3m / 1y lines). */
export const CHART_STATS_DAYS = 366;
/** The most points a line carries (raw 1d lines are cut there; "all" widens its buckets to stay under it). */
export const CHART_MAX_POINTS = 1_000;
const RANGE_SECS: Record<Exclude<HistoryRange, 'all'>, number> = { '1d': DAY_SECS, '1w': 7 * DAY_SECS, '1m': 31 * DAY_SECS, '3m': 92 * DAY_SECS, '1y': 366 * DAY_SECS };

/** Columns of one series' points, oldest first. Times epoch ms; prices minor units (null = no offer). */
export interface SeriesColumns {
  t: number[];
  price: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/** One day of a series' daily rollup. */
export interface ChartDay {
  /** Epoch ms of the day's start (UTC). */
  day: number;
  min: number | null;
  max: number | null;
  /** Sum and count of the day's prices (observations with an offer). */
  sum: number;
  priced: number;
  /** Observations, with or without an offer. */
  points: number;
  /** The day's last price (null = no offer at the day's last check). */
  close: number | null;
}

/** All-time figures of a series (from the daily rollup: "when" is the day, UTC). */
export interface ChartAllTime {
  lowest: number | null;
  lowestAt: number | null;
  highest: number | null;
  highestAt: number | null;
  sum: number;
  priced: number;
  points: number;
  /** Day of the first observation, epoch ms. */
  firstSeen: number | null;
  /** The latest observation: when, and its price (null = no offer then). */
  latestAt: number | null;
  latestPrice: number | null;
}

/** The chart data of one product. */
export interface ProductChartData {
  asin: string;
  resolution: HistoryResolution;
  /** Bucket width of the line, seconds (0 = raw points). */
  bucketSecs: number;
  /** Start and end of the range, epoch ms. */
  from: number;
  to: number;
  /** Lines by series (for 3m / 1y built from `days`). */
  lines: Map<Series, SeriesColumns>;
  /** List price by day: the range, and up to 31 days before it (to carry the price into the range). */
  listPrice: { t: number[]; price: (number | null)[] };
  /** Days of the statistics window, by series. */
  days: Map<Series, ChartDay[]>;
  allTime: Map<Series, ChartAllTime>;
  /** Drops and increases within the statistics window, by series. */
  moves: Map<Series, { drops: number; increases: number }>;
}

export interface ChartDataOptions {
  marketplace: MarketplaceCode;
  asins: readonly string[];
  range: HistoryRange;
  /** End of the range; default now. */
  now?: Date;
}

/** The resolution of a range's line. */
export function chartResolution(range: HistoryRange): HistoryResolution {
  if (range === '1d') return 'raw';
  if (range === '1w' || range === '1m') return 'hourly';
  return 'daily';
}

type Cell = string | number | null;

interface UnionRow {
  asin: string;
  k: 'line' | 'day' | 'moves';
  s: Series;
  /** One array per point/day: the branch's columns (see each branch). */
  r: Cell[][];
  /** Per-series scalars (the `day` branch's all-time figures, the `all` line's bucket width). */
  x: Cell[];
}

// Every branch yields: asin, k, s, r Array(Array(Nullable(Int64))), x Array(Nullable(Int64)).
// Points are gathered as arrays (never as separate groupArray columns: groupArray skips NULLs, and a
// NULL price — no offer — must keep its place).
const KEY = 'marketplace = {marketplace:String} AND asin IN {asins:Array(String)}';
const TO_DAY = 'toDate(toDateTime({to:UInt32}))';
const STATS_FROM_DAY = 'toDate(toDateTime({statsFrom:UInt32}))';
const NO_X = "CAST([], 'Array(Nullable(Int64))')";
/** The price inside a packed (checked_at << 32) | (price + 1) value, NULL for "no offer". */
const unpack = (packed: string): string => `if(bitAnd(${packed}, 4294967295) = 0, NULL, toInt64(bitAnd(${packed}, 4294967295)) - 1)`;
const row = (cells: readonly string[]): string => `CAST([${cells.map((c) => `toInt64(${c})`).join(', ')}], 'Array(Nullable(Int64))')`;
const points = (cells: readonly string[], condition?: string): string =>
  condition ? `groupArrayIf(${row(cells)}, ${condition})` : `groupArray(${row(cells)})`;
const epochSecsOfDay = (day: string): string => `toUnixTimestamp(toDateTime(${day}, 'UTC'))`;

function lineBranch(range: HistoryRange): string | undefined {
  switch (range) {
    case '1d':
      // r: [checked_at secs, price] — the latest CHART_MAX_POINTS of the day (checks come hours apart; the cap is a guard)
      return `SELECT asin, 'line' AS k, toString(series) AS s, ${points(['toUnixTimestamp(checked_at)', 'price'])} AS r, ${NO_X} AS x
              FROM (SELECT asin, series, checked_at, price FROM price_points
                    WHERE ${KEY} AND checked_at >= toDateTime({from:UInt32}) AND checked_at <= toDateTime({to:UInt32})
                    ORDER BY asin, series, checked_at DESC LIMIT ${CHART_MAX_POINTS} BY asin, series)
              GROUP BY asin, series`;
    case '1w':
    case '1m':
      // r: [hour secs, last check secs, last price, min, max] — one per stored rollup row: rows of one
      // hour still in different parts are merged by the reader (cheaper than GROUP BY here).
      return `SELECT asin, 'line' AS k, toString(series) AS s,
                     ${points(['toUnixTimestamp(hour)', 'bitShiftRight(last_packed, 32)', unpack('last_packed'), 'min_price', 'max_price'])} AS r, ${NO_X} AS x
              FROM price_hourly
              WHERE ${KEY} AND hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour <= toDateTime({to:UInt32})
              GROUP BY asin, series`;
    case 'all':
      // Buckets of `bd` days keep "all" under CHART_MAX_POINTS; `bd` follows each product's own history.
      // r: [bucket start secs, last price, min, max]; x: [bucket days]
      return `SELECT asin, 'line' AS k, toString(series) AS s, ${points([`b * ${DAY_SECS}`, unpack('lp'), 'lo', 'hi'])} AS r,
                     CAST([toInt64(any(bdays))], 'Array(Nullable(Int64))') AS x
              FROM (SELECT asin, series, intDiv(d, bd) * bd AS b, any(bd) AS bdays, max(dlp) AS lp, min(dlo) AS lo, max(dhi) AS hi
                    FROM (SELECT asin, series, toUInt32(day) AS d, max(last_packed) AS dlp, min(min_price) AS dlo, max(max_price) AS dhi,
                                 greatest(1, intDiv(toUInt32(${TO_DAY}) - min(toUInt32(day)) OVER (PARTITION BY asin), ${CHART_MAX_POINTS}) + 1) AS bd
                          FROM price_daily
                          WHERE ${KEY} AND day <= ${TO_DAY}
                          GROUP BY asin, series, day)
                    GROUP BY asin, series, b ORDER BY b)
              GROUP BY asin, series`;
    case '3m':
    case '1y':
      return undefined;
  }
}

// r: [day secs, min, max, price sum, priced points, points, last check secs, last price] for the days of
// the statistics window, one per stored rollup row (the reader merges rows of one day still in
// different parts: cheaper than a GROUP BY here);
// x: [lowest, lowest day, highest, highest day, price sum, priced points, points, first day, latest check secs, latest price]
const DAY_BRANCH = `SELECT asin, 'day' AS k, toString(series) AS s,
       ${points([epochSecsOfDay('day'), 'min_price', 'max_price', 'price_sum', 'priced_points', 'points', 'bitShiftRight(last_packed, 32)', unpack('last_packed')], `day >= ${STATS_FROM_DAY}`)} AS r,
       ${row(['min(min_price)', epochSecsOfDay('argMin(day, min_price)'), 'max(max_price)', epochSecsOfDay('argMax(day, max_price)'), 'sum(price_sum)',
              'sum(priced_points)', 'sum(points)', epochSecsOfDay('min(day)'), 'bitShiftRight(max(last_packed), 32)', unpack('max(last_packed)')])} AS x
FROM price_daily
WHERE ${KEY} AND day <= ${TO_DAY}
GROUP BY asin, series`;

// r: [day secs, drops, increases, list price check secs, list price] — one per stored row (merged by the reader)
const MOVES_BRANCH = `SELECT asin, 'moves' AS k, toString(series) AS s,
       ${points([epochSecsOfDay('day'), 'drops', 'increases', 'bitShiftRight(list_packed, 32)', unpack('list_packed')])} AS r, ${NO_X} AS x
FROM price_moves_daily
WHERE ${KEY} AND day >= toDate(toDateTime({movesFrom:UInt32})) AND day <= ${TO_DAY}
GROUP BY asin, series`;

/** The statement (its UNION ALL parts) and parameters for `options`. */
export function chartStatement(options: ChartDataOptions): { branches: string[]; params: Record<string, string | number | string[]> } {
  const nowSecs = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const fromSecs = options.range === 'all' ? 0 : nowSecs - RANGE_SECS[options.range];
  const statsFrom = Math.floor(nowSecs / DAY_SECS) * DAY_SECS - (CHART_STATS_DAYS - 1) * DAY_SECS;
  const movesFrom = options.range === 'all' ? 0 : Math.max(0, Math.min(fromSecs, statsFrom) - 31 * DAY_SECS);
  const branches = [lineBranch(options.range), DAY_BRANCH, MOVES_BRANCH].filter((b): b is string => b !== undefined);
  const params = { marketplace: options.marketplace, asins: [...new Set(options.asins)], from: fromSecs, to: nowSecs, statsFrom, movesFrom };
  return { branches, params };
}

/** Chart data of each of `asins` (a product without data gets empty maps). */
export async function chartData(client: ClickHouseClient, options: ChartDataOptions): Promise<Map<string, ProductChartData>> {
  const resolution = chartResolution(options.range);
  const { branches, params } = chartStatement(options);
  // 64-bit integers unquoted in this statement's JSON: fewer bytes to write and read (values stay below 2^53).
  const rows = await selectRows<UnionRow>(client, `${branches.join('\nUNION ALL\n')}\nSETTINGS output_format_json_quote_64bit_integers = 0`, params);
  const fromMs = Number(params.from) * 1000;
  const toMs = Number(params.to) * 1000;
  const statsFromMs = Number(params.statsFrom) * 1000;
  const out = new Map<string, ProductChartData>();
  for (const asin of options.asins) {
    out.set(asin, {
      asin, resolution, bucketSecs: resolution === 'raw' ? 0 : resolution === 'hourly' ? 3_600 : DAY_SECS, from: fromMs, to: toMs,
      lines: new Map(), listPrice: { t: [], price: [] }, days: new Map(), allTime: new Map(), moves: new Map(),
    });
  }
  for (const union of rows) {
    const data = out.get(union.asin);
    if (!data) continue;
    const r = union.r.map(nums);
    switch (union.k) {
      case 'line': {
        if (options.range === '1d') {
          r.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
          const price = r.map((p) => p[1] ?? null);
          data.lines.set(union.s, { t: r.map((p) => (p[0] ?? 0) * 1000), price, min: price, max: price });
        } else if (options.range === 'all') {
          data.bucketSecs = Number(union.x[0] ?? 1) * DAY_SECS;
          data.lines.set(union.s, { t: r.map((p) => (p[0] ?? 0) * 1000), price: r.map((p) => p[1] ?? null), min: r.map((p) => p[2] ?? null), max: r.map((p) => p[3] ?? null) });
        } else {
          // [hour, last at, last price, min, max]
          const hours = mergeRows(r, (a, b) => [a[0] ?? 0, ...later(a[1], a[2], b[1], b[2]), least(a[3], b[3]), most(a[4], b[4])]);
          data.lines.set(union.s, { t: hours.map((p) => (p[0] ?? 0) * 1000), price: hours.map((p) => p[2] ?? null), min: hours.map((p) => p[3] ?? null), max: hours.map((p) => p[4] ?? null) });
        }
        break;
      }
      case 'day': {
        // [day, min, max, sum, priced, points, last at, last price]
        const days = mergeRows(r, (a, b) => [
          a[0] ?? 0, least(a[1], b[1]), most(a[2], b[2]), (a[3] ?? 0) + (b[3] ?? 0), (a[4] ?? 0) + (b[4] ?? 0), (a[5] ?? 0) + (b[5] ?? 0), ...later(a[6], a[7], b[6], b[7]),
        ]);
        data.days.set(
          union.s,
          days.map((p) => ({ day: (p[0] ?? 0) * 1000, min: p[1] ?? null, max: p[2] ?? null, sum: p[3] ?? 0, priced: p[4] ?? 0, points: p[5] ?? 0, close: p[7] ?? null })),
        );
        const [lowest = null, lowestAt = null, highest = null, highestAt = null, total, priced, count, first, latestAt, latestPrice = null] = nums(union.x);
        data.allTime.set(union.s, {
          lowest, lowestAt: lowest === null || lowestAt === null ? null : lowestAt * 1000,
          highest, highestAt: highest === null || highestAt === null ? null : highestAt * 1000,
          sum: total ?? 0, priced: priced ?? 0, points: count ?? 0, firstSeen: first ? first * 1000 : null,
          latestAt: latestAt ? latestAt * 1000 : null, latestPrice,
        });
        break;
      }
      case 'moves': {
        // [day, drops, increases, list at, list price]
        const days = mergeRows(r, (a, b) => [a[0] ?? 0, (a[1] ?? 0) + (b[1] ?? 0), (a[2] ?? 0) + (b[2] ?? 0), ...later(a[3], a[4], b[3], b[4])]);
        let drops = 0;
        let increases = 0;
        const listT: number[] = [];
        const listPrice: (number | null)[] = [];
        for (const p of days) {
          const day = (p[0] ?? 0) * 1000;
          if (day >= statsFromMs) {
            drops += p[1] ?? 0;
            increases += p[2] ?? 0;
          }
          if (union.s === 'new' && (p[3] ?? 0) > 0 && p[4] !== null && p[4] !== undefined) {
            listT.push(day);
            listPrice.push(p[4]);
          }
        }
        if (drops + increases > 0) data.moves.set(union.s, { drops, increases });
        if (union.s === 'new') data.listPrice = { t: listT, price: listPrice };
        break;
      }
    }
  }
  if (options.range === '3m' || options.range === '1y') {
    const fromDay = Math.floor(fromMs / DAY_MS) * DAY_MS;
    for (const data of out.values()) {
      for (const [series, days] of data.days) {
        const inRange = days.filter((d) => d.day >= fromDay);
        data.lines.set(series, { t: inRange.map((d) => d.day), price: inRange.map((d) => d.close), min: inRange.map((d) => d.min), max: inRange.map((d) => d.max) });
      }
    }
  }
  return out;
}

type Numbers = (number | null)[];

/** Sorts rows by their first cell (a time) and merges rows of the same time with `merge`. */
function mergeRows(rows: Numbers[], merge: (a: Numbers, b: Numbers) => Numbers): Numbers[] {
  rows.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  const out: Numbers[] = [];
  for (const row of rows) {
    const last = out.at(-1);
    if (last && last[0] === row[0]) out[out.length - 1] = merge(last, row);
    else out.push(row);
  }
  return out;
}

/** The (time, price) pair observed later (time 0 = none). */
function later(atA: number | null | undefined, priceA: number | null | undefined, atB: number | null | undefined, priceB: number | null | undefined): [number, number | null] {
  return (atB ?? 0) > (atA ?? 0) ? [atB ?? 0, priceB ?? null] : [atA ?? 0, priceA ?? null];
}

function least(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return Math.min(a, b);
}

function most(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return Math.max(a, b);
}

function nums(values: readonly Cell[]): (number | null)[] {
  return values.map((v) => (v === null ? null : Number(v)));
}
