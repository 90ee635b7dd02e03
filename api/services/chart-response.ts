/**
 * From what storage read (ProductChartData) to the API's answers: the chart (lines + statistics +
 * verdict, contracts/api-types.ts), the history (row-wise points) and the extension's lookup. Pure
 * functions of their inputs and `now`.
 */
import { type MarketplaceCode, getMarketplace } from '../../config/index.js';
import type {
  BrowserProductResponse,
  ChartCondition,
  ChartLine,
  ChartRange,
  ChartResponse,
  ChartSeriesKey,
  SeriesStatistics,
} from '../../contracts/index.js';
import type { BrowserSummary, ProductChartData } from '../../storage/index.js';
import { dealVerdict, seriesStatistics } from './price-statistics.js';
import { SERIES_LABELS, primarySeries, selectSeries } from './series-selection.js';

/** What a chart or history request asks for. */
export interface ChartQuery {
  marketplace: MarketplaceCode;
  asin: string;
  range: ChartRange;
  condition: ChartCondition;
  /** Narrow the lines to these (default: every line of the condition). */
  series?: readonly ChartSeriesKey[];
}

/** Links of a product, relative to the API's own address (except `amazon`). */
export interface ProductLinks {
  page: string;
  chartImage: string;
  chartData: string;
  amazon: string;
}

/** The links of (marketplace, asin) for `range`. */
export function productLinks(marketplace: MarketplaceCode, asin: string, range: ChartRange, amazonUrl: string): ProductLinks {
  return {
    page: `/products/${marketplace}/${asin}`,
    chartImage: `/charts/${marketplace}/${asin}.png?range=${range}`,
    chartData: `/api/v1/products/${asin}/chart?marketplace=${marketplace}&range=${range}`,
    amazon: amazonUrl,
  };
}

/** The chart lines of `data` for `query`, each clipped to the range. */
export function chartLines(data: ProductChartData, query: ChartQuery): ChartLine[] {
  const lines: ChartLine[] = [];
  for (const key of selectSeries(query.condition, query.series)) {
    if (key === 'list') {
      const list = listLine(data);
      if (list) lines.push(list);
      continue;
    }
    const columns = data.lines.get(key);
    if (!columns || columns.t.length === 0) continue;
    lines.push({ series: key, label: SERIES_LABELS[key], t: columns.t, price: columns.price, min: columns.min, max: columns.max });
  }
  return lines;
}

/** The list price as a line over the range: the last known value carried to the range's start. */
function listLine(data: ProductChartData): ChartLine | undefined {
  const { t, price } = data.listPrice;
  const outT: number[] = [];
  const outP: (number | null)[] = [];
  let carried: number | null = null;
  for (let i = 0; i < t.length; i++) {
    const at = t[i] as number;
    if (at < data.from) {
      carried = price[i] ?? null;
      continue;
    }
    if (carried !== null && outT.length === 0 && at > data.from) {
      outT.push(data.from);
      outP.push(carried);
    }
    outT.push(at);
    outP.push(price[i] ?? null);
  }
  if (outT.length === 0 && carried !== null) {
    outT.push(data.from);
    outP.push(carried);
  }
  if (outT.length === 0) return undefined;
  return { series: 'list', label: SERIES_LABELS.list, t: outT, price: outP, min: outP, max: outP };
}

/** The statistics of every price series of `data` that the query shows (list price has none). */
export function chartStatistics(data: ProductChartData, query: ChartQuery, now: number): SeriesStatistics[] {
  const out: SeriesStatistics[] = [];
  for (const key of selectSeries(query.condition, query.series)) {
    if (key === 'list') continue;
    const all = data.allTime.get(key);
    if (!all) continue;
    const moves = data.moves.get(key);
    out.push(
      seriesStatistics({
        series: key,
        daily: data.days.get(key) ?? [],
        allTime: {
          lowest: all.lowest, lowestAt: all.lowestAt, highest: all.highest, highestAt: all.highestAt,
          sum: all.sum, priced: all.priced, firstSeen: all.firstSeen, lastSeen: all.latestAt, points: all.points,
        },
        current: all.latestAt === null ? null : { price: all.latestPrice, checkedAt: all.latestAt },
        drops: moves?.drops ?? 0,
        increases: moves?.increases ?? 0,
        now,
      }),
    );
  }
  return out;
}

