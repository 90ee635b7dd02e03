/**
 * Top price drops of a marketplace over a recent period, from price_drops (sorted by marketplace and
 * time, so the period is a primary-key range): per (product, series) its largest drop in the period —
 * by percentage or by amount — still holding now (the latest price is at or below the dropped price),
 * optionally only in one top-level category, with the product's title and image.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import { selectRows } from './query-helpers.js';

export interface TopDropsOptions {
  marketplace: MarketplaceCode;
  /** Drops since this time, epoch ms. */
  since: number;
  /** Rank by percentage (`relative`) or by amount (`absolute`). */
  sort: 'relative' | 'absolute';
  /** Smallest drop counted, percent (0–100). Default 0. */
  minPercent?: number;
  /** Smallest drop counted, minor units. Default 0. */
  minAmount?: number;
  /** Only products whose breadcrumb starts with this (case-insensitive). */
  category?: string;
  /** Only these series; default all. */
  series?: readonly Series[];
  limit: number;
  offset: number;
}

/** One top drop. Prices in minor units, times epoch ms. */
export interface TopDrop {
  asin: string;
  series: Series;
  price: number;
  previousPrice: number;
  dropAmount: number;
  /** 0–1. */
  dropRatio: number;
  currency: string;
  droppedAt: number;
  currentPrice: number | null;
  title: string;
  brand: string;
  breadcrumb: string;
  imageUrl: string;
}

interface Row {
  asin: string;
  series: Series;
  price: string | number;
  previous_price: string | number;
  drop_amount: string | number;
  drop_ratio: number;
  currency: string;
  checked_at: string | number;
  current_price: string | number | null;
  title: string;
  brand: string;
  breadcrumb: string;
  image_url: string;
}

/** The top drops, best first. */
export async function topDrops(client: ClickHouseClient, options: TopDropsOptions): Promise<TopDrop[]> {
  const order = options.sort === 'relative' ? 'drop_ratio' : 'drop_amount';
  const rows = await selectRows<Row>(
    client,
    // Aliases differ from column names: an alias named like a column would shadow it in WHERE.
    `WITH best AS (
       SELECT asin AS b_asin, series AS b_series,
              argMax(price, (${order}, checked_at)) AS b_price, argMax(previous_price, (${order}, checked_at)) AS b_previous,
              argMax(drop_amount, (${order}, checked_at)) AS b_amount, argMax(drop_ratio, (${order}, checked_at)) AS b_ratio,
              any(currency) AS b_currency, toUnixTimestamp(argMax(checked_at, (${order}, checked_at))) AS b_at
       FROM price_drops
       WHERE marketplace = {marketplace:String} AND checked_at >= toDateTime({since:UInt32})
         AND drop_ratio >= {minRatio:Float32} AND drop_amount >= {minAmount:UInt32}
         AND (empty({series:Array(String)}) OR has({series:Array(String)}, toString(series)))
         AND ({category:String} = '' OR asin IN (
               SELECT asin FROM products
               WHERE marketplace = {marketplace:String} AND startsWith(lower(breadcrumb), lower({category:String}))))
       GROUP BY asin, series
     )
     SELECT b_asin AS asin, toString(b_series) AS series, b_price AS price, b_previous AS previous_price, b_amount AS drop_amount,
            b_ratio AS drop_ratio, b_currency AS currency, b_at AS checked_at, l.current_price AS current_price,
            p.title AS title, p.brand AS brand, p.breadcrumb AS breadcrumb, p.image_url AS image_url
     FROM best
     LEFT JOIN (SELECT asin AS l_asin, series AS l_series, argMax(price, checked_at) AS current_price FROM price_latest
                WHERE marketplace = {marketplace:String} AND asin IN (SELECT b_asin FROM best)
                GROUP BY asin, series) AS l ON l.l_asin = best.b_asin AND l.l_series = best.b_series
     LEFT JOIN (SELECT asin AS p_asin, argMax(title, checked_at) AS title, argMax(brand, checked_at) AS brand,
                       argMax(breadcrumb, checked_at) AS breadcrumb, argMax(image_url, checked_at) AS image_url
                FROM products WHERE marketplace = {marketplace:String} AND asin IN (SELECT b_asin FROM best)
                GROUP BY asin) AS p ON p.p_asin = best.b_asin
     WHERE l.current_price IS NOT NULL AND l.current_price <= best.b_price
     ORDER BY best.${order === 'drop_ratio' ? 'b_ratio' : 'b_amount'} DESC, best.b_at DESC, best.b_asin, best.b_series
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}
     SETTINGS join_use_nulls = 1`,
    {
      marketplace: options.marketplace,
      since: Math.floor(options.since / 1000),
      minRatio: (options.minPercent ?? 0) / 100,
      minAmount: options.minAmount ?? 0,
      series: options.series ?? [],
      category: options.category ?? '',
      limit: options.limit,
      offset: options.offset,
    },
  );
  return rows.map((r) => ({
    asin: r.asin,
    series: r.series,
    price: Number(r.price),
    previousPrice: Number(r.previous_price),
    dropAmount: Number(r.drop_amount),
    dropRatio: Number(r.drop_ratio),
    currency: r.currency,
    droppedAt: Number(r.checked_at) * 1000,
    currentPrice: r.current_price === null ? null : Number(r.current_price),
    title: r.title ?? '',
    brand: r.brand ?? '',
    breadcrumb: r.breadcrumb ?? '',
    imageUrl: r.image_url ?? '',
  }));
}
