/**
 * Product routes: chart data with statistics, history (JSON and CSV), search, and tracking a product.
 * Reads are public (rate-limited) and served from the product cache; tracking needs a user token.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { InvalidProductReferenceError, type MarketplaceCode, getMarketplace, parseProductReference } from '../../config/index.js';
import { SERIES, type Series, apiErrorSchema, chartResponseSchema } from '../../contracts/index.js';
import { streamRawHistory } from '../../storage/index.js';
import { trackInputSchema } from '../../alerts/index.js';
import { type RouteContext, type ZodApp, requireAccounts, sendCached, sendStream } from '../route-context.js';
import {
  MAX_QUERY_TEXT,
  asinParamsSchema,
  chartQuerySchema,
  historyResponseSchema,
  marketplaceSchema,
  pageSchema,
  searchResponseSchema,
  trackingResultSchema,
} from '../schemas/common-schemas.js';
import { seriesForCondition } from '../services/series-selection.js';

/** How long browsers and proxies may reuse chart data and history, seconds. */
export const CHART_MAX_AGE_SECS = 300;
const RANGE_SECS = { '1d': 86_400, '1w': 7 * 86_400, '1m': 31 * 86_400, '3m': 92 * 86_400, '1y': 366 * 86_400, all: Number.POSITIVE_INFINITY } as const;

const errors = { 400: apiErrorSchema, 429: apiErrorSchema };

