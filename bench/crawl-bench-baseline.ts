/**
 * The baseline of `dromedary bench crawl`: a plain Crawlee CheerioCrawler with its default parse path
 * (got-scraping decompressing the body, the body as a string, htmlparser2 `parseDocument` and
 * `cheerio.load`), reading the same pages with the same extraction (the parser's field readers run
 * on the crawler's full DOM), and fetching the offers fragment with `sendRequest` + `cheerio.load`.
 */
import { performance } from 'node:perf_hooks';
import type { AnyNode } from 'domhandler';
import { type MarketplaceCode, getMarketplace, offersUrl } from '../config/index.js';
import { DomPageView, type ParsedOffers, openSource, parseView, seriesPrices } from '../parser/index.js';

export interface BaselineOptions {
  /** Product page URLs to check. */
  readonly urls: readonly { url: string; asin: string }[];
  readonly marketplace: MarketplaceCode;
  /** Base URL override of the marketplace (the simulator). */
  readonly baseUrl: string;
  readonly concurrency: number;
  readonly fetchOffers: boolean;
  readonly memoryMbytes: number;
}

export interface BaselineResult {
  readonly checks: number;
  readonly failed: number;
  readonly seconds: number;
  readonly cpuMs: number;
  /** Checks whose page read as a product with a series price. */
  readonly withPrice: number;
}

/** Runs the baseline crawl to completion. */
export async function runBaselineCrawl(options: BaselineOptions): Promise<BaselineResult> {
  const [{ CheerioCrawler }, { Configuration, RequestList, log, LogLevel }, cheerio] = await Promise.all([
    import('@crawlee/cheerio'),
    import('@crawlee/core'),
    import('cheerio'),
  ]);
  const mk = getMarketplace(options.marketplace);
  const config = new Configuration({ persistStorage: false, memoryMbytes: options.memoryMbytes, purgeOnStart: true });
  const quiet = log.child({ prefix: 'baseline' });
  quiet.setLevel(LogLevel.ERROR);
  const requestList = await RequestList.open(null, options.urls.map((u) => ({ url: u.url, userData: { asin: u.asin } })));
  const overrides = { marketplaces: { [options.marketplace]: { baseUrl: options.baseUrl } } };
  let checks = 0;
  let failed = 0;
  let withPrice = 0;

  const readDom = (html: string, root: AnyNode) => {
    const opened = openSource(html);
    return opened.ok ? parseView(new DomPageView(opened.source, root), mk) : null;
  };

  const crawler = new CheerioCrawler(
    {
      requestList,
      minConcurrency: options.concurrency,
      maxConcurrency: options.concurrency,
      maxRequestRetries: 2,
      log: quiet,
      statusMessageLoggingInterval: 3600,
      statisticsOptions: { saveErrorSnapshots: false, persistenceOptions: { enable: false } },
      sessionPoolOptions: { persistenceOptions: { enable: false } },
      async requestHandler({ $, body, request, sendRequest }) {
        const page = readDom(String(body), $.root()[0] as AnyNode);
        if (page?.kind !== 'product') throw new Error(`not a product page: ${page?.kind ?? 'unreadable'}`);
        let offers: ParsedOffers | null = null;
        if (options.fetchOffers) {
          const asin = (request.userData as { asin: string }).asin;
          const res = await sendRequest({ url: offersUrl(overrides, options.marketplace, asin) });
          const doc = cheerio.load(res.body);
          const listing = readDom(res.body, doc.root()[0] as AnyNode);
          offers = listing?.kind === 'offer_listing' ? listing.listing : null;
        }
        if (seriesPrices(page, offers).some((s) => s.price !== null)) withPrice++;
        checks++;
      },
      failedRequestHandler() {
        failed++;
      },
    },
    config,
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await crawler.run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { checks, failed, seconds, cpuMs: (cpu.user + cpu.system) / 1000, withPrice };
}
