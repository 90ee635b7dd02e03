/**
 * The API's product search, a page at a time: every word must occur in the title or brand
 * (hasToken on products.search_text, which the token bloom-filter index of migration 0001 serves
 * without reading every product), or the query is an exact ASIN. Ranked: the exact ASIN first, then
 * words found in the title (10 each), in the brand (5 each), the words as a phrase in the title (8),
 * then the better sales rank. One row per product (its latest metadata).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import { numberOrNull, selectRows } from './query-helpers.js';
import type { ProductSearchHit } from './product-search.js';
import { searchTerms } from './product-search.js';

export interface SearchPageOptions {
  /** Words to match (title or brand); may be empty when `asin` is given. */
  words: string;
  /** An exact ASIN to find (ranked first). */
  asin?: string;
  marketplace?: MarketplaceCode;
  limit: number;
  offset: number;
}

/** One page of hits, best first; `limit + 1` are read so the caller knows whether more follow. */
export async function searchProductsPage(client: ClickHouseClient, options: SearchPageOptions): Promise<{ hits: ProductSearchHit[]; hasMore: boolean }> {
  const terms = searchTerms(options.words);
  const asin = options.asin ?? '';
  if (terms.length === 0 && asin === '') return { hits: [], hasMore: false };
  const params: Record<string, unknown> = {
    marketplace: options.marketplace ?? '',
    asin,
    limit: options.limit + 1,
    offset: options.offset,
    phrase: terms.length > 1 ? terms.join(' ') : '',
  };
  terms.forEach((t, i) => (params[`t${i}`] = t));
  // The statement's shape follows the number of words; every value is still a bound parameter.
  const all = terms.map((_, i) => `hasToken(search_text, {t${i}:String})`).join(' AND ') || '0';
  const inTitle = terms.map((_, i) => `hasToken(lower(title), {t${i}:String})`).join(' + ') || '0';
  const inBrand = terms.map((_, i) => `hasToken(lower(brand), {t${i}:String})`).join(' + ') || '0';
  // Phase 1 ranks with numbers only (no strings carried through the GROUP BY of every match);
  // phase 2 reads the metadata of the page's products by primary key.
  const ranked = await selectRows<{ marketplace: MarketplaceCode; asin: string; score: number }>(
    client,
    `SELECT marketplace, asin, max(score) AS score, min(rank) AS best_rank
     FROM
     (
         SELECT marketplace, asin, ifNull(sales_rank, 4294967295) AS rank,
                (asin = {asin:String}) * 1000 + (${inTitle}) * 10 + (${inBrand}) * 5
                  + (length({phrase:String}) > 0 AND position(lower(title), {phrase:String}) > 0) * 8 AS score
         FROM products
         WHERE ({marketplace:String} = '' OR marketplace = {marketplace:String})
           AND (asin = {asin:String} OR (${all}))
     )
     GROUP BY marketplace, asin
     ORDER BY score DESC, best_rank ASC, marketplace, asin
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    params,
  );
  if (ranked.length === 0) return { hits: [], hasMore: false };
  const details = await selectRows<{
    marketplace: MarketplaceCode; asin: string; title: string; brand: string; image_url: string; sales_rank: number | null;
  }>(
    client,
    `SELECT marketplace, asin, argMax(title, checked_at) AS title, argMax(brand, checked_at) AS brand,
            argMax(image_url, checked_at) AS image_url, argMax(sales_rank, checked_at) AS sales_rank
     FROM products
     WHERE marketplace IN {markets:Array(String)} AND asin IN {asins:Array(String)}
     GROUP BY marketplace, asin`,
    { markets: [...new Set(ranked.map((r) => r.marketplace))], asins: ranked.map((r) => r.asin) },
  );
  const byKey = new Map(details.map((d) => [`${d.marketplace}:${d.asin}`, d]));
  const rows = ranked.flatMap((r) => {
    const d = byKey.get(`${r.marketplace}:${r.asin}`);
    return d ? [{ ...d, score: r.score }] : [];
  });
  const hits = rows.slice(0, options.limit).map((r) => ({
    marketplace: r.marketplace,
    asin: r.asin,
    title: r.title,
    brand: r.brand,
    imageUrl: r.image_url,
    salesRank: numberOrNull(r.sales_rank),
    score: Number(r.score),
  }));
  return { hits, hasMore: ranked.length > options.limit };
}
