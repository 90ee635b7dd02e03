/**
 * The default fetcher of a marketplace: a Crawlee HttpCrawler on got-scraping (browser-like headers
 * and user agents, one consistent set per session), fed by the lease request manager. It reads raw
 * (compressed) bodies — no decompression stream, no string conversion, a size cap — and decodes them
 * once; the offers fragment is fetched through the same session, proxy and cookies.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Configuration, ProxyConfiguration, type Session, type SessionPool } from '@crawlee/core';
import { HttpCrawler, type HttpCrawlingContext } from '@crawlee/http';
import type { Logger } from 'pino';
import { type Config, type MarketplaceCode, getMarketplace, marketplaceBaseUrl } from '../config/index.js';
import { ACCEPT_ENCODING, decodeBody } from './body-decode.js';
import type { CheckRunner, FetchFn, Fetched } from './check-runner.js';
import { attachRequestManager } from './attach-request-manager.js';
import { crawleeLog } from './crawlee-log.js';
import type { CrawlerMetrics, FetchKind } from './crawler-metrics.js';
import { BlockedError, HandBackError, PageParseError, RobotCheckError, failureOf } from './errors.js';
import type { CheckData, LeaseRequestManager } from './lease-request-manager.js';
import type { PageReader, StreamedPage } from './page-reader.js';
import type { SessionProxies } from './session-proxies.js';

/** How a check's crawler is driven; shared by the HTTP and browser variants. */
export interface CheckCrawlerOptions {
  marketplace: MarketplaceCode;
  config: Config;
  manager: LeaseRequestManager;
  runner: CheckRunner;
  sessions: SessionProxies;
  metrics: CrawlerMetrics;
  logger: Logger;
  /** Checks running at once. */
  concurrency: number;
  /** Crawlee configuration: no local storage, memory budget. */
  crawleeConfig: Configuration;
  /** Send the marketplace's pinned delivery postcode once per new session. */
  pinDeliveryLocation: boolean;
  /** Decodes and parses pages (on worker threads). */
  reader: PageReader;
}

/** A running check crawler. */
export interface CheckCrawler {
  /** Runs until {@link stop}; resolves when every running check has finished. */
  run(): Promise<void>;
  stop(): void;
}

/** Retries of a check after network errors, timeouts and error pages. */
export const MAX_REQUEST_RETRIES = 2;
/** Proxies a check may try after robot checks or blocks before it fails as `captcha`/`blocked`. */
export const MAX_SESSION_ROTATIONS = 3;

interface Attempt {
  /** performance.now() when the page request left. */
  sentAt: number;
  /** Date.now() then. */
  sentAtEpoch: number;
  headersAt: number;
  read?: StreamedPage;
}

const NO_BODY = Buffer.alloc(0);

/**
 * HttpCrawler whose body handling is replaced: the raw response (got's decompression is off) goes to
 * the page reader as it arrives — decoded and parsed off the event loop, reading stopped where the
 * page's data ends — and the crawler's context gets the parsed page instead of a body.
 */
class ProductPageHttpCrawler extends HttpCrawler<HttpCrawlingContext> {
  readonly attempts = new WeakMap<object, Attempt>();
  reader: PageReader | undefined;
  marketplace: MarketplaceCode = 'us';

  protected override async _parseHTML(response: IncomingMessage, _isXml: boolean, ctx: HttpCrawlingContext): Promise<Partial<HttpCrawlingContext>> {
    const attempt = this.attempts.get(ctx.request) ?? { sentAt: performance.now(), sentAtEpoch: Date.now(), headersAt: 0 };
    this.attempts.set(ctx.request, attempt);
    attempt.headersAt = Date.now();
    attempt.read = await this.reader!.streamPage(response, {
      encoding: response.headers['content-encoding'],
      marketplace: this.marketplace,
      statusCode: response.statusCode ?? 0,
      url: ctx.request.url,
    });
    return { body: NO_BODY };
  }
}

