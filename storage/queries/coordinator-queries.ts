/** What the coordinator reads to rebuild its schedule: the last price of every series and tracker counts. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import { epochMs, numberOrNull } from './query-helpers.js';

/** The last observation of one series of one product. */
export interface LastSeriesPrice {
  asin: string;
  series: Series;
  /** Minor units; null = no offer at the last check. */
  price: number | null;
  /** Epoch ms of the last check (second precision, as stored). */
  checkedAt: number;
}

type LastSeriesRow = [string, Series, number | string | null, number];

/** The last observation of every series of every product of a marketplace, ordered by ASIN (streamed). */
export async function* streamLastSeriesPrices(client: ClickHouseClient, marketplace: MarketplaceCode): AsyncGenerator<LastSeriesPrice> {
  const result = await client.query({
    query: `SELECT asin, series, price, toUnixTimestamp(checked_at) AS checked_at
            FROM price_latest FINAL
            WHERE marketplace = {marketplace:String}
            ORDER BY asin, series`,
    query_params: { marketplace },
    format: 'JSONCompactEachRow',
  });
  for await (const rows of result.stream<LastSeriesRow>()) {
    for (const row of rows) {
      const [asin, series, price, checkedAt] = row.json();
      yield { asin, series, price: numberOrNull(price), checkedAt: epochMs(checkedAt) ?? 0 };
    }
  }
}

/** Live trackings per product of a marketplace (products without trackings are absent). */
export async function trackerCounts(client: ClickHouseClient, marketplace: MarketplaceCode): Promise<Map<string, number>> {
  const result = await client.query({
    query: `SELECT asin, count() AS trackers
            FROM trackings FINAL
            WHERE marketplace = {marketplace:String} AND is_deleted = 0
            GROUP BY asin`,
    query_params: { marketplace },
    format: 'JSONCompactEachRow',
  });
  const counts = new Map<string, number>();
  for await (const rows of result.stream<[string, number | string]>()) {
    for (const row of rows) {
      const [asin, trackers] = row.json();
      counts.set(asin, Number(trackers));
    }
  }
  return counts;
}
