/** The statistics' definitions: windows, percentile, trend and the good-deal verdict at their boundaries. */
import { describe, expect, it } from 'vitest';
import { dealVerdict } from '../../api/index.js';
import { type DailyBucket, percentile, trend, windowStats } from '../../api/services/price-statistics.js';

const DAY = 86_400_000;
const TODAY = Math.floor(Date.UTC(2026, 5, 15) / DAY) * DAY;

function days(prices: readonly (number | null)[]): DailyBucket[] {
  // prices[0] is the oldest day; the last one is today.
  return prices.map((p, i) => ({
    day: TODAY - (prices.length - 1 - i) * DAY,
    min: p,
    max: p,
    sum: p ?? 0,
    priced: p === null ? 0 : 1,
    points: 1,
  }));
}

describe('windows', () => {
  it('cover today and the days before it, ignoring days without an offer in min, max and average', () => {
    const w = windowStats(days([100, 50, null, 300, 200]), 3, TODAY);
    expect(w).toEqual({ days: 3, lowest: 200, highest: 300, average: 250, points: 3 });
  });
});

describe('percentile', () => {
  it('is the share of days priced below, ties counting half', () => {
    expect(percentile(days([100, 200, 300, 400]), 250, 0)).toBe(50);
    expect(percentile(days([100, 200, 200, 400]), 200, 0)).toBe(50);
    expect(percentile(days([100, 100, 100, 100]), 50, 0)).toBe(0);
    expect(percentile(days([100, 100]), 500, 0)).toBe(100);
    expect(percentile(days([null, null]), 500, 0)).toBeNull();
  });
});

describe('trend', () => {
  it('is the 30-day least-squares change, stable within 2 %, unknown with under a week of prices', () => {
    expect(trend(days(Array.from({ length: 30 }, (_, i) => 1_000 + i * 10)), TODAY)).toMatchObject({ direction: 'rising' });
    expect(trend(days(Array.from({ length: 30 }, (_, i) => 2_000 - i * 20)), TODAY)).toMatchObject({ direction: 'falling' });
    expect(trend(days(Array.from({ length: 30 }, (_, i) => 1_000 + (i % 2))), TODAY)).toMatchObject({ direction: 'stable' });
    expect(trend(days([1_000, 900, 800, 700, 600, 500]), TODAY)).toEqual({ direction: 'unknown', changePercent: null });
  });
});

describe('good-deal verdict', () => {
  const windows = [{ days: 90, lowest: 10_000, highest: 14_000, average: 12_000, points: 90 }];
  const firstSeen = TODAY - 100 * DAY;
  const verdict = (current: number | null, first = firstSeen, allTimeLowest: number | null = 9_000) =>
    dealVerdict({ current, windows, allTimeLowest, firstSeen: first, now: TODAY + DAY / 2 });

  it('is a good deal up to 5 % above the 90-day low', () => {
    expect(verdict(10_500)).toMatchObject({ verdict: 'good_deal', goodDealAtOrBelow: 10_500, low90: 10_000, reason: 'Within 5 % of the 90-day low' });
    expect(verdict(10_501).verdict).toBe('fair');
    expect(verdict(9_000)).toMatchObject({ verdict: 'good_deal', allTimeLow: true, reason: 'Lowest price ever seen' });
  });

  it('is expensive from 10 % above the 90-day average, fair in between', () => {
    expect(verdict(13_200)).toMatchObject({ verdict: 'expensive', reason: '10 % above the 90-day average' });
    expect(verdict(13_199).verdict).toBe('fair');
  });

  it('judges nothing with under 35 days of history, and says why; nothing without an offer', () => {
    expect(verdict(9_000, TODAY - 34 * DAY)).toMatchObject({ verdict: 'insufficient_history', historyDays: 34 });
    expect(verdict(9_000, TODAY - 35 * DAY).verdict).toBe('good_deal');
    expect(verdict(9_000, TODAY - 34 * DAY).reason).toBe('Only 34 days of history; a verdict needs 35');
    expect(verdict(null)).toMatchObject({ verdict: 'unavailable', price: null });
  });
});
