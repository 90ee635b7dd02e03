/**
 * Embeddable chart images, CamelCamelCamel-style: `GET /charts/{marketplace}/{asin}.png?range=&series=&w=&h=`.
 * Drawn by charts/ at the requested size (bounded), cached with the other responses about the product
 * (evicted when its new prices are announced), with an ETag and Cache-Control so browsers and proxies
 * reuse them. Public.
 */
import { z } from 'zod';
import { apiErrorSchema } from '../../contracts/index.js';
import { type RouteContext, type ZodApp, sendCached } from '../route-context.js';
import { asinSchema, conditionSchema, marketplaceSchema, rangeSchema, seriesListSchema } from '../schemas/common-schemas.js';
import { IMAGE_SIZE_LIMITS } from '../services/chart-image.js';

/** How long an image may be reused without asking, seconds. */
export const IMAGE_MAX_AGE_SECS = 900;
const { minWidth, maxWidth, minHeight, maxHeight } = IMAGE_SIZE_LIMITS;

export function registerChartImageRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/charts/:marketplace/:file',
    {
      schema: {
        tags: ['charts'],
        summary: 'Chart image (PNG)',
        description: `\`file\` is \`<ASIN>.png\`. Width ${minWidth}–${maxWidth} px (default 600), height ${minHeight}–${maxHeight} px (default 300). Public.`,
        params: z.strictObject({
          marketplace: marketplaceSchema,
          file: z
            .string()
            .regex(/^[A-Za-z0-9]{10}\.png$/, 'must be <ASIN>.png')
            .transform((f) => f.slice(0, 10))
            .pipe(asinSchema),
        }),
        querystring: z.strictObject({
          range: rangeSchema.default('3m'),
          condition: conditionSchema.default('any'),
          series: seriesListSchema.optional(),
          w: z.coerce.number().int().min(minWidth).max(maxWidth).default(600).describe('Width, px'),
          h: z.coerce.number().int().min(minHeight).max(maxHeight).default(300).describe('Height, px'),
        }),
        response: { 200: z.any().describe('image/png'), 304: z.null(), 400: apiErrorSchema, 429: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const { marketplace, file: asin } = request.params;
      const q = request.query;
      const cached = await ctx.products.chartPng({ marketplace, asin, range: q.range, condition: q.condition, series: q.series, width: q.w, height: q.h });
      return sendCached(reply, cached, { contentType: 'image/png', maxAgeSecs: IMAGE_MAX_AGE_SECS, ifNoneMatch: request.headers['if-none-match'], acceptEncoding: request.headers['accept-encoding'] });
    },
  );
}
