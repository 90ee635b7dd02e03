/**
 * Product search with a cache of result pages: searches repeat (a few queries are most of them), a
 * common word scans much of the product table, and product metadata changes slowly. A page is fresh
 * for {@link SEARCH_TTL_MS}; after that, up to {@link SEARCH_STALE_MS}, it is still served at once while
 * one refresh runs behind it (stale-while-revalidate), so a popular query never waits for the engine.
 * Concurrent identical searches share one computation.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import { type ProductSearchHit, searchProductsPage } from '../../storage/index.js';

/** How long a result page is fresh, ms. */
export const SEARCH_TTL_MS = 60_000;
/** How long a result page may be served while it is being refreshed, ms. */
export const SEARCH_STALE_MS = 10 * 60_000;
const MAX_PAGES = 2_000;

type Page = { hits: ProductSearchHit[]; hasMore: boolean };

export interface SearchQuery {
  words: string;
  asin?: string | undefined;
  marketplace?: MarketplaceCode | undefined;
  limit: number;
  offset: number;
}

/** Cached product search. */
export class SearchService {
  readonly #clickhouse: ClickHouseClient;
  readonly #now: () => number;
  readonly #pages = new Map<string, { at: number; page: Promise<Page>; refreshing?: boolean }>();

  constructor(options: { clickhouse: ClickHouseClient; now?: () => number }) {
    this.#clickhouse = options.clickhouse;
    this.#now = options.now ?? Date.now;
  }

  /** One page of results (see storage searchProductsPage for matching and ranking). */
  search(query: SearchQuery): Promise<Page> {
    const key = JSON.stringify([query.words.trim().toLowerCase(), query.asin ?? '', query.marketplace ?? '', query.limit, query.offset]);
    const now = this.#now();
    const cached = this.#pages.get(key);
    if (cached && now - cached.at < SEARCH_TTL_MS) return cached.page;
    const compute = (): Promise<Page> =>
      searchProductsPage(this.#clickhouse, { words: query.words, asin: query.asin, marketplace: query.marketplace, limit: query.limit, offset: query.offset });
    if (cached && now - cached.at < SEARCH_STALE_MS) {
      if (!cached.refreshing) {
        cached.refreshing = true;
        const fresh = compute();
        fresh.then(
          () => this.#pages.set(key, { at: this.#now(), page: fresh }),
          () => (cached.refreshing = false),
        );
      }
      return cached.page;
    }
    const page = compute();
    this.#pages.delete(key);
    this.#pages.set(key, { at: now, page });
    page.catch(() => this.#pages.delete(key));
    while (this.#pages.size > MAX_PAGES) {
      const oldest = this.#pages.keys().next().value;
      if (oldest === undefined) break;
      this.#pages.delete(oldest);
    }
    return page;
  }

  /** Forgets every cached page (after an import, say). */
  clear(): void {
    this.#pages.clear();
  }
}
