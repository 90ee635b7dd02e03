/**
 * Which chart lines a request shows: a condition (`any`, `new`, `used`, `refurbished`, `collectible`)
 * allows the series of that condition (`list`, the list price, goes with `new`), and an optional
 * explicit list narrows it further. The headline series is the first present in {@link PRIMARY_ORDER}.
 */
import { CHART_SERIES, type ChartCondition, type ChartSeriesKey, SERIES_CONDITION, type Series } from '../../contracts/index.js';

/** What people read for each line. */
export const SERIES_LABELS: Readonly<Record<ChartSeriesKey, string>> = Object.freeze({
  new: 'New',
  amazon: 'Amazon',
  new_3p: 'New, third party',
  used: 'Used',
  warehouse: 'Amazon Warehouse',
  refurbished: 'Refurbished',
  collectible: 'Collectible',
  list: 'List price',
});

/** The headline series: the buy-box new price first, Amazon's own next, then the others. */
export const PRIMARY_ORDER: readonly Series[] = ['new', 'amazon', 'new_3p', 'used', 'warehouse', 'refurbished', 'collectible'];

/** The lines a condition allows, in display order. */
export function seriesForCondition(condition: ChartCondition): ChartSeriesKey[] {
  if (condition === 'any') return [...CHART_SERIES];
  return CHART_SERIES.filter((s) => (s === 'list' ? condition === 'new' : SERIES_CONDITION[s] === condition));
}

/** The lines to show: the condition's, narrowed to `requested` when given. */
export function selectSeries(condition: ChartCondition, requested: readonly ChartSeriesKey[] | undefined): ChartSeriesKey[] {
  const allowed = seriesForCondition(condition);
  return requested && requested.length > 0 ? allowed.filter((s) => requested.includes(s)) : allowed;
}

/** The headline series among those present. */
export function primarySeries(present: Iterable<ChartSeriesKey>): Series | null {
  const set = new Set(present);
  return PRIMARY_ORDER.find((s) => set.has(s)) ?? null;
}
