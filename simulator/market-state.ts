/**
 * The market at an instant: each product's offers and series prices at time t, from the natural
 * price timeline with the test controls (forced prices, stock-outs, restocks) laid over it.
 */
import type { MarketplaceCode } from '../config/index.js';
import type { Series } from '../contracts/index.js';
import { type Catalogue, type CatalogueProduct, type SellerRef, shopRound } from './catalogue.js';
import type { UsedGrade } from './locale-text.js';
import { DRIVEN_SERIES, type DrivenSeries, PriceTimeline, type SeriesPoint } from './price-timeline.js';

/** One offer on the market. */
export interface SimOffer {
  /** Stable id: series and seller. */
  readonly id: string;
  readonly series: DrivenSeries;
  readonly condition: 'new' | 'used' | 'refurbished' | 'collectible';
  readonly grade: UsedGrade | null;
  readonly sellerKind: 'amazon' | 'third_party' | 'warehouse';
  readonly sellerName: string;
  readonly sellerId: string;
  /** Fulfilled (shipped) by Amazon. */
  readonly fba: boolean;
  /** Item price, minor units. */
  readonly price: number;
  /** Shipping, minor units (0: free). */
  readonly shipping: number;
}

/** A series' truth at an instant: the lowest item price (minor units) or null when nothing is on offer. */
export interface SeriesTruth {
  readonly price: number | null;
  readonly inStock: boolean;
  /** Offers in the series. */
  readonly offerCount: number;
}

/** A forced price for one series, from `from` until `until` (epoch ms; null: open-ended). */
interface PriceOverride {
  readonly from: number;
  readonly until: number | null;
  readonly price: number;
}

interface StockOverride {
  readonly from: number;
  readonly until: number | null;
  readonly inStock: boolean;
}

/** Thrown when a control names a product or series the simulator does not have. Not retryable. */
export class UnknownProductError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownProductError';
  }
}

const AMAZON_MERCHANT: Readonly<Partial<Record<MarketplaceCode, string>>> = {
  us: 'ATVPDKIKX0DER', uk: 'A3P5ROKL5A1OLE', de: 'A3JWKAKR8XB7XF', fr: 'A1X6FK5RDHNB96', it: 'A11IL2PNWYJU7H',
  es: 'A1AT7YVPFBWXBL', jp: 'AN1VRQENFRJN5', ca: 'A3DWYIK6Y9EEQB', au: 'ANEGB3WVEVKZB',
};

/** Offers and series of every product at any time, with controls. */
export class MarketState {
  readonly timeline: PriceTimeline;
  private readonly priceOverrides = new Map<string, PriceOverride[]>();
  private readonly stockOverrides = new Map<string, StockOverride[]>();

  constructor(
    readonly catalogue: Catalogue,
    options: { seed: number; priceEpochMs: number },
  ) {
    this.timeline = new PriceTimeline(options);
  }

  /** The product or an {@link UnknownProductError}. */
  product(marketplace: MarketplaceCode, asin: string): CatalogueProduct {
    const p = this.catalogue.get(marketplace, asin);
    if (!p) throw new UnknownProductError(`no product ${asin} in ${marketplace}`);
    return p;
  }

  /** Which driven series a product has at all. */
  seriesOf(p: CatalogueProduct): DrivenSeries[] {
    const o = p.offers;
    return DRIVEN_SERIES.filter((s) => {
      switch (s) {
        case 'amazon':
          return o.amazon;
        case 'new_3p':
          return o.thirdPartyNew.length > 0;
        case 'used':
          return o.used.length > 0;
        case 'warehouse':
          return o.warehouse !== null;
        case 'refurbished':
          return o.renewed.length > 0;
        case 'collectible':
          return o.collectible.length > 0;
        default: {
          const never: never = s;
          throw new Error(`unknown series ${String(never)}`);
        }
      }
    });
  }

  /** A driven series at time t, controls applied. */
  point(p: CatalogueProduct, series: DrivenSeries, t: number): SeriesPoint {
    const natural = this.timeline.at(p.marketplace, p.asin, series, p.basePrice, t);
    const key = `${p.marketplace}:${p.asin}:${series}`;
    const forced = latestActive(this.priceOverrides.get(key), t);
    const stock = latestActive([...(this.stockOverrides.get(key) ?? []), ...(this.stockOverrides.get(`${p.marketplace}:${p.asin}:*`) ?? [])], t);
    return {
      price: forced ? forced.price : natural.price,
      inStock: stock ? stock.inStock : natural.inStock,
      deal: forced ? false : natural.deal,
    };
  }

  /** Every offer of a product at time t, cheapest first within each series. */
  offers(p: CatalogueProduct, t: number): SimOffer[] {
    const out: SimOffer[] = [];
    const o = p.offers;
    const code = p.marketplace;
    const add = (series: DrivenSeries, refs: readonly (SellerRef & { grade?: UsedGrade })[], condition: SimOffer['condition'], kind: SimOffer['sellerKind']) => {
      if (refs.length === 0) return;
      const pt = this.point(p, series, t);
      if (!pt.inStock) return;
      refs.forEach((s, i) => {
        out.push({
          id: `${series}:${s.id}`,
          series,
          condition,
          grade: s.grade ?? null,
          sellerKind: kind,
          sellerName: s.name,
          sellerId: s.id,
          fba: s.fba,
          price: i === 0 ? pt.price : shopRound(code, Math.round(pt.price * s.markup), i),
          shipping: s.shipping,
        });
      });
    };
    if (o.amazon) {
      add('amazon', [{ name: amazonSellerName(code), id: AMAZON_MERCHANT[code] ?? 'ATVPDKIKX0DER', fba: true, markup: 1, shipping: 0 }], 'new', 'amazon');
    }
    add('new_3p', o.thirdPartyNew, 'new', 'third_party');
    add('used', o.used, 'used', 'third_party');
    if (o.warehouse) add('warehouse', [o.warehouse], 'used', 'warehouse');
    add('refurbished', o.renewed, 'refurbished', 'third_party');
    add('collectible', o.collectible, 'collectible', 'third_party');
    return out;
  }

