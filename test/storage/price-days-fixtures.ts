/** The history the price_days migration tests store before migrating, and what it implies. */
import type { PriceObservation } from '../../contracts/index.js';
import { hoursAgoStart, seriesObservations } from './storage-fixtures.js';

export const ASIN = 'B0MOVES001';
export const DAY = 86_400_000;
const START = hoursAgoStart(4);
// Every 6 hours; drops, increases, an out-of-stock check and repeats.
export const BEFORE = [2000, 1800, 1800, 1900, null, 1700, 1750, 1600, 1600, 2100, 1500, 1500];
// After the migration, every 3 hours from where BEFORE ended (the first of them on BEFORE's last day).
const AFTER = [1400, 1450, 1450, 1300];
export const USED = [900, 850, 950, 800, 800, 700];


/** The `new` series with list prices (changing on the second day), chained over BEFORE then AFTER. */
export function newSeries(): PriceObservation[] {
  const before = seriesObservations(ASIN, BEFORE, { start: START, stepMs: 6 * 3_600_000 });
  const lastAt = START + (BEFORE.length - 1) * 6 * 3_600_000;
  const after = seriesObservations(ASIN, [BEFORE.at(-1) ?? null, ...AFTER], { start: lastAt, stepMs: 3 * 3_600_000 }).slice(1);
  return [...before, ...after].map((o, i) => ({ ...o, listPrice: i % 5 === 4 ? null : o.checkedAt < START + DAY ? 2500 : 2400 + i }));
}

export function usedSeries(): PriceObservation[] {
  return seriesObservations(ASIN, USED, { start: START + 3_600_000, stepMs: 10 * 3_600_000, series: 'used' }).map((o) => ({ ...o, condition: 'used', sellerKind: 'third_party' }));
}

/** What the points imply: drops, increases, the last list price of each day, points per day. */
export function expected(observations: readonly PriceObservation[]): { drops: number; increases: number; list: Map<number, number>; points: Map<number, number> } {
  let drops = 0;
  let increases = 0;
  const list = new Map<number, { at: number; price: number }>();
  const points = new Map<number, number>();
  for (const o of observations) {
    if (o.price !== null && o.previousPrice !== null && o.price < o.previousPrice) drops++;
    if (o.price !== null && o.previousPrice !== null && o.price > o.previousPrice) increases++;
    const day = o.checkedAt - (o.checkedAt % DAY);
    points.set(day, (points.get(day) ?? 0) + 1);
    const seen = list.get(day);
    if (o.listPrice !== null && (!seen || seen.at < o.checkedAt)) list.set(day, { at: o.checkedAt, price: o.listPrice });
  }
  return { drops, increases, list: new Map([...list].map(([d, l]) => [d, l.price])), points };
}
