/**
 * The statistics a chart and the extension show for one series, computed from what one query reads
 * (daily rollups of the last 365 days, the all-time row, the latest price, the count of moves): the
 * windows, the current price's percentile, the 30-day trend and the good-deal verdict.
 *
 * Good deal (documented in docs/api.md): with no offer at the last check → `unavailable`; with less
 * than {@link MIN_HISTORY_DAYS} days between the first observation and now → `insufficient_history`
 * (nothing is judged); at or below the 90-day low + 5 % → `good_deal`; at least 10 % above the 90-day
 * average → `expensive`; otherwise `fair`.
 */
import type { DealVerdict, SeriesStatistics, WindowStats } from '../../contracts/index.js';
import type { ChartSeriesKey } from '../../contracts/index.js';

/** A verdict needs this much history (5 weeks). */
export const MIN_HISTORY_DAYS = 35;
/** A good deal is at most this many percent above the 90-day low. */
export const GOOD_DEAL_MARGIN = 5;
/** An expensive price is at least this many percent above the 90-day average. */
export const EXPENSIVE_MARGIN = 10;
/** Trends smaller than this over 30 days (percent) are "stable". */
export const STABLE_TREND_PERCENT = 2;
/** A trend needs this many days with a price in the last 30. */
const MIN_TREND_DAYS = 7;
const DAY_MS = 86_400_000;
export const STATS_WINDOWS = [30, 90, 180, 365] as const;

/** One day of a series from the daily rollup. */
export interface DailyBucket {
  /** Start of the day, epoch ms (UTC). */
  day: number;
  min: number | null;
  max: number | null;
  /** Sum and count of the day's prices (observations with an offer). */
  sum: number;
  priced: number;
  /** Observations, with or without an offer. */
  points: number;
}

export interface AllTimeRow {
  lowest: number | null;
  lowestAt: number | null;
  highest: number | null;
  highestAt: number | null;
  sum: number;
  priced: number;
  firstSeen: number | null;
  lastSeen: number | null;
  points: number;
}

export interface StatisticsInput {
  series: ChartSeriesKey;
  /** Daily buckets of the last 365 days, any order. */
  daily: readonly DailyBucket[];
  allTime: AllTimeRow | null;
  current: { price: number | null; checkedAt: number } | null;
  drops: number;
  increases: number;
  now: number;
}

/** The statistics of one series. */
export function seriesStatistics(input: StatisticsInput): SeriesStatistics {
  const today = Math.floor(input.now / DAY_MS) * DAY_MS;
  const windows = STATS_WINDOWS.map((days) => windowStats(input.daily, days, today));
  const current = input.current?.price ?? null;
  const all = input.allTime;
  return {
    series: input.series,
    current,
    currentAt: input.current?.checkedAt ?? null,
    windows,
    allTime: {
      lowest: all?.lowest ?? null,
      lowestAt: all?.lowestAt ?? null,
      highest: all?.highest ?? null,
      highestAt: all?.highestAt ?? null,
      average: all && all.priced > 0 ? Math.round(all.sum / all.priced) : null,
      firstSeen: all?.firstSeen ?? null,
      lastSeen: all?.lastSeen ?? null,
      points: all?.points ?? 0,
    },
    percentile: current === null ? null : percentile(input.daily, current, today - 364 * DAY_MS),
    drops: input.drops,
    increases: input.increases,
    trend: trend(input.daily, today),
    verdict: dealVerdict({ current, windows, allTimeLowest: all?.lowest ?? null, firstSeen: all?.firstSeen ?? null, now: input.now }),
  };
}

