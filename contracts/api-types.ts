/**
 * Response shapes of the API that other programs read — the browser extension above all: the chart
 * data with its statistics (`GET /api/v1/products/{asin}/chart`) and the browser lookup
 * (`GET /api/v1/browser/product`). The zod schemas are the one definition: the API declares them as
 * its route schemas (and so in its OpenAPI document), the extension imports the types.
 * Prices are integer minor units of `currency` (cents; JPY has none); times are epoch milliseconds.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { SERIES } from './price-observation.js';

/** Chart ranges: each is served from the resolution that keeps a chart near or under 1,000 points. */
export const CHART_RANGES = ['1d', '1w', '1m', '3m', '1y', 'all'] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

/** What a chart line can show: every price series, and `list` — the list price ("was" price) Amazon shows. */
export const CHART_SERIES = [...SERIES, 'list'] as const;
export type ChartSeriesKey = (typeof CHART_SERIES)[number];

/** Condition filters of the history and chart endpoints; `any` shows every series. */
export const CHART_CONDITIONS = ['any', 'new', 'used', 'refurbished', 'collectible'] as const;
export type ChartCondition = (typeof CHART_CONDITIONS)[number];

/** The good-deal verdicts (see docs/api.md, "Good deal"). */
export const DEAL_VERDICTS = ['good_deal', 'fair', 'expensive', 'insufficient_history', 'unavailable'] as const;
export type DealVerdictKind = (typeof DEAL_VERDICTS)[number];

/** Price trends over the last 30 days. */
export const TRENDS = ['falling', 'stable', 'rising', 'unknown'] as const;

const marketplace = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]);
const minor = z.number().int();
const epochMs = z.number().int();

/** The verdict on the current price of one series. */
export const dealVerdictSchema = z.object({
  verdict: z.enum(DEAL_VERDICTS),
  /** One sentence for people, e.g. "Within 5 % of the 90-day low". */
  reason: z.string(),
  /** The current price judged (null when there is no offer). */
  price: minor.nullable(),
  /** Lowest price of the last 90 days. */
  low90: minor.nullable(),
  /** Prices at or below this are a good deal (5 % above the 90-day low). */
  goodDealAtOrBelow: minor.nullable(),
  /** Days between the first observation of the series and now. */
  historyDays: z.number(),
  /** True when the current price is at or below the lowest price ever seen. */
  allTimeLow: z.boolean(),
});
export type DealVerdict = z.infer<typeof dealVerdictSchema>;

/** Lowest / highest / average over a window of days. */
export const windowStatsSchema = z.object({
  days: z.number().int(),
  lowest: minor.nullable(),
  highest: minor.nullable(),
  average: minor.nullable(),
  /** Observations in the window (with or without an offer). */
  points: z.number().int(),
});
export type WindowStats = z.infer<typeof windowStatsSchema>;

/** Statistics of one series. */
export const seriesStatisticsSchema = z.object({
  series: z.enum(CHART_SERIES),
  current: minor.nullable(),
  /** When the current price was seen. */
  currentAt: epochMs.nullable(),
  /** 30, 90, 180 and 365 days. */
  windows: z.array(windowStatsSchema),
  allTime: z.object({
    lowest: minor.nullable(),
    lowestAt: epochMs.nullable(),
    highest: minor.nullable(),
    highestAt: epochMs.nullable(),
    average: minor.nullable(),
    firstSeen: epochMs.nullable(),
    lastSeen: epochMs.nullable(),
    points: z.number().int(),
  }),
  /**
   * Where the current price stands among the daily prices of the last 365 days, 0–100: the share of
   * days priced below it (ties count half). 10 = cheaper than on 90 % of days. Null without a price.
   */
  percentile: z.number().nullable(),
  /** Price drops and increases observed in the last 365 days (each check whose price differs from the one before). */
  drops: z.number().int(),
  increases: z.number().int(),
  trend: z.object({
    direction: z.enum(TRENDS),
    /** Change over the last 30 days from the least-squares line through the daily prices, percent. */
    changePercent: z.number().nullable(),
  }),
  verdict: dealVerdictSchema,
});
export type SeriesStatistics = z.infer<typeof seriesStatisticsSchema>;

