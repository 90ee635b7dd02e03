/**
 * The simulator without its sockets: routes a request (storefront by path prefix or Host header),
 * applies hostility, renders the page, logs what it embedded; and answers truth and control calls.
 * The HTTP server and the control endpoints are thin adapters over this class.
 */
import { type MarketplaceCode, getMarketplace, marketplaceForHost } from '../config/index.js';
import type { Series } from '../contracts/index.js';
import { captchaPage, dogPage } from './blocked-pages.js';
import { type Catalogue, type CatalogueProduct, buildCatalogue } from './catalogue.js';
import { Hostility, type HostilityOptions } from './hostility.js';
import { type SeriesTruth, MarketState } from './market-state.js';
import { minorToDecimal } from './money-format.js';
import { aodFragment, offerListingPage } from './offers-pages.js';
import { type SimulatorOptions, hostilityFrom } from './options.js';
import { type PageNoise, buildPageNoise } from './page-noise.js';
import { AOD_PAGE_SIZE, type OffersTruth, type ProductPageTruth, offersTruth, productPageModel } from './page-model.js';
import { productPageSegments } from './product-page.js';
import { Rng, hash32 } from './random.js';
import { type ClientStats, RequestLog, type RequestLogEntry, type ServedKind } from './request-log.js';
import { type Body, buildBody, textBody } from './response-body.js';

/** A request as the simulator sees it. */
export interface SimRequest {
  readonly method: string;
  /** The Host header. */
  readonly host: string | undefined;
  /** Path and query. */
  readonly url: string;
  /** The client's IP address (the socket's remote address). */
  readonly ip: string;
  readonly acceptsGzip: boolean;
}

/** What to send back. */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Null for HEAD and redirects. */
  readonly body: Body | null;
  /** Wait this long before answering, ms. */
  readonly delayMs: number;
}

/** Everything true about one product at one instant. */
export interface ProductTruth {
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  /** The instant, epoch ms. */
  readonly time: number;
  /** Index of the price epoch containing `time`. */
  readonly epoch: number;
  readonly currency: string;
  /** Every series: lowest item price (minor units) or null, stock, offer count. */
  readonly series: Readonly<Record<Series, SeriesTruth>>;
  /** What the product page embeds at `time`. */
  readonly page: ProductPageTruth;
  /** What the offer fragment embeds at `time`. */
  readonly offers: OffersTruth;
}

/** A product as the catalogue lists it. */
export interface CatalogueEntry {
  readonly marketplace: MarketplaceCode;
  readonly asin: string;
  readonly title: string;
  readonly kind: CatalogueProduct['kind'];
  readonly layout: CatalogueProduct['layout'];
  readonly variant: CatalogueProduct['variant'];
  readonly brand: string | null;
  readonly parentAsin: string | null;
  /** Path of the product page under the storefront's base URL. */
  readonly path: string;
}

/** Options of {@link SimulatorCore.forceDrop}. */
export interface ForceDropInput {
  marketplace: MarketplaceCode;
  asin: string;
  /** Series to drop; `new` means the series of the buy-box offer. Default `new`. */
  series?: Series;
  /** The new price in minor units, or… */
  price?: number;
  /** …a drop by this percentage of the current price. */
  percent?: number;
  /** How long the forced price lasts, ms; default until reset. */
  durationMs?: number;
}

/** Options of stock controls. */
export interface StockInput {
  marketplace: MarketplaceCode;
  asin: string;
  /** One series; default the whole product. */
  series?: Series;
  /** How long it lasts, ms; default until reset (or the opposite control). */
  durationMs?: number;
}

/** Options of {@link SimulatorCore.captchaStorm}. */
export interface CaptchaStormInput {
  /** One storefront; default every storefront. */
  marketplace?: MarketplaceCode;
  durationMs: number;
  /** Force the status of the robot checks; default mixed 200/503. */
  status?: 200 | 503;
}

/** Thrown for bad control input (unknown storefront, neither price nor percent…). Not retryable. */
export class SimulatorInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorInputError';
  }
}

