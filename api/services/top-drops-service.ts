/**
 * Top price drops (JSON and RSS). The list is the same for everyone, costs a scan of the period's
 * drops, and changes slowly: each parameter set is computed at most once per {@link DROPS_TTL_MS}
 * (concurrent requests share the computation) and kept in a small map.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import { type TopDrop, topDrops } from '../../storage/index.js';
import { categoryOf } from './chart-response.js';

/** How long a computed list is served, ms. */
export const DROPS_TTL_MS = 60_000;
const MAX_LISTS = 500;

/** Periods of the list. */
export const DROP_PERIODS = { '1d': 86_400_000, '1w': 7 * 86_400_000, '1m': 30 * 86_400_000 } as const;
export type DropPeriod = keyof typeof DROP_PERIODS;

export interface TopDropsQuery {
  marketplace: MarketplaceCode;
  period: DropPeriod;
  sort: 'relative' | 'absolute';
  minPercent: number;
  minAmount: number;
  category?: string | undefined;
  series?: readonly Series[] | undefined;
  limit: number;
  offset: number;
}

/** One entry of the list as the API shows it. */
export interface TopDropItem {
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  title: string;
  brand: string;
  category: string;
  imageUrl: string;
  price: number;
  previousPrice: number;
  dropAmount: number;
  /** Percent, one decimal. */
  dropPercent: number;
  currentPrice: number | null;
  currency: string;
  droppedAt: number;
  links: { page: string; chartImage: string };
}

/** The cached top-drops lists. */
export class TopDropsService {
  readonly #clickhouse: ClickHouseClient;
  readonly #now: () => number;
  readonly #lists = new Map<string, { at: number; items: Promise<TopDropItem[]> }>();

  constructor(options: { clickhouse: ClickHouseClient; now?: () => number }) {
    this.#clickhouse = options.clickhouse;
    this.#now = options.now ?? Date.now;
  }

  /** The list for `query` (computed at most once per minute). */
  list(query: TopDropsQuery): Promise<TopDropItem[]> {
    const key = JSON.stringify([query.marketplace, query.period, query.sort, query.minPercent, query.minAmount, query.category ?? '', [...(query.series ?? [])].sort(), query.limit, query.offset]);
    const now = this.#now();
    const cached = this.#lists.get(key);
    if (cached && now - cached.at < DROPS_TTL_MS) return cached.items;
    const items = this.#compute(query, now);
    this.#lists.set(key, { at: now, items });
    items.catch(() => this.#lists.delete(key));
    if (this.#lists.size > MAX_LISTS) {
      for (const [k, v] of this.#lists) if (now - v.at >= DROPS_TTL_MS || this.#lists.size > MAX_LISTS) this.#lists.delete(k);
    }
    return items;
  }

  async #compute(query: TopDropsQuery, now: number): Promise<TopDropItem[]> {
    const drops = await topDrops(this.#clickhouse, {
      marketplace: query.marketplace,
      since: now - DROP_PERIODS[query.period],
      sort: query.sort,
      minPercent: query.minPercent,
      minAmount: query.minAmount,
      category: query.category,
      series: query.series,
      limit: query.limit,
      offset: query.offset,
    });
    return drops.map((d) => item(query.marketplace, d));
  }
}

function item(marketplace: MarketplaceCode, d: TopDrop): TopDropItem {
  return {
    marketplace,
    asin: d.asin,
    series: d.series,
    title: d.title,
    brand: d.brand,
    category: categoryOf(d.breadcrumb),
    imageUrl: d.imageUrl,
    price: d.price,
    previousPrice: d.previousPrice,
    dropAmount: d.dropAmount,
    dropPercent: Math.round(d.dropRatio * 1000) / 10,
    currentPrice: d.currentPrice,
    currency: d.currency,
    droppedAt: d.droppedAt,
    links: { page: `/products/${marketplace}/${d.asin}`, chartImage: `/charts/${marketplace}/${d.asin}.png?range=3m` },
  };
}