/** One line of a chart, column-wise: `t[i]` with `price[i]` (null = no offer then), `min[i]`, `max[i]` within the bucket. */
export const chartLineSchema = z.object({
  series: z.enum(CHART_SERIES),
  label: z.string(),
  t: z.array(epochMs),
  price: z.array(minor.nullable()),
  min: z.array(minor.nullable()),
  max: z.array(minor.nullable()),
});
export type ChartLine = z.infer<typeof chartLineSchema>;

/** What the web app and the extension show about a product. */
export const productSummarySchema = z.object({
  title: z.string(),
  brand: z.string(),
  category: z.string(),
  imageUrl: z.string(),
});
export type ProductSummary = z.infer<typeof productSummarySchema>;

/** Where to find more: the product page, the chart image, the product on Amazon, the chart data. */
export const productLinksSchema = z.object({
  page: z.string(),
  chartImage: z.string(),
  chartData: z.string(),
  amazon: z.string(),
});

/** GET /api/v1/products/{asin}/chart: a chart's lines and the statistics of every series shown. */
export const chartResponseSchema = z.object({
  marketplace,
  asin: z.string(),
  currency: z.string(),
  /** BCP 47 locale of the marketplace (formats prices and dates). */
  locale: z.string(),
  range: z.enum(CHART_RANGES),
  resolution: z.enum(['raw', 'hourly', 'daily']),
  /** Bucket width in seconds (0 for raw points). */
  bucketSecs: z.number().int(),
  from: epochMs,
  to: epochMs,
  /** The series the headline (current price, verdict) is about: `new`, else the first present. */
  primarySeries: z.enum(CHART_SERIES).nullable(),
  lines: z.array(chartLineSchema),
  statistics: z.array(seriesStatisticsSchema),
  links: productLinksSchema,
  /** When these figures were computed. */
  generatedAt: epochMs,
});
export type ChartResponse = z.infer<typeof chartResponseSchema>;

/** The latest price of one series. */
export const latestSeriesPriceSchema = z.object({
  series: z.enum(CHART_SERIES),
  price: minor.nullable(),
  checkedAt: epochMs,
});

/** GET /api/v1/browser/product?url=: what the extension shows under the buy box. */
export const browserProductResponseSchema = z.object({
  marketplace,
  asin: z.string(),
  /** The product is in the tracked catalog (checked on a schedule). */
  tracked: z.boolean(),
  /** Dromedary holds at least one price of it. */
  known: z.boolean(),
  currency: z.string(),
  locale: z.string(),
  product: productSummarySchema.nullable(),
  primarySeries: z.enum(CHART_SERIES).nullable(),
  current: minor.nullable(),
  currentAt: epochMs.nullable(),
  lowest: z.object({ price: minor, at: epochMs.nullable() }).nullable(),
  highest: z.object({ price: minor, at: epochMs.nullable() }).nullable(),
  /** Lowest and highest of the last 90 days. */
  lowest90: minor.nullable(),
  highest90: minor.nullable(),
  verdict: dealVerdictSchema,
  /** The latest price of every series. */
  prices: z.array(latestSeriesPriceSchema),
  links: productLinksSchema.extend({
    /** POST here (with a user token) to start tracking. */
    track: z.string(),
  }),
  generatedAt: epochMs,
});
export type BrowserProductResponse = z.infer<typeof browserProductResponseSchema>;

/** Every error the API answers with. */
export const apiErrorSchema = z.object({
  /** A stable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `rate_limited`, … */
  error: z.string(),
  message: z.string(),
  /** Every problem found in the input, `field: message`. */
  problems: z.array(z.string()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
