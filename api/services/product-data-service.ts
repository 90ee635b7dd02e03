/**
 * The read side of the API about products — chart data, history, the extension's lookup and chart
 * images — with the cache in front (evicted when a product's new prices are announced, see
 * cache/invalidation-listener.ts) and batched loads behind it (batch-loader.ts). Responses are
 * cached serialized: a hit costs a map lookup and a write.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { ClickHouseClient } from '@clickhouse/client';
import { type Config, type MarketplaceCode, getMarketplace, productUrl } from '../../config/index.js';
import type { ChartRange, ChartSeriesKey } from '../../contracts/index.js';
import { type BrowserSummary, type ProductChartData, browserSummaries, chartData } from '../../storage/index.js';
import { type CachedBody, type ComputedBody, ProductCache, etagOf } from '../cache/product-cache.js';
import { BatchLoader } from './batch-loader.js';
import { type ChartQuery, browserResponse, chartLines, chartResponse, historyResponse } from './chart-response.js';
import { type ChartImageRenderer, renderChartImage } from './chart-image.js';

export interface ProductDataServiceOptions {
  clickhouse: ClickHouseClient;
  config: Config;
  cache: ProductCache;
  /** Serve from and fill the cache. Default true; false computes every response (the benchmark's cold runs). */
  useCache?: boolean;
  /** Most products per statement. Default 16. */
  maxBatch?: number;
  /** Draws PNG charts (default: charts/ through {@link renderChartImage}). */
  renderImage?: ChartImageRenderer;
  /** Clock; default Date.now. */
  now?: () => number;
}

interface ChartLoad {
  marketplace: MarketplaceCode;
  asin: string;
  range: ChartRange;
}

/** A chart image request: the chart query plus the image size, pixels. */
export interface ChartImageQuery extends ChartQuery {
  width: number;
  height: number;
}

/** The product read service. */
export class ProductDataService {
  readonly #o: ProductDataServiceOptions;
  readonly #now: () => number;
  readonly #charts: BatchLoader<ChartLoad, ProductChartData>;
  readonly #lookups: BatchLoader<{ marketplace: MarketplaceCode; asin: string }, BrowserSummary>;

  constructor(options: ProductDataServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const maxBatch = options.maxBatch ?? 16;
    this.#charts = new BatchLoader({
      groupOf: (r) => `${r.marketplace}|${r.range}`,
      keyOf: (r) => r.asin,
      maxBatch,
      load: async (requests) => {
        const first = requests[0] as ChartLoad;
        return chartData(options.clickhouse, { marketplace: first.marketplace, range: first.range, asins: requests.map((r) => r.asin), now: new Date(this.#now()) });
      },
    });
    this.#lookups = new BatchLoader({
      groupOf: (r) => r.marketplace,
      keyOf: (r) => r.asin,
      maxBatch,
      load: async (requests) => {
        const first = requests[0] as { marketplace: MarketplaceCode };
        return browserSummaries(options.clickhouse, { marketplace: first.marketplace, asins: requests.map((r) => r.asin), now: new Date(this.#now()) });
      },
    });
  }

  /** Statements issued and products loaded by each loader. */
  get loadCounters(): { charts: { batches: number; products: number }; lookups: { batches: number; products: number } } {
    return { charts: this.#charts.counters, lookups: this.#lookups.counters };
  }

  /** The chart response (JSON text). */
  chartJson(query: ChartQuery): Promise<CachedBody> {
    return this.#cached(query.marketplace, query.asin, `chart|${variant(query)}`, async () => {
      const data = await this.#charts.load({ marketplace: query.marketplace, asin: query.asin, range: query.range });
      return JSON.stringify(chartResponse(data, query, this.#now(), this.#amazonUrl(query.marketplace, query.asin)));
    });
  }

  /** The history response (JSON text). */
  historyJson(query: ChartQuery): Promise<CachedBody> {
    return this.#cached(query.marketplace, query.asin, `history|${variant(query)}`, async () => {
      const data = await this.#charts.load({ marketplace: query.marketplace, asin: query.asin, range: query.range });
      return JSON.stringify(historyResponse(data, query));
    });
  }

  /** The extension's lookup (JSON text). */
  browserJson(marketplace: MarketplaceCode, asin: string): Promise<CachedBody> {
    return this.#cached(marketplace, asin, 'browser', async () => {
      const summary = await this.#lookups.load({ marketplace, asin });
      return JSON.stringify(browserResponse(summary, marketplace, this.#now(), this.#amazonUrl(marketplace, asin)));
    });
  }

  /** A chart image (PNG bytes). */
  chartPng(query: ChartImageQuery): Promise<CachedBody> {
    return this.#cached(query.marketplace, query.asin, `png|${variant(query)}|${query.width}x${query.height}`, async () => {
      const data = await this.#charts.load({ marketplace: query.marketplace, asin: query.asin, range: query.range });
      const market = getMarketplace(query.marketplace);
      const render = this.#o.renderImage ?? renderChartImage;
      return render({
        lines: chartLines(data, query),
        currency: market.currency,
        locale: market.locale,
        width: query.width,
        height: query.height,
        from: data.from,
        to: data.to,
      });
    });
  }

  /** Forgets every cached response about a product (the API calls this after its own writes). */
  invalidate(marketplace: MarketplaceCode, asin: string): void {
    this.#o.cache.invalidate(ProductCache.productKey(marketplace, asin));
  }

  /** The body of a cached response as text (uncompressed). */
  async text(cached: CachedBody): Promise<string> {
    return cached.encoding === 'gzip' ? (await gunzip(cached.body)).toString('utf8') : String(cached.body);
  }

  #cached(marketplace: MarketplaceCode, asin: string, key: string, compute: () => Promise<string | Buffer>): Promise<CachedBody> {
    const product = ProductCache.productKey(marketplace, asin);
    if (this.#o.useCache === false) {
      return compute().then((body) => ({ body, etag: etagOf(body), at: this.#now() }));
    }
    return this.#o.cache.get(product, `${product}|${key}`, () => compressed(compute));
  }

  #amazonUrl(marketplace: MarketplaceCode, asin: string): string {
    return productUrl(this.#o.config, marketplace, asin);
  }
}

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** Text bodies are kept gzip-compressed (served as is to clients that accept gzip); images as they are. */
async function compressed(compute: () => Promise<string | Buffer>): Promise<ComputedBody> {
  const body = await compute();
  if (typeof body !== 'string') return { body };
  return { body: await gzip(body, { level: 6 }), encoding: 'gzip', etag: etagOf(body) };
}

function variant(query: ChartQuery): string {
  const series: readonly ChartSeriesKey[] = query.series ?? [];
  return `${query.range}|${query.condition}|${[...series].sort().join(',')}`;
}