function header(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/**
 * The options both check crawlers share: fixed concurrency, retries and timeouts, the session pool
 * whose sessions each hold a proxy (a retired session releases it), no persistence, Crawlee's log
 * through ours. `minPoolSize` and `maybeRunIntervalSecs` differ between the HTTP and browser kinds.
 */
export function sharedCrawlerOptions(
  options: Pick<CheckCrawlerOptions, 'config' | 'sessions' | 'concurrency'>,
  log: Logger,
  { minPoolSize, maybeRunIntervalSecs }: { minPoolSize: number; maybeRunIntervalSecs: number },
) {
  const { config, sessions, concurrency } = options;
  const watchedPools = new WeakSet<object>();
  return {
    keepAlive: true,
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    autoscaledPoolOptions: { desiredConcurrency: concurrency, maybeRunIntervalSecs, loggingIntervalSecs: null },
    maxRequestRetries: MAX_REQUEST_RETRIES,
    maxSessionRotations: MAX_SESSION_ROTATIONS,
    // Rate-limit waits happen inside the handler: its timeout covers them, the navigation one does not.
    requestHandlerTimeoutSecs: config.crawler.requestTimeoutSecs * (2 + 2 * 3) + 120,
    navigationTimeoutSecs: config.crawler.requestTimeoutSecs,
    persistCookiesPerSession: true,
    useSessionPool: true,
    retryOnBlocked: false,
    sessionPoolOptions: {
      maxPoolSize: Math.max(minPoolSize, concurrency),
      createSessionFunction: (pool: SessionPool) => {
        if (!watchedPools.has(pool)) {
          watchedPools.add(pool);
          pool.on('sessionRetired', (retired: Session) => sessions.forget(retired));
        }
        return sessions.createSession(pool);
      },
      // Blocks are recognised by the handler (robot checks come as 200 too).
      blockedStatusCodes: [],
      persistenceOptions: { enable: false },
    },
    proxyConfiguration: new ProxyConfiguration({ newUrlFunction: (sessionId) => sessions.proxyUrl(String(sessionId)) }),
    statusMessageLoggingInterval: 3600,
    statisticsOptions: { saveErrorSnapshots: false, persistenceOptions: { enable: false } },
    log: crawleeLog(log),
  };
}

/** Creates the HTTP check crawler of one marketplace. */
export function createHttpCheckCrawler(options: CheckCrawlerOptions): CheckCrawler {
  const { marketplace, config, manager, runner, metrics } = options;
  const log = options.logger.child({ component: 'http-crawler', marketplace });
  const timeoutMs = config.crawler.requestTimeoutSecs * 1000;
  const market = getMarketplace(marketplace);

  /** One request of the check through the session's proxy, outside the page navigation. */
  const sender =
    (ctx: HttpCrawlingContext) =>
    async (url: string, kind: FetchKind, init: { method?: 'GET' | 'POST'; json?: unknown } = {}): Promise<Fetched> => {
      await runner.acquire(ctx.session);
      const cookie = ctx.session?.getCookieString(url) ?? '';
      const t0 = performance.now();
      const res = await ctx.sendRequest<Buffer>({
        url,
        method: init.method ?? 'GET',
        ...(init.json === undefined ? {} : { json: init.json }),
        responseType: 'buffer',
        decompress: false,
        followRedirect: true,
        timeout: { request: timeoutMs },
        headers: { 'accept-encoding': ACCEPT_ENCODING, referer: ctx.request.url, ...(cookie ? { cookie } : {}) },
      });
      ctx.session?.setCookiesFromResponse(res);
      const body = res.body;
      (ctx.request.userData as CheckData).bytes += body.length;
      metrics.fetched(marketplace, kind, (performance.now() - t0) / 1000, body.length);
      return { status: res.statusCode, encoding: res.headers['content-encoding'], body, requestId: header(res.headers['x-amz-rid']) };
    };

  /** Best effort: the delivery postcode of the marketplace, once per session (see docs/crawler.md). */
  async function pinLocation(ctx: HttpCrawlingContext, session: Session): Promise<void> {
    session.userData.locationPinned = false;
    const url = `${marketplaceBaseUrl(config, marketplace)}/portal-migration/hz/glow/address-change?actionSource=glow`;
    try {
      const answer = await sender(ctx)(url, 'location', {
        method: 'POST',
        json: { locationType: 'LOCATION_INPUT', zipCode: market.deliveryPostcode, deviceType: 'web', storeContext: 'generic', pageType: 'Detail', actionSource: 'glow' },
      });
      const text = typeof answer.body === 'string' ? answer.body : decodeBody(answer.body, answer.encoding).toString('utf8', 0, 4096);
      session.userData.locationPinned = answer.status === 200 && /"isValidAddress"\s*:\s*(1|true)/.test(text);
      // A robot check here is handled like one on a page.
      if (!session.userData.locationPinned) await runner.screen(session, answer, url);
    } catch (err) {
      if (err instanceof RobotCheckError || err instanceof BlockedError) throw err;
      log.debug({ err }, 'delivery location not pinned');
    }
  }

  const crawler = new ProductPageHttpCrawler(
    {
      ...sharedCrawlerOptions(options, log, { minPoolSize: 4, maybeRunIntervalSecs: 0.02 }),
      // Robot checks and dog pages come as 503 (and 500): the handler reads them instead of Crawlee throwing first.
      ignoreHttpErrorStatusCodes: [500, 502, 503, 504],
      // Bodies stay raw bytes: no re-encoding stream in front of them.
      forceResponseEncoding: 'utf8',
      preNavigationHooks: [
        async (ctx, gotOptions) => {
          const data = ctx.request.userData as CheckData;
          if (manager.isLost(data.leaseId)) throw new HandBackError('lease_lost');
          const session = ctx.session;
          if (options.pinDeliveryLocation && session && session.userData.locationPinned === undefined) await pinLocation(ctx, session);
          await runner.acquire(session);
          crawler.attempts.set(ctx.request, { sentAt: performance.now(), sentAtEpoch: Date.now(), headersAt: 0 });
          gotOptions.decompress = false;
          gotOptions.timeout = { request: timeoutMs };
          gotOptions.headers = { ...gotOptions.headers, 'accept-encoding': ACCEPT_ENCODING };
        },
      ],
      requestHandler: async (ctx) => {
        const data = ctx.request.userData as CheckData;
        const attempt = crawler.attempts.get(ctx.request);
        const read = attempt?.read;
        if (!attempt || !read) throw new PageParseError('the product page was not read');
        data.bytes += read.wireBytes;
        metrics.fetched(marketplace, 'page', (performance.now() - attempt.sentAt) / 1000, read.wireBytes);
        metrics.pageRead(marketplace, read.decodedBytes, read.stoppedEarly);
        const status = ctx.response.statusCode ?? 0;
        const answer = { requestId: header(ctx.response.headers['x-amz-rid']) };
        const page = await runner.productFrom(ctx.session, read.page, status);
        const checkedAt = attempt.headersAt || Date.now();
        const send = sender(ctx);
        const requestIds = [answer.requestId ?? '-'];
        const fetchOffers: FetchFn = async (url, kind) => {
          const r = await send(url, kind);
          requestIds.push(r.requestId ?? '-');
          return r;
        };
        const offers = config.crawler.fetchOffers ? await runner.readOffers(data, ctx.session, fetchOffers) : null;
        await runner.succeed(data, ctx.session, page, offers, { checkedAt, status, requestIds, sentAt: attempt.sentAtEpoch });
      },
      errorHandler: (ctx, err) => {
        log.debug({ asin: (ctx.request.userData as CheckData).asin, err: err.message, retry: ctx.request.retryCount }, 'check attempt failed');
      },
      failedRequestHandler: async (ctx, err) => {
        const data = ctx.request.userData as CheckData;
        const failure = failureOf(err);
        if (failure.kind === 'hand_back') {
          await manager.handBack(ctx.request, failure.reason);
          metrics.handedBack(marketplace, failure.reason, 1);
          return;
        }
        runner.fail(data, failure, err, ctx.response?.statusCode ?? null);
      },
    },
    options.crawleeConfig,
  );
  crawler.reader = options.reader;
  crawler.marketplace = marketplace;
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