/** GET …/chart. */
export function chartResponse(data: ProductChartData, query: ChartQuery, now: number, amazonUrl: string): ChartResponse {
  const market = getMarketplace(query.marketplace);
  const statistics = chartStatistics(data, query, now);
  return {
    marketplace: query.marketplace,
    asin: query.asin,
    currency: market.currency,
    locale: market.locale,
    range: query.range,
    resolution: data.resolution,
    bucketSecs: data.bucketSecs,
    from: data.from,
    to: data.to,
    primarySeries: primarySeries(statistics.map((s) => s.series)),
    lines: chartLines(data, query),
    statistics,
    links: productLinks(query.marketplace, query.asin, query.range, amazonUrl),
    generatedAt: now,
  };
}

/** GET …/history: the same points, one object per point. */
export interface HistoryResponse {
  marketplace: MarketplaceCode;
  asin: string;
  condition: ChartCondition;
  range: ChartRange;
  resolution: 'raw' | 'hourly' | 'daily';
  bucketSecs: number;
  currency: string;
  from: number;
  to: number;
  series: { series: ChartSeriesKey; label: string; points: { at: number; price: number | null; min: number | null; max: number | null }[] }[];
}

export function historyResponse(data: ProductChartData, query: ChartQuery): HistoryResponse {
  return {
    marketplace: query.marketplace,
    asin: query.asin,
    condition: query.condition,
    range: query.range,
    resolution: data.resolution,
    bucketSecs: data.bucketSecs,
    currency: getMarketplace(query.marketplace).currency,
    from: data.from,
    to: data.to,
    series: chartLines(data, query).map((line) => ({
      series: line.series,
      label: line.label,
      points: line.t.map((at, i) => ({ at, price: line.price[i] ?? null, min: line.min[i] ?? null, max: line.max[i] ?? null })),
    })),
  };
}

/** GET /api/v1/browser/product. */
export function browserResponse(summary: BrowserSummary, marketplace: MarketplaceCode, now: number, amazonUrl: string): BrowserProductResponse {
  const market = getMarketplace(marketplace);
  const primary = primarySeries(summary.series.keys());
  const main = primary ? summary.series.get(primary) : undefined;
  const average = main && main.window.priced > 0 ? Math.round(main.window.sum / main.window.priced) : null;
  const window90 = { days: 90, lowest: main?.window.lowest ?? null, highest: main?.window.highest ?? null, average, points: main?.window.priced ?? 0 };
  const verdict = dealVerdict({
    current: main?.latestPrice ?? null,
    windows: [window90],
    allTimeLowest: main?.lowest ?? null,
    firstSeen: main?.firstSeen ?? null,
    now,
  });
  const links = productLinks(marketplace, summary.asin, '3m', amazonUrl);
  const prices = [...summary.series.entries()]
    .filter(([, s]) => s.latestAt !== null)
    .map(([series, s]) => ({ series: series, price: s.latestPrice, checkedAt: s.latestAt ?? 0 }));
  return {
    marketplace,
    asin: summary.asin,
    tracked: summary.catalogState === 'active' || summary.catalogState === 'paused',
    known: summary.series.size > 0,
    currency: market.currency,
    locale: market.locale,
    product: summary.product
      ? { title: summary.product.title, brand: summary.product.brand, category: categoryOf(summary.product.breadcrumb), imageUrl: summary.product.imageUrl }
      : null,
    primarySeries: primary,
    current: main?.latestPrice ?? null,
    currentAt: main?.latestAt ?? null,
    lowest: main && main.lowest !== null ? { price: main.lowest, at: main.lowestAt } : null,
    highest: main && main.highest !== null ? { price: main.highest, at: main.highestAt } : null,
    lowest90: window90.lowest,
    highest90: window90.highest,
    verdict,
    prices,
    links: { ...links, track: '/api/v1/products/track' },
    generatedAt: now,
  };
}

/** The top-level category of a breadcrumb ("Electronics › Headphones" → "Electronics"). */
export function categoryOf(breadcrumb: string): string {
  return (breadcrumb.split(/\s*[›>/|]\s*/)[0] ?? '').trim();
}
