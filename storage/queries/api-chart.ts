/**
 * Everything a price chart and its statistics need about one or more products of one marketplace, in
 * ONE statement: the embedded engine runs one statement at a time and each table read costs a few
 * milliseconds, so a cold chart reads as few tables as it can. The statement is a UNION ALL of
 * primary-key range reads returning the stored rows as they are, flat (no GROUP BY, no arrays: on the
 * `dromedary bench api` store that halved the engine's time — building arrays per row cost more than
 * reading them), and this module folds them:
 *
 * - `day` rows: the product's whole daily rollup, one row per stored row (rows of one day still in
 *   different parts are merged here): the days of the statistics window ({@link CHART_STATS_DAYS},
 *   also the 3m and 1y lines) with their drops and increases, the list price by day, the "all" line
 *   (days in buckets of one or more days, ≤ ~1,000 points) and the all-time figures. The daily rollup
 *   (price_days, migration 0032) carries drops, increases and the list price, so a cold chart of 3m,
 *   1y or all reads one table;
 * - `line` rows (ranges 1d, 1w, 1m): the chart's points — raw points (1d) or hourly rollups (1w, 1m).
 *
 * Several products in one statement is how concurrent cache misses are served together.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import type { HistoryRange, HistoryResolution } from './price-history.js';

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

type Cell = number | null;
/** One statement row: [asin, kind, series, time secs, ...cells] (see each branch for the cells). */
type FlatRow = [string, 'day' | 'line', Series, number, ...Cell[]];

const KEY = 'marketplace = {marketplace:String} AND asin IN {asins:Array(String)}';
const TO_DAY = 'toDate(toDateTime({to:UInt32}))';
/** Every branch has the same columns: asin, k, s, t (secs), then CELLS nullable integers. */
const CELLS = 11;
const LAST_AT = (packed: string): string => `bitShiftRight(${packed}, 32)`;
/** The price inside a packed (checked_at << 32) | (price + 1) value, plus one (0 = no offer): see {@link price}. */
const PRICE_1 = (packed: string): string => `bitAnd(${packed}, 4294967295)`;
// No casts: UNION ALL gives each column its branches' common type, and every value is a non-negative
// integer below 2^53. Fewer expressions make a cheaper statement (the engine plans and compiles them
// for every statement).
const cells = (values: readonly string[]): string => Array.from({ length: CELLS }, (_, i) => `${values[i] ?? 'NULL'} AS c${i}`).join(', ');

/** A price read as `PRICE_1` (0 = no offer) back to minor units or null. */
function price(plusOne: Cell | undefined): number | null {
  return plusOne ? plusOne - 1 : null;
}

function lineBranch(range: HistoryRange): string | undefined {
  switch (range) {
    case '1d':
      // [checked_at secs, price] — the latest CHART_MAX_POINTS of the day (checks come hours apart; the cap is a guard)
      return `SELECT asin, 'line' AS k, toString(series) AS s, toUnixTimestamp(checked_at) AS t, ${cells(['price'])}
              FROM price_points
              WHERE ${KEY} AND checked_at >= toDateTime({from:UInt32}) AND checked_at <= toDateTime({to:UInt32})
              ORDER BY asin, series, checked_at DESC LIMIT ${CHART_MAX_POINTS} BY asin, series`;
    case '1w':
    case '1m':
      // [hour secs, last check secs, last price, min, max] — one per stored rollup row
      return `SELECT asin, 'line' AS k, toString(series) AS s, toUnixTimestamp(hour) AS t,
                     ${cells([LAST_AT('last_packed'), PRICE_1('last_packed'), 'min_price', 'max_price'])}
              FROM price_hourly
              WHERE ${KEY} AND hour >= toStartOfHour(toDateTime({from:UInt32})) AND hour <= toDateTime({to:UInt32})`;
    case '3m':
    case '1y':
    case 'all':
      return undefined;
  }
}

// [day secs, min, max, price sum, priced points, points, last check secs, last price, drops, increases,
//  list price check secs, list price] — one per stored rollup row, the product's whole history
const DAY_BRANCH = `SELECT asin, 'day' AS k, toString(series) AS s, toUnixTimestamp(toDateTime(day, 'UTC')) AS t,
       ${cells(['min_price', 'max_price', 'price_sum', 'priced_points', 'points', LAST_AT('last_packed'), PRICE_1('last_packed'), 'drops', 'increases', LAST_AT('list_packed'), PRICE_1('list_packed')])}
FROM price_days
WHERE ${KEY} AND day <= ${TO_DAY}`;