const PRODUCT_PATH = /^\/(?:[^/]+\/)?(?:dp|dp\/product|gp\/product|gp\/aw\/d)\/([A-Za-z0-9]{10})(?=[/?#]|$)/;
const OFFER_LISTING_PATH = /^\/gp\/offer-listing\/([A-Za-z0-9]{10})(?=[/?#]|$)/;
const AOD_PATHS = new Set(['/gp/aod/ajax', '/gp/product/ajax', '/gp/aod/ajax/']);

/** Encodes a log sequence number as an Amazon-looking request id (`x-amz-rid`). */
export function requestIdFor(seq: number): string {
  return `S${seq.toString(36).toUpperCase().padStart(19, '0')}`;
}

/** The log sequence number in an `x-amz-rid` the simulator sent; undefined for others. */
export function seqFromRequestId(rid: string | null | undefined): number | undefined {
  if (!rid || !/^S[0-9A-Z]{19}$/.test(rid)) return undefined;
  return parseInt(rid.slice(1), 36);
}

/** The simulator's state and logic. */
export class SimulatorCore {
  readonly catalogue: Catalogue;
  readonly market: MarketState;
  readonly hostility: Hostility;
  readonly log: RequestLog;
  private readonly noise = new Map<string, PageNoise>();
  private readonly marketplaces: ReadonlySet<MarketplaceCode>;
  private readonly pageRng: Rng;

  constructor(
    readonly options: SimulatorOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.catalogue = buildCatalogue({
      seed: options.seed,
      products: options.products,
      marketplaces: options.marketplaces,
      layouts: options.layouts,
    });
    this.market = new MarketState(this.catalogue, { seed: options.seed, priceEpochMs: options.priceEpochMs });
    this.hostility = new Hostility(options.seed, hostilityFrom(options.hostility));
    this.log = new RequestLog(options.requestLogSize);
    this.marketplaces = new Set(options.marketplaces);
    this.pageRng = new Rng(hash32(options.seed, 'tokens'));
  }

  /** Builds the page noise of every storefront and layout now, so no request pays for it. */
  warm(): void {
    for (const mk of this.options.marketplaces) for (const layout of this.options.layouts) this.noiseFor(mk, layout);
  }

  /** Serves one request. */
  handle(req: SimRequest): SimResponse {
    const time = this.now();
    const q = req.url.indexOf('?');
    const rawPath = q < 0 ? req.url : req.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const { marketplace, path } = this.route(rawPath, req.host);
    const seq = this.log.nextSeq();
    const head = req.method === 'HEAD';
    const base: Omit<RequestLogEntry, 'served' | 'status' | 'asin' | 'captcha' | 'product' | 'offers' | 'bytes' | 'rawBytes' | 'gzip'> = {
      seq,
      time,
      ip: req.ip,
      marketplace: marketplace === 'unknown' ? null : marketplace,
      method: req.method,
      path: req.url.length > 2000 ? req.url.slice(0, 2000) : req.url,
    };
    const reply = (
      status: number,
      body: Body | null,
      served: ServedKind,
      extra: Partial<Pick<RequestLogEntry, 'asin' | 'captcha' | 'product' | 'offers'>> = {},
      headers: Record<string, string> = {},
    ): SimResponse => {
      this.log.add({
        ...base,
        served,
        status,
        asin: extra.asin ?? null,
        captcha: extra.captcha ?? null,
        product: extra.product ?? null,
        offers: extra.offers ?? null,
        bytes: body?.length ?? 0,
        rawBytes: body?.rawLength ?? 0,
        gzip: body?.gzip ?? false,
      });
      const h: Record<string, string> = {
        server: 'Server',
        'x-amz-rid': requestIdFor(seq),
        'cache-control': 'no-cache',
        vary: 'Accept-Encoding',
        ...headers,
      };
      if (body) {
        h['content-type'] = 'text/html;charset=UTF-8';
        h['content-length'] = String(body.length);
        if (body.gzip) h['content-encoding'] = 'gzip';
      }
      return { status, headers: h, body: head ? null : body, delayMs: this.hostility.latency() };
    };
    const mkForPages: MarketplaceCode = marketplace === 'unknown' ? this.options.marketplaces[0]! : marketplace;

    const verdict = this.hostility.judge(req.ip, marketplace === 'unknown' ? null : marketplace, time);
    if (verdict.kind === 'captcha') {
      const html = captchaPage(verdict.shape, mkForPages, path, new Rng(this.pageRng.next() * 4294967296));
      return reply(verdict.status, textBody(html, req.acceptsGzip), 'captcha', { captcha: { shape: verdict.shape, reason: verdict.reason } });
    }
    if (verdict.kind === 'dog') return reply(503, textBody(dogPage(503, mkForPages), req.acceptsGzip), 'dog');
    if (marketplace === 'unknown') return reply(404, textBody(dogPage(404, mkForPages), req.acceptsGzip), 'not_found');

    const product = PRODUCT_PATH.exec(path);
    if (product) {
      const p = this.catalogue.get(marketplace, product[1]!.toUpperCase());
      if (!p) return reply(404, textBody(dogPage(404, marketplace), req.acceptsGzip), 'not_found', { asin: product[1]!.toUpperCase() });
      const model = productPageModel(this.market, p, time);
      const body = buildBody(productPageSegments(model, this.noiseFor(marketplace, p.layout)), req.acceptsGzip);
      const t = model.truth;
      return reply(200, body, 'product', {
        asin: p.asin,
        product: {
          layout: t.layout,
          variant: t.variant,
          priceNew: t.priceNew,
          priceUsed: t.priceUsed,
          priceRefurbished: t.priceRefurbished,
          listPrice: t.listPrice,
          availability: t.availability,
          seller: t.seller,
        },
      });
    }
    if (AOD_PATHS.has(path)) {
      const asin = (query.get('asin') ?? '').toUpperCase();
      const p = this.catalogue.get(marketplace, asin);
      if (!p) return reply(404, textBody(dogPage(404, marketplace), req.acceptsGzip), 'not_found', { asin: asin || null });
      const pageNo = Math.max(1, Math.min(1000, parseInt(query.get('pageno') ?? '1', 10) || 1));
      const truth = offersTruth(this.market, p, time);
      const start = (pageNo - 1) * AOD_PAGE_SIZE;
      const shown = truth.offers.slice(start, start + AOD_PAGE_SIZE).map((o) => ({ price: o.price, shipping: o.shipping, condition: o.condition, seller: o.seller, pinned: false }));
      if (pageNo === 1 && truth.pinned) {
        const o = truth.pinned;
        shown.unshift({ price: o.price, shipping: o.shipping, condition: o.condition, seller: o.seller, pinned: true });
      }
      return reply(200, textBody(aodFragment(p, truth, pageNo), req.acceptsGzip), 'offers', {
        asin: p.asin,
        offers: { page: pageNo, totalOfferCount: truth.totalOfferCount, offers: shown },
      });
    }
    const listing = OFFER_LISTING_PATH.exec(path);
    if (listing) {
      const p = this.catalogue.get(marketplace, listing[1]!.toUpperCase());
      if (!p) return reply(404, textBody(dogPage(404, marketplace), req.acceptsGzip), 'not_found', { asin: listing[1]!.toUpperCase() });
      const truth = offersTruth(this.market, p, time);
      const condition = query.get('condition') ?? query.get('f_condition');
      const all = [...(truth.pinned ? [truth.pinned] : []), ...truth.offers]
        .filter((o) => !condition || condition === 'all' || (condition === 'new' ? o.condition === 'new' : o.condition !== 'new'))
        .sort((a, b) => a.price + a.shipping - (b.price + b.shipping) || (a.id < b.id ? -1 : 1));
      return reply(200, textBody(offerListingPage(p, all), req.acceptsGzip), 'offer_listing', {
        asin: p.asin,
        offers: {
          page: 1,
          totalOfferCount: all.length,
          offers: all.map((o) => ({ price: o.price, shipping: o.shipping, condition: o.condition, seller: o.seller, pinned: false })),
        },
      });
    }
    if (path === '/errors/validateCaptcha') {
      const back = query.get('amzn-r') ?? '/';
      const location = back.startsWith('/') && !back.startsWith('//') ? back : '/';
      return reply(302, null, 'other', {}, { location: marketplace && this.isPrefixed(rawPath) ? `/${marketplace}${location}` : location });
    }
    if (path === '/' || path === '') {
      const m = getMarketplace(marketplace);
      const html = `<!doctype html><html><head><meta charset="utf-8"><title>${m.domain.replace(/^amazon/, 'Amazon')}</title></head><body><div id="nav-logo"></div><div id="gw-layout">Welcome</div></body></html>\n`;
      return reply(200, textBody(html, req.acceptsGzip), 'other');
    }
    return reply(404, textBody(dogPage(404, marketplace), req.acceptsGzip), 'not_found');
  }

  /** Products of one storefront (or all), in list order. */
  listCatalogue(marketplace?: MarketplaceCode): CatalogueEntry[] {
    const codes = marketplace ? [this.requireMarketplace(marketplace)] : this.options.marketplaces;
    return codes.flatMap((code) =>
      (this.catalogue.products.get(code) ?? []).map((p) => ({
        marketplace: code,
        asin: p.asin,
        title: p.title,
        kind: p.kind,
        layout: p.layout,
        variant: p.variant,
        brand: p.brand,
        parentAsin: p.parentAsin,
        path: `/dp/${p.asin}`,
      })),
    );
  }

  /** The full truth of a product at `time` (default now). */
  truth(marketplace: MarketplaceCode, asin: string, time = this.now()): ProductTruth {
    const p = this.market.product(this.requireMarketplace(marketplace), asin);
    return {
      marketplace,
      asin: p.asin,
      time,
      epoch: this.market.timeline.epochOf(time),
      currency: getMarketplace(marketplace).currency,
      series: this.market.seriesTruth(p, time),
      page: productPageModel(this.market, p, time).truth,
      offers: offersTruth(this.market, p, time),
    };
  }

  /** One series of a product at `time` (default now). */
  priceAt(marketplace: MarketplaceCode, asin: string, series: Series, time = this.now()): SeriesTruth {
    const p = this.market.product(this.requireMarketplace(marketplace), asin);
    return this.market.seriesTruth(p, time)[series];
  }

  /** Forces a price drop (or any price) from now. */
  forceDrop(input: ForceDropInput): { series: Series; price: number; previous: number; from: number; until: number | null } {
    const mk = this.requireMarketplace(input.marketplace);
    if ((input.price === undefined) === (input.percent === undefined)) throw new SimulatorInputError('give exactly one of price (minor units) and percent');
    if (input.percent !== undefined && !(input.percent > 0 && input.percent < 100)) throw new SimulatorInputError('percent must be between 0 and 100');
    const from = this.now();
    const until = input.durationMs !== undefined ? from + input.durationMs : null;
    const change = input.price !== undefined ? { price: input.price } : { percent: input.percent! };
    const r = this.market.forcePrice(mk, input.asin, input.series ?? 'new', change, from, until);
    return { ...r, from, until };
  }

  /** Takes a product (or one series) out of stock from now. */
  forceStockOut(input: StockInput): { from: number; until: number | null } {
    return this.stock(input, false);
  }

  /** Puts a product (or one series) back in stock from now, overriding natural stock-outs. */
  restock(input: StockInput): { from: number; until: number | null } {
    return this.stock(input, true);
  }

  /** Every request (of one storefront, or all) gets a robot check for a while. */
  captchaStorm(input: CaptchaStormInput): { until: number } {
    const until = this.now() + input.durationMs;
    this.hostility.storm({ marketplace: input.marketplace ? this.requireMarketplace(input.marketplace) : null, until, status: input.status ?? null });
    return { until };
  }

  /** Changes hostility knobs while running. */
  setHostility(patch: Partial<HostilityOptions>): HostilityOptions {
    return this.hostility.update(patch);
  }

  /** Per-client-IP counters. */
  clients(): ClientStats[] {
    return this.log.clientStats(this.now(), (ip) => this.hostility.blockedUntil(ip));
  }

  /** Drops every control, storm, cool-down and log entry. */
  reset(): void {
    this.market.reset();
    this.hostility.reset();
    this.log.reset();
  }

  /** Decimal form of a minor-unit amount of a storefront. */
  decimal(marketplace: MarketplaceCode, minor: number | null): number | null {
    return minor === null ? null : minorToDecimal(marketplace, minor);
  }

  private stock(input: StockInput, inStock: boolean): { from: number; until: number | null } {
    const mk = this.requireMarketplace(input.marketplace);
    const from = this.now();
    const until = input.durationMs !== undefined ? from + input.durationMs : null;
    this.market.forceStock(mk, input.asin, input.series, inStock, from, until);
    return { from, until };
  }

  private requireMarketplace(code: MarketplaceCode): MarketplaceCode {
    if (!this.marketplaces.has(code)) throw new SimulatorInputError(`marketplace "${code}" is not served; served: ${[...this.marketplaces].join(', ')}`);
    return code;
  }

  private isPrefixed(rawPath: string): boolean {
    const seg = rawPath.split('/')[1] ?? '';
    return this.marketplaces.has(seg as MarketplaceCode);
  }

  /** The storefront of a request and the path within it; 'unknown' for an Amazon host not served. */
  private route(rawPath: string, host: string | undefined): { marketplace: MarketplaceCode | 'unknown'; path: string } {
    const seg = rawPath.split('/')[1] ?? '';
    if (this.marketplaces.has(seg as MarketplaceCode)) {
      return { marketplace: seg as MarketplaceCode, path: rawPath.slice(seg.length + 1) || '/' };
    }
    const byHost = host ? marketplaceForHost(host) : undefined;
    if (byHost) {
      const code = byHost.code as MarketplaceCode;
      return { marketplace: this.marketplaces.has(code) ? code : 'unknown', path: rawPath || '/' };
    }
    return { marketplace: this.options.marketplaces[0]!, path: rawPath || '/' };
  }

  private noiseFor(mk: MarketplaceCode, layout: 'old' | 'new'): PageNoise {
    const key = `${mk}:${layout}`;
    let n = this.noise.get(key);
    if (!n) {
      n = buildPageNoise({ seed: this.options.seed, marketplace: mk, layout, pageBytes: this.options.pageBytes });
      this.noise.set(key, n);
    }
    return n;
  }
}
