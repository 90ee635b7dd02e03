/**
 * Prices over time: each (storefront, ASIN, series) follows a piecewise-constant path that is a
 * pure function of (seed, storefront, ASIN, series, time). Time is cut into price epochs; runs of
 * epochs ("blocks", 6–96 epochs long per series) share one level: mostly the regular price, now and
 * then a drop, a rise, a deal or an out-of-stock spell.
 */
import type { MarketplaceCode } from '../config/index.js';
import { shopRound } from './catalogue.js';
import { hash32, unitFloat } from './random.js';

/** The series that move on their own; `new` is derived from the featured offer. */
export type DrivenSeries = 'amazon' | 'new_3p' | 'used' | 'warehouse' | 'refurbished' | 'collectible';
export const DRIVEN_SERIES: readonly DrivenSeries[] = ['amazon', 'new_3p', 'used', 'warehouse', 'refurbished', 'collectible'];

/** How a series stands at one instant. */
export interface SeriesPoint {
  /** Lowest offer price of the series, minor units (meaningful only when in stock). */
  readonly price: number;
  readonly inStock: boolean;
  /** A deal is running (pages show deal badges / the deal price block). */
  readonly deal: boolean;
}

/** What kind of block the series is in. */
type Level = 'regular' | 'drop' | 'rise' | 'deal' | 'out_of_stock';

/** Base price of a series relative to the product's base price. */
const SERIES_FACTOR: Readonly<Record<DrivenSeries, [number, number]>> = {
  amazon: [1, 1],
  new_3p: [0.92, 1.12],
  used: [0.55, 0.85],
  warehouse: [0.7, 0.9],
  refurbished: [0.6, 0.85],
  collectible: [1.3, 2.5],
};

export interface TimelineOptions {
  seed: number;
  /** Length of one price epoch, ms: the finest step at which a price can change. */
  priceEpochMs: number;
}

/** The natural (uncontrolled) price path of every series. */
export class PriceTimeline {
  constructor(private readonly options: TimelineOptions) {}

  /** The base (regular) price of a series, minor units. */
  basePrice(marketplace: MarketplaceCode, asin: string, series: DrivenSeries, productBase: number): number {
    const [lo, hi] = SERIES_FACTOR[series];
    const f = lo + (hi - lo) * unitFloat(this.options.seed, marketplace, asin, series, 'base');
    return shopRound(marketplace, Math.round(productBase * f), hash32(asin, series));
  }

  /** The epoch index of time `t` (epoch ms). */
  epochOf(t: number): number {
    return Math.floor(t / this.options.priceEpochMs);
  }

  /** The series at time `t`. */
  at(marketplace: MarketplaceCode, asin: string, series: DrivenSeries, productBase: number, t: number): SeriesPoint {
    const { seed } = this.options;
    const base = this.basePrice(marketplace, asin, series, productBase);
    const blockLen = 6 + (hash32(seed, marketplace, asin, series, 'len') % 91);
    const phase = hash32(seed, marketplace, asin, series, 'phase') % blockLen;
    const block = Math.floor((this.epochOf(t) + phase) / blockLen);
    const h = unitFloat(seed, marketplace, asin, series, 'level', block);
    const mag = unitFloat(seed, marketplace, asin, series, 'mag', block);
    const level: Level = h < 0.72 ? 'regular' : h < 0.84 ? 'drop' : h < 0.92 ? 'rise' : h < 0.965 ? 'deal' : 'out_of_stock';
    let factor = 1;
    switch (level) {
      case 'regular':
      case 'out_of_stock':
        break;
      case 'drop':
        factor = 0.75 + 0.2 * mag;
        break;
      case 'rise':
        factor = 1.05 + 0.15 * mag;
        break;
      case 'deal':
        factor = 0.55 + 0.25 * mag;
        break;
      default: {
        const never: never = level;
        throw new Error(`unknown level ${String(never)}`);
      }
    }
    const price = factor === 1 ? base : shopRound(marketplace, Math.round(base * factor), block);
    return { price, inStock: level !== 'out_of_stock', deal: level === 'deal' };
  }
}