  /** The truth of all seven series at time t (see the contracts' series meanings). */
  seriesTruth(p: CatalogueProduct, t: number): Record<Series, SeriesTruth> {
    const offers = this.offers(p, t);
    const lowest = (pred: (o: SimOffer) => boolean): SeriesTruth => {
      const list = offers.filter(pred);
      const price = list.length ? Math.min(...list.map((o) => o.price)) : null;
      return { price, inStock: list.length > 0, offerCount: list.length };
    };
    const amazon = lowest((o) => o.series === 'amazon');
    const newThirdParty = lowest((o) => o.series === 'new_3p');
    const featured = featuredNewOffer(offers);
    return {
      new: featured
        ? { price: featured.price, inStock: true, offerCount: offers.filter((o) => o.condition === 'new').length }
        : { price: null, inStock: false, offerCount: 0 },
      amazon,
      new_3p: newThirdParty,
      used: lowest((o) => o.condition === 'used'),
      warehouse: lowest((o) => o.series === 'warehouse'),
      refurbished: lowest((o) => o.series === 'refurbished'),
      collectible: lowest((o) => o.series === 'collectible'),
    };
  }

  /**
   * Forces a series' price from `at` (until `until`). `series: 'new'` means the series of the
   * offer that holds the buy box at `at`. Returns the forced price and the series it applied to.
   */
  forcePrice(
    marketplace: MarketplaceCode,
    asin: string,
    series: Series,
    change: { price: number } | { percent: number },
    at: number,
    until: number | null,
  ): { series: DrivenSeries; price: number; previous: number } {
    const p = this.product(marketplace, asin);
    const driven = this.resolveSeries(p, series, at);
    const previous = this.point(p, driven, at).price;
    const price =
      'price' in change ? Math.round(change.price) : shopRound(marketplace, Math.round(previous * (1 - change.percent / 100)), at);
    if (!Number.isSafeInteger(price) || price <= 0) throw new RangeError(`forced price must be a positive amount, got ${price}`);
    push(this.priceOverrides, `${marketplace}:${asin}:${driven}`, { from: at, until, price });
    return { series: driven, price, previous };
  }

  /** Forces stock for one series (or every series of the product when `series` is undefined). */
  forceStock(marketplace: MarketplaceCode, asin: string, series: Series | undefined, inStock: boolean, at: number, until: number | null): void {
    const p = this.product(marketplace, asin);
    const key = series === undefined ? `${marketplace}:${asin}:*` : `${marketplace}:${asin}:${this.resolveSeries(p, series, at)}`;
    push(this.stockOverrides, key, { from: at, until, inStock });
  }

  /** Drops every control. */
  reset(): void {
    this.priceOverrides.clear();
    this.stockOverrides.clear();
  }

  private resolveSeries(p: CatalogueProduct, series: Series, at: number): DrivenSeries {
    const has = this.seriesOf(p);
    let driven: DrivenSeries;
    if (series === 'new') {
      const featured = featuredNewOffer(this.offers(p, at));
      driven = featured ? featured.series : p.offers.amazon ? 'amazon' : 'new_3p';
    } else driven = series;
    if (!has.includes(driven)) throw new UnknownProductError(`product ${p.asin} in ${p.marketplace} has no ${series} offers`);
    return driven;
  }
}

/** The offer that wins the new buy box: Amazon's when it has stock, else the cheapest third-party new offer. */
export function featuredNewOffer(offers: readonly SimOffer[]): SimOffer | undefined {
  const amazon = offers.find((o) => o.series === 'amazon');
  if (amazon) return amazon;
  let best: SimOffer | undefined;
  for (const o of offers) if (o.series === 'new_3p' && (!best || o.price < best.price)) best = o;
  return best;
}

/** The name under which Amazon sells on a storefront. */
export function amazonSellerName(code: MarketplaceCode): string {
  return AMAZON_NAMES[code] ?? 'Amazon';
}

const AMAZON_NAMES: Readonly<Partial<Record<MarketplaceCode, string>>> = {
  us: 'Amazon.com',
  ca: 'Amazon.ca',
  jp: 'Amazon.co.jp',
  au: 'Amazon AU',
  mx: 'Amazon México',
  br: 'Amazon.com.br',
};

function latestActive<T extends { from: number; until: number | null }>(list: readonly T[] | undefined, t: number): T | undefined {
  let best: T | undefined;
  for (const o of list ?? []) {
    if (o.from <= t && (o.until === null || t < o.until) && (!best || o.from >= best.from)) best = o;
  }
  return best;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
    // Controls are few; keep the newest 64 per key so a long demo cannot grow memory.
    if (list.length > 64) list.shift();
  } else map.set(key, [value]);
}
