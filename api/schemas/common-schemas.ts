/**
 * The zod schemas of the API's inputs and of the outputs that are not in contracts/ — one source of
 * truth per shape: routes validate with them and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../../config/index.js';
import { ASIN_PATTERN, CHART_CONDITIONS, CHART_RANGES, CHART_SERIES, SERIES, type ChartSeriesKey } from '../../contracts/index.js';

/** Longest query-string value accepted (a product URL with its tracking parameters fits). */
export const MAX_QUERY_TEXT = 2_048;

export const marketplaceSchema = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]).describe('Marketplace code, e.g. `us`, `de`, `jp`');
export const asinSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(ASIN_PATTERN, 'not an ASIN (10 letters and digits)')
  .describe('Amazon product id (10 letters and digits)');
export const uuidSchema = z.uuid('not an id').describe('An id (UUID)');
export const rangeSchema = z.enum(CHART_RANGES).describe('1d, 1w, 1m, 3m, 1y or all');
export const conditionSchema = z.enum(CHART_CONDITIONS).describe('Which series: any (all of them), new, used, refurbished, collectible');

/** A comma-separated list of chart series (`new,amazon,list`). */
export const seriesListSchema = z
  .string()
  .max(200)
  .transform((text) => text.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(z.enum(CHART_SERIES)).max(CHART_SERIES.length))
  .describe(`Comma-separated series to show: ${CHART_SERIES.join(', ')}`);

export function pageSchema(maxLimit: number, defaultLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit).describe(`1–${maxLimit}, default ${defaultLimit}`),
    offset: z.coerce.number().int().min(0).max(100_000).default(0).describe('0–100000'),
  };
}

/** Query of the chart, history and CSV endpoints. */
export const chartQuerySchema = z.strictObject({
  marketplace: marketplaceSchema.default('us'),
  condition: conditionSchema.default('any'),
  range: rangeSchema.default('3m'),
  series: seriesListSchema.optional(),
});

export const asinParamsSchema = z.strictObject({ asin: asinSchema });

/** The history endpoint's answer: the chart's points as objects. */
export const historyResponseSchema = z.object({
  marketplace: marketplaceSchema,
  asin: z.string(),
  condition: conditionSchema,
  range: rangeSchema,
  resolution: z.enum(['raw', 'hourly', 'daily']),
  bucketSecs: z.number().int(),
  currency: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  series: z.array(
    z.object({
      series: z.enum(CHART_SERIES),
      label: z.string(),
      points: z.array(z.object({ at: z.number().int(), price: z.number().int().nullable(), min: z.number().int().nullable(), max: z.number().int().nullable() })),
    }),
  ),
});

/** A search hit. */
export const searchHitSchema = z.object({
  marketplace: marketplaceSchema,
  asin: z.string(),
  title: z.string(),
  brand: z.string(),
  imageUrl: z.string(),
  salesRank: z.number().int().nullable(),
  score: z.number(),
  links: z.object({ page: z.string(), chartData: z.string(), chartImage: z.string() }),
});

export const searchResponseSchema = z.object({
  query: z.string(),
  /** How the query was read: words, an ASIN, or an Amazon URL (then `marketplace` is the URL's). */
  interpretedAs: z.enum(['words', 'asin', 'url']),
  marketplace: marketplaceSchema.nullable(),
  limit: z.number().int(),
  offset: z.number().int(),
  hasMore: z.boolean(),
  results: z.array(searchHitSchema),
});

/** A user as the API shows it. */
export const userSchema = z.object({
  userId: z.string(),
  email: z.string(),
  verified: z.boolean(),
  unsubscribed: z.boolean(),
  createdAt: z.number().int(),
});

export const signUpBodySchema = z.strictObject({ email: z.string().max(254).describe('Email address (a verification link is mailed to it)') });

export const signUpResponseSchema = z.object({
  user: userSchema,
  created: z.boolean(),
  verificationSent: z.boolean(),
  /** The first API token of a new user — shown only here, only once. Null for an address already registered. */
  token: z.string().nullable(),
});

export const tokenInfoSchema = z.object({
  tokenId: z.string(),
  scope: z.enum(['api', 'feed']),
  name: z.string(),
  createdAt: z.number().int(),
});

export const createTokenBodySchema = z.strictObject({ name: z.string().trim().min(1).max(100).default('api').describe('A label for the token') });

export const createdTokenSchema = z.object({
  /** The token: shown only here, only once. Send it as `Authorization: Bearer <token>`. */
  token: z.string(),
  info: tokenInfoSchema,
});

export const feedTokenResponseSchema = z.object({
  /** The feed token (only here, only once); it only reads this user's alerts feed. */
  token: z.string(),
  /** The feed's address, with the token. */
  url: z.string(),
});

const rulesSchema = z.object({
  targetPrice: z.number().int().nullable(),
  dropPercent: z.number().nullable(),
  dropAmount: z.number().int().nullable(),
  allTimeLow: z.boolean(),
  backInStock: z.boolean(),
});

/** A tracking as its owner sees it. */
export const trackingSchema = z.object({
  trackingId: z.string(),
  userId: z.string(),
  marketplace: marketplaceSchema,
  asin: z.string(),
  condition: z.enum(['new', 'used', 'refurbished', 'any']),
  amazonOnly: z.boolean(),
  series: z.array(z.enum(SERIES)).readonly(),
  rules: rulesSchema,
  channels: z.object({ email: z.boolean(), webhookUrl: z.string().nullable(), webhookSecret: z.string().nullable() }),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const trackingResultSchema = trackingSchema.extend({
  /** An alert fired at once: the rules already held at the current price. */
  alertedNow: z.boolean(),
});

export const trackingListItemSchema = trackingSchema.extend({
  latestPrice: z.object({ price: z.number().int().nullable(), series: z.enum(SERIES), currency: z.string(), checkedAt: z.number().int() }).nullable(),
  channelHealth: z.array(
    z.object({
      channel: z.enum(['email', 'webhook']),
      lastState: z.string(),
      consecutiveFailures: z.number().int(),
      lastError: z.string(),
      lastSentAt: z.number().int().nullable(),
    }),
  ),
  lastAlert: z.object({ at: z.number().int(), price: z.number().int().nullable() }).nullable(),
});

export const trackingListSchema = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(trackingListItemSchema),
});

/** One alert of a user. */
export const userAlertSchema = z.object({
  alertKey: z.string(),
  trackingId: z.string(),
  marketplace: marketplaceSchema,
  asin: z.string(),
  series: z.enum(SERIES),
  reasons: z.array(z.string()),
  price: z.number().int().nullable(),
  previousPrice: z.number().int().nullable(),
  currency: z.string(),
  checkedAt: z.number().int(),
  createdAt: z.number().int(),
  deliveries: z.record(z.string(), z.string()),
});

export const userAlertListSchema = z.object({ limit: z.number().int(), offset: z.number().int(), items: z.array(userAlertSchema) });

/** The series a chart series key names, for validation of image queries. */
export function isChartSeriesKey(value: string): value is ChartSeriesKey {
  return (CHART_SERIES as readonly string[]).includes(value);
}