/** Lowest / highest / average over the last `days` days, today included. */
export function windowStats(daily: readonly DailyBucket[], days: number, today: number): WindowStats {
  const from = today - (days - 1) * DAY_MS;
  let lowest: number | null = null;
  let highest: number | null = null;
  let sum = 0;
  let priced = 0;
  let points = 0;
  for (const d of daily) {
    if (d.day < from || d.day > today) continue;
    if (d.min !== null && (lowest === null || d.min < lowest)) lowest = d.min;
    if (d.max !== null && (highest === null || d.max > highest)) highest = d.max;
    sum += d.sum;
    priced += d.priced;
    points += d.points;
  }
  return { days, lowest, highest, average: priced > 0 ? Math.round(sum / priced) : null, points };
}

/** Share of priced days since `from` whose average price is below `price` (ties count half), 0–100. */
export function percentile(daily: readonly DailyBucket[], price: number, from: number): number | null {
  let below = 0;
  let equal = 0;
  let days = 0;
  for (const d of daily) {
    if (d.day < from || d.priced === 0) continue;
    const avg = Math.round(d.sum / d.priced);
    days++;
    if (avg < price) below++;
    else if (avg === price) equal++;
  }
  if (days === 0) return null;
  return Math.round(((below + equal / 2) / days) * 1000) / 10;
}

/** The 30-day trend: the least-squares line through the daily average prices, as a percent change. */
export function trend(daily: readonly DailyBucket[], today: number): SeriesStatistics['trend'] {
  const from = today - 29 * DAY_MS;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const d of daily) {
    if (d.day < from || d.day > today || d.priced === 0) continue;
    xs.push((d.day - from) / DAY_MS);
    ys.push(d.sum / d.priced);
  }
  if (xs.length < MIN_TREND_DAYS) return { direction: 'unknown', changePercent: null };
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxy += dx * ((ys[i] as number) - my);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const start = my + slope * (0 - mx);
  const end = my + slope * (29 - mx);
  if (start <= 0) return { direction: 'unknown', changePercent: null };
  const change = Math.round(((end - start) / start) * 1000) / 10;
  const direction = Math.abs(change) < STABLE_TREND_PERCENT ? 'stable' : change < 0 ? 'falling' : 'rising';
  return { direction, changePercent: change };
}

/** The good-deal verdict on `current` (see the file header). */
export function dealVerdict(input: {
  current: number | null;
  windows: readonly WindowStats[];
  allTimeLowest: number | null;
  firstSeen: number | null;
  now: number;
}): DealVerdict {
  const w90 = input.windows.find((w) => w.days === 90);
  const low90 = w90?.lowest ?? null;
  const historyDays = input.firstSeen === null ? 0 : Math.max(0, Math.floor((input.now - input.firstSeen) / DAY_MS));
  // Integer arithmetic: prices are minor units, margins whole percents (no 1.1 * 12000 = 13200.000000000002).
  const goodDealAtOrBelow = low90 === null ? null : Math.floor((low90 * (100 + GOOD_DEAL_MARGIN)) / 100);
  const allTimeLow = input.current !== null && input.allTimeLowest !== null && input.current <= input.allTimeLowest;
  const base = { price: input.current, low90, goodDealAtOrBelow, historyDays, allTimeLow };
  if (input.current === null) return { ...base, verdict: 'unavailable', reason: 'No offer at the last check' };
  if (historyDays < MIN_HISTORY_DAYS) {
    return { ...base, verdict: 'insufficient_history', reason: `Only ${historyDays} days of history; a verdict needs ${MIN_HISTORY_DAYS}` };
  }
  if (goodDealAtOrBelow !== null && input.current <= goodDealAtOrBelow) {
    return { ...base, verdict: 'good_deal', reason: allTimeLow ? 'Lowest price ever seen' : 'Within 5 % of the 90-day low' };
  }
  const avg90 = w90?.average ?? null;
  if (avg90 !== null && input.current * 100 >= avg90 * (100 + EXPENSIVE_MARGIN)) {
    const above = Math.round(((input.current - avg90) / avg90) * 100);
    return { ...base, verdict: 'expensive', reason: `${above} % above the 90-day average` };
  }
  return { ...base, verdict: 'fair', reason: 'Between the 90-day low and average' };
}
