/**
 * The opt-in fetcher (`--browser`, config `crawler.browser`): a Crawlee PlaywrightCrawler driving the
 * system Chromium (config `crawler.chromiumPath`; browsers are never downloaded), for storefront pages
 * that need a browser. Same request manager, sessions bound to proxies (each session's pages get a
 * browser context on its proxy; credentialed/SOCKS upstreams go through the pool's local proxy-chain
 * server, which Chromium needs), same rate limits and checks. Everything but the document and XHR is
 * blocked: images, styles, fonts and scripts of other hosts are not fetched.
 */
import { performance } from 'node:perf_hooks';
import { PlaywrightCrawler, type PlaywrightCrawlingContext } from '@crawlee/playwright';
import { chromium } from 'playwright';
import type { Fetched, FetchFn } from './check-runner.js';
import { attachRequestManager } from './attach-request-manager.js';
import type { FetchKind } from './crawler-metrics.js';
import { HandBackError, failureOf } from './errors.js';
import { type CheckCrawler, type CheckCrawlerOptions, sharedCrawlerOptions } from './http-check-crawler.js';
import type { CheckData } from './lease-request-manager.js';

const ALLOWED_RESOURCES = new Set(['document', 'xhr', 'fetch']);
const BROWSER_ACCEPT_ENCODING = 'br, zstd';

/** Creates the browser check crawler of one marketplace. */
export function createBrowserCheckCrawler(options: CheckCrawlerOptions): CheckCrawler {
  const { marketplace, config, manager, runner, metrics, concurrency } = options;
  const log = options.logger.child({ component: 'browser-crawler', marketplace });
  const timeoutMs = config.crawler.requestTimeoutSecs * 1000;
  const sentAt = new WeakMap<object, number>();
  const sentAtEpoch = new WeakMap<object, number>();

  const fetchInPage =
    (ctx: PlaywrightCrawlingContext) =>
    async (url: string, kind: FetchKind): Promise<Fetched> => {
      await runner.acquire(ctx.session);
      const t0 = performance.now();
      const res = await ctx.page.request.get(url, { timeout: timeoutMs, headers: { referer: ctx.request.url } });
      const body = await res.body();
      const headers = res.headers();
      const wire = Number(headers['content-length']) || body.length;
      (ctx.request.userData as CheckData).bytes += wire;
      metrics.fetched(marketplace, kind, (performance.now() - t0) / 1000, wire);
      return { status: res.status(), encoding: undefined, body, requestId: headers['x-amz-rid'] ?? null };
    };

  const crawler = new PlaywrightCrawler(
    {
      ...sharedCrawlerOptions(options, log, { minPoolSize: 2, maybeRunIntervalSecs: 0.05 }),
      launchContext: {
        launcher: chromium,
        useIncognitoPages: true,
        launchOptions: {
          executablePath: config.crawler.chromiumPath,
          headless: true,
          args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
        },
      },
      browserPoolOptions: { maxOpenPagesPerBrowser: Math.max(1, concurrency), retireBrowserAfterPageCount: 200 },
      preNavigationHooks: [
        async (ctx, gotoOptions) => {
          const data = ctx.request.userData as CheckData;
          if (manager.isLost(data.leaseId)) throw new HandBackError('lease_lost');
          await ctx.page.route('**/*', (route) => (ALLOWED_RESOURCES.has(route.request().resourceType()) ? route.continue() : route.abort()));
          // Chromium decodes only the first member of a multi-member gzip body; Brotli and zstd (what
          // Amazon serves browsers) have no such form, and a server without them answers uncompressed.
          await ctx.page.setExtraHTTPHeaders({ 'accept-encoding': BROWSER_ACCEPT_ENCODING });
          await runner.acquire(ctx.session);
          sentAt.set(ctx.request, performance.now());
          sentAtEpoch.set(ctx.request, Date.now());
          if (gotoOptions) gotoOptions.waitUntil = 'domcontentloaded';
        },
      ],
      requestHandler: async (ctx) => {
        const data = ctx.request.userData as CheckData;
        const checkedAt = Date.now();
        const html = await ctx.page.content();
        const status = ctx.response?.status() ?? 0;
        const headers = ctx.response?.headers() ?? {};
        const wire = Number(headers['content-length']) || Buffer.byteLength(html);
        data.bytes += wire;
        const t0 = sentAt.get(ctx.request);
        metrics.fetched(marketplace, 'page', t0 === undefined ? 0 : (performance.now() - t0) / 1000, wire);
        const answer: Fetched = { status, encoding: undefined, body: html, requestId: headers['x-amz-rid'] ?? null };
        const page = await runner.readProduct(data, ctx.session, answer, ctx.request.url);
        const requestIds = [answer.requestId ?? '-'];
        const send = fetchInPage(ctx);
        const fetchOffers: FetchFn = async (url, kind) => {
          const r = await send(url, kind);
          requestIds.push(r.requestId ?? '-');
          return r;
        };
        const offers = config.crawler.fetchOffers ? await runner.readOffers(data, ctx.session, fetchOffers) : null;
        await runner.succeed(data, ctx.session, page, offers, { checkedAt, status, requestIds, sentAt: sentAtEpoch.get(ctx.request) ?? checkedAt });
      },
      errorHandler: (ctx, err) => {
        log.debug({ asin: (ctx.request.userData as CheckData).asin, err: err.message, retry: ctx.request.retryCount }, 'check attempt failed');
      },
      failedRequestHandler: async (ctx, err) => {
        const failure = failureOf(err);
        if (failure.kind === 'hand_back') {
          await manager.handBack(ctx.request, failure.reason);
          metrics.handedBack(marketplace, failure.reason, 1);
          return;
        }
        runner.fail(ctx.request.userData as CheckData, failure, err, ctx.response?.status() ?? null);
      },
    },
    options.crawleeConfig,
  );
  attachRequestManager(crawler, manager);

  return {
    async run() {
      await crawler.run();
    },
    stop() {
      crawler.stop('stopping');
    },
  };
}
