/** Product metadata (latest version per product). */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import { epochMs, numberOrNull, selectRows } from './query-helpers.js';

export interface ProductRecord {
  marketplace: MarketplaceCode;
  asin: string;
  title: string;
  brand: string;
  breadcrumb: string;
  imageUrl: string;
  salesRank: number | null;
  parentAsin: string | null;
  /** When this metadata was seen, epoch ms. */
  checkedAt: number;
}

/** The latest metadata of a product, or null if it was never seen. */
export async function getProduct(client: ClickHouseClient, options: { marketplace: MarketplaceCode; asin: string }): Promise<ProductRecord | null> {
  const [row] = await selectRows<{
    marketplace: MarketplaceCode; asin: string; title: string; brand: string; breadcrumb: string; image_url: string;
    sales_rank: number | null; parent_asin: string | null; checked_at: number;
  }>(
    client,
    `SELECT marketplace, asin, title, brand, breadcrumb, image_url, sales_rank, parent_asin, toUnixTimestamp64Milli(checked_at) / 1000 AS checked_at
     FROM products FINAL
     WHERE marketplace = {marketplace:String} AND asin = {asin:String}
     LIMIT 1`,
    options,
  );
  if (!row) return null;
  return {
    marketplace: row.marketplace,
    asin: row.asin,
    title: row.title,
    brand: row.brand,
    breadcrumb: row.breadcrumb,
    imageUrl: row.image_url,
    salesRank: numberOrNull(row.sales_rank),
    parentAsin: row.parent_asin,
    checkedAt: epochMs(row.checked_at) ?? 0,
  };
}