/** The statement (its UNION ALL parts) and parameters for `options`. */
export function chartStatement(options: ChartDataOptions): { branches: string[]; params: { marketplace: MarketplaceCode; asins: string[]; from: number; to: number } } {
  const nowSecs = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const fromSecs = options.range === 'all' ? 0 : nowSecs - RANGE_SECS[options.range];
  const branches = [lineBranch(options.range), DAY_BRANCH].filter((b): b is string => b !== undefined);
  const params = { marketplace: options.marketplace, asins: [...new Set(options.asins)], from: fromSecs, to: nowSecs };
  return { branches, params };
}

/** Chart data of each of `asins` (a product without data gets empty maps). */
export async function chartData(client: ClickHouseClient, options: ChartDataOptions): Promise<Map<string, ProductChartData>> {
  const resolution = chartResolution(options.range);
  const { branches, params } = chartStatement(options);
  // 64-bit integers unquoted in this statement's JSON: fewer bytes to write and read (values stay below 2^53).
  const result = await client.query({
    query: `${branches.join('\nUNION ALL\n')}\nSETTINGS output_format_json_quote_64bit_integers = 0`,
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  const rows = await result.json<FlatRow>();
  const fromMs = params.from * 1000;
  const toMs = params.to * 1000;
  const todaySecs = Math.floor(params.to / DAY_SECS) * DAY_SECS;
  const statsFromSecs = todaySecs - (CHART_STATS_DAYS - 1) * DAY_SECS;
  // The list price is carried into the range from up to 31 days before it (and before the statistics window).
  const listFromSecs = options.range === 'all' ? 0 : Math.max(0, Math.min(params.from, statsFromSecs) - 31 * DAY_SECS);
  const listFromDaySecs = Math.floor(listFromSecs / DAY_SECS) * DAY_SECS;

  // Rows by product, kind and series.
  const grouped = new Map<string, { day: Map<Series, Numbers[]>; line: Map<Series, Numbers[]> }>();
  for (const asin of options.asins) grouped.set(asin, { day: new Map(), line: new Map() });
  const hourly = resolution === 'hourly';
  for (const [asin, k, s, ...rest] of rows) {
    const bySeries = grouped.get(asin)?.[k];
    if (!bySeries) continue;
    // Prices read packed (plus one, 0 = none) back to minor units or null.
    if (k === 'day') {
      rest[7] = price(rest[7]);
      rest[11] = price(rest[11]);
    } else if (hourly) {
      rest[2] = price(rest[2]);
    }
    const list = bySeries.get(s);
    if (list) list.push(rest);
    else bySeries.set(s, [rest]);
  }

  const out = new Map<string, ProductChartData>();
  for (const [asin, { day, line }] of grouped) {
    const data: ProductChartData = {
      asin, resolution, bucketSecs: resolution === 'raw' ? 0 : resolution === 'hourly' ? 3_600 : DAY_SECS, from: fromMs, to: toMs,
      lines: new Map(), listPrice: { t: [], price: [] }, days: new Map(), allTime: new Map(), moves: new Map(),
    };
    out.set(asin, data);
    // [day, min, max, sum, priced, points, last at, last price, drops, increases, list at, list price]
    const daysBySeries = new Map<Series, Numbers[]>();
    for (const [series, r] of day) {
      daysBySeries.set(series, mergeRows(r, (a, b) => [
        a[0] ?? 0, least(a[1], b[1]), most(a[2], b[2]), (a[3] ?? 0) + (b[3] ?? 0), (a[4] ?? 0) + (b[4] ?? 0), (a[5] ?? 0) + (b[5] ?? 0), ...later(a[6], a[7], b[6], b[7]),
        (a[8] ?? 0) + (b[8] ?? 0), (a[9] ?? 0) + (b[9] ?? 0), ...later(a[10], a[11], b[10], b[11]),
      ]));
    }
    for (const [series, days] of daysBySeries) {
      data.allTime.set(series, allTimeOf(days));
      let drops = 0;
      let increases = 0;
      const window: ChartDay[] = [];
      for (const p of days) {
        if ((p[0] ?? 0) < statsFromSecs) continue;
        drops += p[8] ?? 0;
        increases += p[9] ?? 0;
        window.push({ day: (p[0] ?? 0) * 1000, min: p[1] ?? null, max: p[2] ?? null, sum: p[3] ?? 0, priced: p[4] ?? 0, points: p[5] ?? 0, close: p[7] ?? null });
      }
      data.days.set(series, window);
      if (drops + increases > 0) data.moves.set(series, { drops, increases });
      if (series === 'new') {
        const withList = days.filter((p) => (p[0] ?? 0) >= listFromDaySecs && (p[10] ?? 0) > 0);
        data.listPrice = { t: withList.map((p) => (p[0] ?? 0) * 1000), price: withList.map((p) => p[11] ?? null) };
      }
    }
    switch (options.range) {
      case '1d':
        for (const [series, r] of line) {
          // [checked at, price]
          r.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
          const price = r.map((p) => p[1] ?? null);
          data.lines.set(series, { t: r.map((p) => (p[0] ?? 0) * 1000), price, min: price, max: price });
        }
        break;
      case '1w':
      case '1m':
        for (const [series, r] of line) {
          // [hour, last at, last price, min, max]: rows of one hour still in different parts are merged here
          const hours = mergeRows(r, (a, b) => [a[0] ?? 0, ...later(a[1], a[2], b[1], b[2]), least(a[3], b[3]), most(a[4], b[4])]);
          data.lines.set(series, { t: hours.map((p) => (p[0] ?? 0) * 1000), price: hours.map((p) => p[2] ?? null), min: hours.map((p) => p[3] ?? null), max: hours.map((p) => p[4] ?? null) });
        }
        break;
      case '3m':
      case '1y': {
        const fromDay = Math.floor(fromMs / DAY_MS) * DAY_MS;
        for (const [series, days] of data.days) {
          const inRange = days.filter((d) => d.day >= fromDay);
          data.lines.set(series, { t: inRange.map((d) => d.day), price: inRange.map((d) => d.close), min: inRange.map((d) => d.min), max: inRange.map((d) => d.max) });
        }
        break;
      }
      case 'all':
        allLine(data, daysBySeries, todaySecs);
        break;
    }
  }
  return out;
}

type Numbers = Cell[];

/** All-time figures of one series from its merged days (the lowest and highest: their first day). */
function allTimeOf(days: readonly Numbers[]): ChartAllTime {
  const all: ChartAllTime = { lowest: null, lowestAt: null, highest: null, highestAt: null, sum: 0, priced: 0, points: 0, firstSeen: null, latestAt: null, latestPrice: null };
  let latestAt = 0;
  for (const p of days) {
    const day = (p[0] ?? 0) * 1000;
    const lo = p[1] ?? null;
    const hi = p[2] ?? null;
    if (lo !== null && (all.lowest === null || lo < all.lowest)) [all.lowest, all.lowestAt] = [lo, day];
    if (hi !== null && (all.highest === null || hi > all.highest)) [all.highest, all.highestAt] = [hi, day];
    all.sum += p[3] ?? 0;
    all.priced += p[4] ?? 0;
    all.points += p[5] ?? 0;
    if (all.firstSeen === null || day < all.firstSeen) all.firstSeen = day;
    if ((p[6] ?? 0) > latestAt) {
      latestAt = p[6] ?? 0;
      all.latestPrice = p[7] ?? null;
    }
  }
  all.latestAt = latestAt > 0 ? latestAt * 1000 : null;
  return all;
}

/**
 * The "all" line: days in buckets of `bd` days, `bd` chosen from the product's first day (over every
 * series) so the line stays under CHART_MAX_POINTS; per bucket the last price, lowest and highest.
 */
function allLine(data: ProductChartData, daysBySeries: ReadonlyMap<Series, Numbers[]>, todaySecs: number): void {
  let first = Infinity;
  for (const days of daysBySeries.values()) first = Math.min(first, days[0]?.[0] ?? Infinity);
  if (first === Infinity) return;
  const bd = Math.max(1, Math.floor((todaySecs - first) / DAY_SECS / CHART_MAX_POINTS) + 1);
  data.bucketSecs = bd * DAY_SECS;
  for (const [series, days] of daysBySeries) {
    // [bucket start secs, last at, last price, min, max]
    const buckets: Numbers[] = [];
    for (const p of days) {
      const start = Math.floor((p[0] ?? 0) / DAY_SECS / bd) * bd * DAY_SECS;
      const last = buckets.at(-1);
      if (last && last[0] === start) buckets[buckets.length - 1] = [start, ...later(last[1], last[2], p[6], p[7]), least(last[3], p[1]), most(last[4], p[2])];
      else buckets.push([start, p[6] ?? 0, p[7] ?? null, p[1] ?? null, p[2] ?? null]);
    }
    data.lines.set(series, { t: buckets.map((b) => (b[0] ?? 0) * 1000), price: buckets.map((b) => b[2] ?? null), min: buckets.map((b) => b[3] ?? null), max: buckets.map((b) => b[4] ?? null) });
  }
}



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
