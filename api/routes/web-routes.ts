/**
 * The web pages (server-rendered, light: no SPA framework) and their static assets, including uPlot
 * served from node_modules (no CDN), and the pages behind the links in emails: `/verify` (double
 * opt-in) and `/unsubscribe` (GET shows a confirmation; POST unsubscribes — RFC 8058 one-click, which
 * mail clients send as `List-Unsubscribe=One-Click`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { InvalidProductReferenceError, parseProductReference } from '../../config/index.js';
import type { BrowserProductResponse, ChartResponse } from '../../contracts/index.js';
import { InvalidInputError, NotFoundError as AlertsNotFoundError } from '../../alerts/index.js';
import { etagOf } from '../cache/product-cache.js';
import { type RouteContext, type ZodApp, requireAccounts } from '../route-context.js';
import { asinSchema, marketplaceSchema } from '../schemas/common-schemas.js';
import { html } from '../web/html.js';
import { homePage, messagePage, searchPage, signUpPage, trackingsPage, unsubscribePage } from '../web/pages.js';
import { productPage } from '../web/product-page.js';

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

const require = createRequire(import.meta.url);

/** The static assets, read once at start. */
function loadStatic(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const add = (name: string, path: string | URL, type: string): void => {
    const body = readFileSync(path);
    files.set(name, { body, type, etag: etagOf(body) });
  };
  for (const [name, type] of [
    ['app.css', 'text/css; charset=utf-8'],
    ['product-chart.js', 'text/javascript; charset=utf-8'],
    ['trackings.js', 'text/javascript; charset=utf-8'],
    ['signup.js', 'text/javascript; charset=utf-8'],
  ] as const) {
    add(name, new URL(`../web/static/${name}`, import.meta.url), type);
  }
  add('uplot.iife.min.js', require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8');
  add('uplot.min.css', require.resolve('uplot/dist/uPlot.min.css'), 'text/css; charset=utf-8');
  return files;
}

const HTML = 'text/html; charset=utf-8';
const hide = { hide: true } as const;

export function registerWebRoutes(app: ZodApp, ctx: RouteContext): void {
  const files = loadStatic();

  app.get('/static/:file', { schema: { ...hide, params: z.strictObject({ file: z.string().max(100) }) } }, async (request, reply) => {
    const file = files.get(request.params.file);
    if (!file) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
    void reply.header('cache-control', 'public, max-age=3600').header('etag', file.etag);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  });

  app.get('/', { schema: hide }, async (_request, reply) => {
    const drops = await ctx.drops.list({ marketplace: 'us', period: '1w', sort: 'relative', minPercent: 0, minAmount: 0, limit: 24, offset: 0 });
    return reply.type(HTML).send(homePage(drops, 'us'));
  });

  app.get(
    '/search',
    { schema: { ...hide, querystring: z.strictObject({ q: z.string().trim().max(2_048).default(''), offset: z.coerce.number().int().min(0).max(10_000).default(0) }) } },
    async (request, reply) => {
      const { q, offset } = request.query;
      if (q === '') return reply.redirect('/');
      let asin: string | undefined;
      let words = q;
      if (/^[a-z0-9]{10}$/i.test(q)) {
        asin = q.toUpperCase();
      } else if (/[/.]/.test(q)) {
        try {
          // An Amazon link names its product: go straight to its page.
          const ref = parseProductReference(q);
          if (ref.marketplace) return reply.redirect(`/products/${ref.marketplace}/${ref.asin}`);
          asin = ref.asin;
          words = '';
        } catch (err) {
          if (!(err instanceof InvalidProductReferenceError)) throw err;
        }
      }
      const limit = 20;
      const page = await ctx.search.search({ words, asin, limit, offset });
      if (asin && page.hits[0]?.asin === asin && page.hits.length === 1) return reply.redirect(`/products/${page.hits[0].marketplace}/${asin}`);
      return reply.type(HTML).send(searchPage(q, page.hits, { offset, limit, hasMore: page.hasMore }));
    },
  );

  app.get(
    '/products/:marketplace/:asin',
    { schema: { ...hide, params: z.strictObject({ marketplace: marketplaceSchema, asin: asinSchema }) } },
    async (request, reply) => {
      const { marketplace, asin } = request.params;
      const [summary, chart] = await Promise.all([
        ctx.products.browserJson(marketplace, asin),
        ctx.products.chartJson({ marketplace, asin, range: '3m', condition: 'any' }),
      ]);
      const chartJson = await ctx.products.text(chart);
      const page = productPage({
        summary: JSON.parse(await ctx.products.text(summary)) as BrowserProductResponse,
        chart: JSON.parse(chartJson) as ChartResponse,
        chartJson,
      });
      return reply.header('cache-control', 'public, max-age=60').type(HTML).send(page);
    },
  );

  app.get('/trackings', { schema: hide }, async (_request, reply) => reply.type(HTML).send(trackingsPage()));
  app.get('/signup', { schema: hide }, async (_request, reply) => reply.type(HTML).send(signUpPage()));

  const tokenQuery = z.strictObject({ token: z.string().min(1).max(1_000) });

  app.get('/verify', { schema: { ...hide, querystring: tokenQuery } }, async (request, reply) => {
    try {
      const user = await requireAccounts(ctx).verifyEmail(request.query.token);
      return reply.type(HTML).send(messagePage('Address confirmed', `Price alerts will be sent to ${user.email}.`, html`<p><a href="/trackings">My trackings</a></p>`));
    } catch (err) {
      return linkError(err, reply);
    }
  });

  app.get('/unsubscribe', { schema: { ...hide, querystring: tokenQuery } }, async (request, reply) => reply.type(HTML).send(unsubscribePage(request.query.token)));

  app.post('/unsubscribe', { schema: { ...hide, querystring: tokenQuery } }, async (request, reply) => {
    try {
      const result = await requireAccounts(ctx).unsubscribe(request.query.token);
      const what = result.trackingId ? 'You will get no more alert emails for this product.' : 'You will get no more price alert emails.';
      return reply.type(HTML).send(messagePage('Unsubscribed', what));
    } catch (err) {
      return linkError(err, reply);
    }
  });

  function linkError(err: unknown, reply: FastifyReply): FastifyReply {
    if (err instanceof InvalidInputError || err instanceof AlertsNotFoundError) {
      return reply.code(400).type(HTML).send(messagePage('This link does not work', err.message));
    }
    throw err;
  }
}
