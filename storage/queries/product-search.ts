/**
 * Product search by title, brand or ASIN, ranked. Terms are whole words matched with hasToken on
 * products.search_text (lower-cased title + brand), which the token bloom-filter index of migration
 * 0001 serves without scanning every product. Ranking: exact ASIN first, then more terms in the
 * title, then in the brand, then better sales rank.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import { numberOrNull, selectRows } from './query-helpers.js';

export interface ProductSearchOptions {
  /** Limit to one marketplace; default all. */
  marketplace?: MarketplaceCode;
  query: string;
  /** Default 20, at most 100. */
  limit?: number;
}

export interface ProductSearchHit {
  marketplace: MarketplaceCode;
  asin: string;
  title: string;
  brand: string;
  imageUrl: string;
  salesRank: number | null;
  score: number;
}

const MAX_TERMS = 8;

/** The words of a search query, lower-cased, as hasToken sees tokens. */
export function searchTerms(query: string): string[] {
  const terms = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

/** Products matching `query`, best first. */
export async function searchProducts(client: ClickHouseClient, options: ProductSearchOptions): Promise<ProductSearchHit[]> {
  const terms = searchTerms(options.query);
  const asinCandidate = options.query.trim().toUpperCase();
  const asin = /^[A-Z0-9]{10}$/.test(asinCandidate) ? asinCandidate : '';
  if (terms.length === 0 && asin === '') return [];
  const params: Record<string, unknown> = {
    marketplace: options.marketplace ?? '',
    asin,
    limit: Math.min(Math.max(options.limit ?? 20, 1), 100),
    phrase: terms.length > 1 ? terms.join(' ') : '',
  };
  terms.forEach((t, i) => (params[`t${i}`] = t));
  // The statement's shape follows the number of terms; every value is still a bound parameter.
  const all = terms.map((_, i) => `hasToken(search_text, {t${i}:String})`).join(' AND ') || '0';
  const inTitle = terms.map((_, i) => `hasToken(lower(title), {t${i}:String})`).join(' + ') || '0';
  const inBrand = terms.map((_, i) => `hasToken(lower(brand), {t${i}:String})`).join(' + ') || '0';
  const rows = await selectRows<{
    marketplace: MarketplaceCode; asin: string; title: string; brand: string; image_url: string; sales_rank: number | null; score: number;
  }>(
    client,
    `SELECT marketplace, asin, title, brand, image_url, sales_rank,
            (asin = {asin:String}) * 1000 + (${inTitle}) * 10 + (${inBrand}) * 5
              + (length({phrase:String}) > 0 AND position(lower(title), {phrase:String}) > 0) * 8 AS score
     FROM
     (
         SELECT marketplace, asin, argMax(title, checked_at) AS title, argMax(brand, checked_at) AS brand,
                argMax(image_url, checked_at) AS image_url, argMax(sales_rank, checked_at) AS sales_rank
         FROM products
         WHERE ({marketplace:String} = '' OR marketplace = {marketplace:String})
           AND (asin = {asin:String} OR (${all}))
         GROUP BY marketplace, asin
     )
     ORDER BY score DESC, ifNull(sales_rank, 4294967295) ASC, asin
     LIMIT {limit:UInt32}`,
    params,
  );
  return rows.map((r) => ({
    marketplace: r.marketplace,
    asin: r.asin,
    title: r.title,
    brand: r.brand,
    imageUrl: r.image_url,
    salesRank: numberOrNull(r.sales_rank),
    score: Number(r.score),
  }));
}