export function registerProductRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/api/v1/products/:asin/chart',
    {
      schema: {
        tags: ['products'],
        summary: 'Chart data and statistics',
        description:
          'The lines of a price chart at the resolution of the range (raw points for 1d, hourly for 1w/1m, daily for 3m/1y/all; at most ~1,000 points per line), ' +
          'and per series: current, lowest/highest/average over 30/90/180/365 days and all time, the current price\'s percentile, drops and increases, trend and the good-deal verdict. Public.',
        params: asinParamsSchema,
        querystring: chartQuerySchema,
        response: { 200: chartResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { asin } = request.params;
      const q = request.query;
      const cached = await ctx.products.chartJson({ marketplace: q.marketplace, asin, range: q.range, condition: q.condition, series: q.series });
      return sendCached(reply, cached, { contentType: 'application/json; charset=utf-8', maxAgeSecs: CHART_MAX_AGE_SECS, ifNoneMatch: request.headers['if-none-match'], acceptEncoding: request.headers['accept-encoding'] });
    },
  );

  app.get(
    '/api/v1/products/:asin/history',
    {
      schema: {
        tags: ['products'],
        summary: 'Price history',
        description: 'The same points as the chart, one object per point, per series. Public.',
        params: asinParamsSchema,
        querystring: chartQuerySchema,
        response: { 200: historyResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const cached = await ctx.products.historyJson({ marketplace: q.marketplace, asin: request.params.asin, range: q.range, condition: q.condition, series: q.series });
      return sendCached(reply, cached, { contentType: 'application/json; charset=utf-8', maxAgeSecs: CHART_MAX_AGE_SECS, ifNoneMatch: request.headers['if-none-match'], acceptEncoding: request.headers['accept-encoding'] });
    },
  );

  app.get(
    '/api/v1/products/:asin/history.csv',
    {
      schema: {
        tags: ['products'],
        summary: 'Raw price history as CSV',
        description:
          'Every stored observation of the range (not rollups): `marketplace,asin,series,checked_at,price,currency,list_price,availability`, prices in major units, ' +
          'an empty price = no offer. The import endpoint reads the same format. Public.',
        params: asinParamsSchema,
        querystring: chartQuerySchema,
        response: { 200: z.string().describe('text/csv'), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const asin = request.params.asin;
      const series = (q.series ?? seriesForCondition(q.condition)).filter((s): s is Series => (SERIES as readonly string[]).includes(s));
      const nowSecs = Math.floor(ctx.now() / 1000);
      const span = RANGE_SECS[q.range];
      const from = Number.isFinite(span) ? nowSecs - span : 0;
      const digits = minorDigitsOf(q.marketplace);
      const lines = async function* csv(): AsyncGenerator<string> {
        yield 'marketplace,asin,series,checked_at,price,currency,list_price,availability\n';
        for await (const chunk of streamRawHistory(ctx.clickhouse, { marketplace: q.marketplace, asin, series, from, to: nowSecs })) {
          yield chunk
            .map((p) => `${q.marketplace},${asin},${p.series},${new Date(p.checkedAt * 1000).toISOString()},${decimal(p.price, digits)},${p.currency},${decimal(p.listPrice, digits)},${p.availability}\n`)
            .join('');
        }
      };
      void reply
        .header('content-disposition', `attachment; filename="${q.marketplace}-${asin}-${q.range}.csv"`)
        .header('cache-control', `public, max-age=${CHART_MAX_AGE_SECS}`)
        .type('text/csv; charset=utf-8');
      return sendStream(reply, Readable.from(lines()));
    },
  );

  app.get(
    '/api/v1/products/search',
    {
      schema: {
        tags: ['products'],
        summary: 'Search products',
        description: '`q` is a name, a brand, an ASIN or any Amazon product URL (then its marketplace is used). Ranked; a page at a time. Public.',
        querystring: z.strictObject({
          q: z.string().trim().min(1).max(MAX_QUERY_TEXT).describe('Words, an ASIN, or an Amazon URL'),
          marketplace: marketplaceSchema.optional(),
          ...pageSchema(100, 20),
        }),
        response: { 200: searchResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { q, limit, offset } = request.query;
      let marketplace: MarketplaceCode | undefined = request.query.marketplace;
      let interpretedAs: 'words' | 'asin' | 'url' = 'words';
      let asin: string | undefined;
      let words = q;
      if (/^[a-z0-9]{10}$/i.test(q)) {
        // Ten letters or digits may be an ASIN or a word ("headphones"): look for both, the ASIN ranks first.
        asin = q.toUpperCase();
      } else if (/[/.]/.test(q)) {
        try {
          const ref = parseProductReference(q);
          asin = ref.asin;
          words = '';
          interpretedAs = 'url';
          if (ref.marketplace) marketplace = ref.marketplace;
        } catch (err) {
          // Not a product URL after all (a model number with dots): search the words.
          if (!(err instanceof InvalidProductReferenceError)) throw err;
        }
      }
      const page = await ctx.search.search({ words, asin, marketplace, limit, offset });
      if (interpretedAs === 'words' && asin !== undefined && page.hits[0]?.asin === asin) interpretedAs = 'asin';
      return {
        query: q,
        interpretedAs,
        marketplace: marketplace ?? null,
        limit,
        offset,
        hasMore: page.hasMore,
        results: page.hits.map((h) => ({
          ...h,
          links: {
            page: `/products/${h.marketplace}/${h.asin}`,
            chartData: `/api/v1/products/${h.asin}/chart?marketplace=${h.marketplace}`,
            chartImage: `/charts/${h.marketplace}/${h.asin}.png`,
          },
        })),
      };
    },
  );

  app.post(
    '/api/v1/products/track',
    {
      schema: {
        tags: ['trackings'],
        summary: 'Track a product',
        description:
          'Creates a tracking for the caller (user token): marketplace, ASIN, condition (new / used / refurbished / any), Amazon-only, rules ' +
          '(targetPrice, dropPercent, dropAmount, allTimeLow, backInStock — at least one) and channels (email, webhookUrl). The product joins the catalog and the crawl schedule.',
        security: [{ bearer: [] }],
        body: trackInputSchema,
        response: { 201: trackingResultSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const user = await ctx.auth.requireUser(request);
      const tracking = await requireAccounts(ctx).track(user.userId, request.body);
      ctx.products.invalidate(tracking.marketplace, tracking.asin);
      return reply.code(201).send(tracking);
    },
  );
}

function minorDigitsOf(marketplace: MarketplaceCode): number {
  return getMarketplace(marketplace).numberFormat.minorDigits;
}

/** A minor-unit amount as a decimal string in major units (empty for null). */
export function decimal(minor: number | null, digits: number): string {
  if (minor === null) return '';
  if (digits === 0) return String(minor);
  const scale = 10 ** digits;
  return `${Math.floor(minor / scale)}.${String(minor % scale).padStart(digits, '0')}`;
}
