/**
 * Top price drops, as JSON and as RSS: by period (1d, 1w, 1m), ranked by percentage (`relative`) or
 * amount (`absolute`), with a minimum drop, per marketplace, optionally one category. Public.
 */
import { z } from 'zod';
import { getMarketplace } from '../../config/index.js';
import { moneyFormatter } from '../../charts/index.js';
import { SERIES, apiErrorSchema } from '../../contracts/index.js';
import { publicBaseUrl } from '../../alerts/index.js';
import { type RouteContext, type ZodApp } from '../route-context.js';
import { marketplaceSchema, pageSchema } from '../schemas/common-schemas.js';
import { renderRss } from '../services/rss.js';
import { type TopDropsQuery } from '../services/top-drops-service.js';

const dropsQuerySchema = z.strictObject({
  marketplace: marketplaceSchema.default('us'),
  period: z.enum(['1d', '1w', '1m']).default('1w').describe('Drops within the last day, week or month'),
  sort: z.enum(['relative', 'absolute']).default('relative').describe('Rank by percentage or by amount'),
  minPercent: z.coerce.number().min(0).max(100).default(0).describe('Smallest drop counted, percent'),
  minAmount: z.coerce.number().int().min(0).max(4_000_000_000).default(0).describe('Smallest drop counted, minor units (cents)'),
  category: z.string().trim().max(100).optional().describe('Top-level category, e.g. Electronics'),
  series: z.enum(SERIES).optional().describe('Only this series'),
  ...pageSchema(100, 25),
});

export const dropItemSchema = z.object({
  marketplace: marketplaceSchema,
  asin: z.string(),
  series: z.enum(SERIES),
  title: z.string(),
  brand: z.string(),
  category: z.string(),
  imageUrl: z.string(),
  price: z.number().int(),
  previousPrice: z.number().int(),
  dropAmount: z.number().int(),
  dropPercent: z.number(),
  currentPrice: z.number().int().nullable(),
  currency: z.string(),
  droppedAt: z.number().int(),
  links: z.object({ page: z.string(), chartImage: z.string() }),
});

export function registerDropsRoutes(app: ZodApp, ctx: RouteContext): void {
  const toQuery = (q: z.output<typeof dropsQuerySchema>): TopDropsQuery => ({
    marketplace: q.marketplace,
    period: q.period,
    sort: q.sort,
    minPercent: q.minPercent,
    minAmount: q.minAmount,
    category: q.category,
    series: q.series ? [q.series] : undefined,
    limit: q.limit,
    offset: q.offset,
  });

  app.get(
    '/api/v1/drops',
    {
      schema: {
        tags: ['drops'],
        summary: 'Top price drops',
        description: 'Per product and series its largest drop in the period that still holds. Refreshed at most once a minute. Public.',
        querystring: dropsQuerySchema,
        response: { 200: z.object({ items: z.array(dropItemSchema) }), 400: apiErrorSchema, 429: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const items = await ctx.drops.list(toQuery(request.query));
      return reply.header('cache-control', 'public, max-age=60').send({ items });
    },
  );

  app.get(
    '/api/v1/drops.rss',
    {
      schema: {
        tags: ['drops'],
        summary: 'Top price drops as RSS',
        description: 'The same list as /api/v1/drops, as an RSS 2.0 feed. Public.',
        querystring: dropsQuerySchema,
        response: { 200: z.string().describe('application/rss+xml'), 400: apiErrorSchema, 429: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const items = await ctx.drops.list(toQuery(q));
      const base = publicBaseUrl(ctx.config);
      const money = moneyFormatter(getMarketplace(q.marketplace).currency, getMarketplace(q.marketplace).locale);
      const body = renderRss({
        title: `Dromedary: top price drops (${q.marketplace}, ${q.period})`,
        link: `${base}/`,
        self: `${base}${request.url}`,
        description: `The largest price drops of the last ${q.period} on ${getMarketplace(q.marketplace).domain}`,
        items: items.map((d) => ({
          title: `${d.title || d.asin}: ${money(d.price)} (−${d.dropPercent} %, was ${money(d.previousPrice)})`,
          link: `${base}${d.links.page}`,
          guid: `${d.marketplace}/${d.asin}/${d.series}/${d.droppedAt}`,
          publishedAt: d.droppedAt,
          description: `${d.brand ? `${d.brand} — ` : ''}${d.series} price dropped by ${money(d.dropAmount)} (${d.dropPercent} %) to ${money(d.price)}.`,
        })),
      });
      return reply.header('cache-control', 'public, max-age=60').type('application/rss+xml; charset=utf-8').send(body);
    },
  );
}
