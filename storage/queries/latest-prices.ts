/** The latest observation of every series of a product (from price_latest). */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Availability, Condition, SellerKind, Series } from '../../contracts/index.js';
import { epochMs, numberOrNull, selectRows } from './query-helpers.js';

export interface LatestPrice {
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  condition: Condition;
  sellerKind: SellerKind;
  /** Minor units; null = no offer at the last check. */
  price: number | null;
  previousPrice: number | null;
  currency: string;
  listPrice: number | null;
  isBuyBox: boolean;
  availability: Availability;
  offerCount: number | null;
  /** Epoch ms of the last check. */
  checkedAt: number;
}

interface Row {
  marketplace: MarketplaceCode; asin: string; series: Series; condition: Condition; seller_kind: SellerKind;
  price: number | null; previous_price: number | null; currency: string; list_price: number | null;
  is_buy_box: boolean; availability: Availability; offer_count: number | null; checked_at: number;
}

/** Latest prices of one product, one per series it has. */
export async function latestPrices(client: ClickHouseClient, options: { marketplace: MarketplaceCode; asin: string }): Promise<LatestPrice[]> {
  const rows = await selectRows<Row>(
    client,
    `SELECT marketplace, asin, series, condition, seller_kind, price, previous_price, currency, list_price, is_buy_box,
            availability, offer_count, toUnixTimestamp(checked_at) AS checked_at
     FROM price_latest FINAL
     WHERE marketplace = {marketplace:String} AND asin = {asin:String}
     ORDER BY series`,
    options,
  );
  return rows.map((r) => ({
    marketplace: r.marketplace,
    asin: r.asin,
    series: r.series,
    condition: r.condition,
    sellerKind: r.seller_kind,
    price: numberOrNull(r.price),
    previousPrice: numberOrNull(r.previous_price),
    currency: r.currency,
    listPrice: numberOrNull(r.list_price),
    isBuyBox: Boolean(r.is_buy_box),
    availability: r.availability,
    offerCount: numberOrNull(r.offer_count),
    checkedAt: epochMs(r.checked_at) ?? 0,
  }));
}
