/**
 * The browser extension's lookup: given the URL of the Amazon page the user is on, what Dromedary
 * knows about that product. The URL is only parsed (config parseProductReference: every storefront,
 * every product URL shape) — never fetched.
 */
import { z } from 'zod';
import { InvalidProductReferenceError, parseProductReference } from '../../config/index.js';
import { apiErrorSchema, browserProductResponseSchema } from '../../contracts/index.js';
import { BadRequestError } from '../api-errors.js';
import { type RouteContext, type ZodApp, sendCached } from '../route-context.js';
import { MAX_QUERY_TEXT } from '../schemas/common-schemas.js';

/** How long the extension (and any proxy) may reuse a lookup, seconds. */
export const BROWSER_MAX_AGE_SECS = 60;

export function registerBrowserRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/api/v1/browser/product',
    {
      schema: {
        tags: ['extension'],
        summary: 'Look up the product of an Amazon page',
        description:
          'Parses `url` (an Amazon product page of any supported storefront; /dp/, /gp/product/, /gp/aw/d/, with slugs and query strings) — it is never fetched — ' +
          'and answers whether the product is tracked, its current / lowest / highest price, the good-deal verdict, and links to its chart data, chart image and page. Public.',
        querystring: z.strictObject({ url: z.string().trim().min(1).max(MAX_QUERY_TEXT).describe('The Amazon product page URL') }),
        response: { 200: browserProductResponseSchema, 400: apiErrorSchema, 429: apiErrorSchema },
      },
    },
    async (request, reply) => {
      let ref;
      try {
        ref = parseProductReference(request.query.url);
      } catch (err) {
        if (err instanceof InvalidProductReferenceError) throw new BadRequestError(err.message, [`url: ${err.message.split(':')[0] ?? 'invalid'}`]);
        throw err;
      }
      if (!ref.marketplace) throw new BadRequestError('url must be an Amazon product URL (a bare ASIN names no marketplace)', ['url: not a URL']);
      const cached = await ctx.products.browserJson(ref.marketplace, ref.asin);
      return sendCached(reply, cached, { contentType: 'application/json; charset=utf-8', maxAgeSecs: BROWSER_MAX_AGE_SECS, ifNoneMatch: request.headers['if-none-match'], acceptEncoding: request.headers['accept-encoding'] });
    },
  );
}
