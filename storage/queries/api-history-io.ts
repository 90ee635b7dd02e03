/**
 * Raw price history in and out: the points of a product for a CSV export (streamed, in series and
 * time order), and what an import needs — which points already exist (so a repeated import adds
 * nothing), the last stored point before the imported ones (to chain previous prices), and the insert
 * itself (in batches, each with a deduplication token derived from its content).
 *
 * Imported rows carry ingest_seq 0: the alerter reads changes above its cursor (≥ 1 once anything was
 * ingested, 0 on a fresh instance with `ingest_seq > 0`), so history never raises alerts.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Availability, Series } from '../../contracts/index.js';
import { selectRows } from './query-helpers.js';

/** One stored point, as exported. */
export interface RawPricePoint {
  series: Series;
  /** Epoch seconds. */
  checkedAt: number;
  price: number | null;
  currency: string;
  listPrice: number | null;
  availability: Availability;
}

/** The points of a product in [from, to] (epoch seconds), in chunks, series then time order. */
export async function* streamRawHistory(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; asin: string; series: readonly Series[]; from: number; to: number },
): AsyncGenerator<RawPricePoint[]> {
  const result = await client.query({
    query: `SELECT toString(series), toUnixTimestamp(checked_at), price, currency, list_price, toString(availability)
            FROM price_points
            WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND has({series:Array(String)}, toString(series))
              AND checked_at >= toDateTime({from:UInt32}) AND checked_at <= toDateTime({to:UInt32})
            ORDER BY series, checked_at`,
    query_params: { marketplace: options.marketplace, asin: options.asin, series: [...options.series], from: options.from, to: options.to },
    format: 'JSONCompactEachRow',
  });
  type Row = [Series, number | string, number | null, string, number | null, Availability];
  for await (const rows of result.stream<Row>()) {
    yield rows.map((r) => {
      const [series, at, price, currency, list, availability] = r.json();
      return { series, checkedAt: Number(at), price: price === null ? null : Number(price), currency, listPrice: list === null ? null : Number(list), availability };
    });
  }
}

/** Stored points of the given products in [from, to] (epoch seconds): `asin|series` → points in time order. */
export async function storedPoints(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; asins: readonly string[]; from: number; to: number },
): Promise<Map<string, { checkedAt: number; price: number | null }[]>> {
  const rows = await selectRows<{ asin: string; series: Series; at: number | string; price: number | string | null }>(
    client,
    `SELECT asin, toString(series) AS series, toUnixTimestamp(checked_at) AS at, price FROM price_points
     WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)}
       AND checked_at >= toDateTime({from:UInt32}) AND checked_at <= toDateTime({to:UInt32})
     ORDER BY asin, series, checked_at`,
    { marketplace: options.marketplace, asins: [...options.asins], from: options.from, to: options.to },
  );
  const out = new Map<string, { checkedAt: number; price: number | null }[]>();
  for (const r of rows) {
    const key = `${r.asin}|${r.series}`;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ checkedAt: Number(r.at), price: r.price === null ? null : Number(r.price) });
  }
  return out;
}

/** Per (asin, series), the last stored point before `before` (epoch seconds): `asin|series` → price and time. */
export async function lastStoredPointsBefore(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; asins: readonly string[]; before: number },
): Promise<Map<string, { price: number | null; checkedAt: number }>> {
  const rows = await selectRows<{ asin: string; series: Series; price: number | string | null; at: number | string }>(
    client,
    `SELECT asin, toString(series) AS series, argMax(price, checked_at) AS price, toUnixTimestamp(max(checked_at)) AS at
     FROM price_points
     WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)} AND checked_at < toDateTime({before:UInt32})
     GROUP BY asin, series`,
    { marketplace: options.marketplace, asins: [...options.asins], before: options.before },
  );
  return new Map(rows.map((r) => [`${r.asin}|${r.series}`, { price: r.price === null ? null : Number(r.price), checkedAt: Number(r.at) }]));
}

/** Columns of the rows {@link insertImportedPoints} takes, in order. */
export const IMPORT_POINT_COLUMNS = [
  'marketplace', 'asin', 'series', 'condition', 'seller_kind', 'price', 'previous_price', 'previous_checked_at', 'currency',
  'list_price', 'is_buy_box', 'availability', 'offer_count', 'checked_at', 'crawler_id', 'ingest_seq',
] as const;

/** Inserts JSONCompactEachRow rows (columns {@link IMPORT_POINT_COLUMNS}) as one block deduplicated by `token`. */
export async function insertImportedPoints(client: ClickHouseClient, body: string, token: string): Promise<void> {
  const result = await client.exec({
    query: `INSERT INTO price_points (${IMPORT_POINT_COLUMNS.join(', ')}) SETTINGS insert_deduplication_token = {token:String} FORMAT JSONCompactEachRow`,
    values: Readable.from([body]),
    query_params: { token },
  });
  for await (const _chunk of result.stream) {
    // An INSERT answers with an empty body.
  }
}
