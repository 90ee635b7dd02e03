/**
 * What the alerter reads: price changes by ingest_seq (up to the committed watermark), its durable
 * cursor, and the price context a rule needs (every series at a check, the lowest price before a time,
 * the recent points of a series for the email's chart, the latest prices of products).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Condition, Series } from '../../contracts/index.js';
import { IDS_PER_QUERY, inChunks } from './alerts-chunking.js';
import { numberOrNull, selectRows } from './query-helpers.js';

/** One row of price_changes. Prices minor units (null = no offer), times epoch ms. */
export interface PriceChange {
  marketplace: MarketplaceCode;
  ingestSeq: number;
  asin: string;
  series: Series;
  condition: Condition;
  kind: 'drop' | 'rise' | 'back_in_stock' | 'out_of_stock';
  price: number | null;
  previousPrice: number | null;
  currency: string;
  checkedAt: number;
  /** When the change reached ClickHouse (0 for rows written before that column existed). */
  ingestedAt: number;
}

/**
 * Changes with `after < ingest_seq <= upTo`, in (ingest_seq, asin, checked_at, series) order, at most
 * `limit` rows — cut only between two sequence numbers, so a batch is never half read (a single batch
 * larger than `limit` comes whole).
 */
export async function readPriceChanges(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; after: number; upTo: number; limit: number },
): Promise<{ changes: PriceChange[]; readUpTo: number }> {
  if (options.upTo <= options.after) return { changes: [], readUpTo: options.after };
  const query = (upTo: number, limit: number): Promise<PriceChange[]> =>
    selectRows<{
      marketplace: MarketplaceCode; ingest_seq: string | number; asin: string; series: Series; condition: Condition; kind: PriceChange['kind'];
      price: number | null; previous_price: number | null; currency: string; checked_at: string | number; ingested_at: string | number;
    }>(
      client,
      `SELECT marketplace, ingest_seq, asin, series, condition, kind, price, previous_price, currency,
              toUnixTimestamp(checked_at) AS checked_at, toUnixTimestamp64Milli(ingested_at) AS ingested_at
       FROM price_changes
       WHERE marketplace = {marketplace:String} AND ingest_seq > {after:UInt64} AND ingest_seq <= {upTo:UInt64}
       ORDER BY ingest_seq, asin, checked_at, series
       LIMIT 1 BY ingest_seq, asin, series, checked_at
       LIMIT {limit:UInt32}`,
      { marketplace: options.marketplace, after: options.after, upTo, limit },
    ).then((rows) =>
      rows.map((r) => ({
        marketplace: r.marketplace,
        ingestSeq: Number(r.ingest_seq),
        asin: r.asin,
        series: r.series,
        condition: r.condition,
        kind: r.kind,
        price: numberOrNull(r.price),
        previousPrice: numberOrNull(r.previous_price),
        currency: r.currency,
        checkedAt: Number(r.checked_at) * 1000,
        ingestedAt: Number(r.ingested_at),
      })),
    );
  const rows = await query(options.upTo, options.limit);
  if (rows.length < options.limit) return { changes: rows, readUpTo: options.upTo };
  const lastSeq = rows.at(-1)!.ingestSeq;
  const whole = rows.filter((r) => r.ingestSeq < lastSeq);
  if (whole.length > 0) return { changes: whole, readUpTo: lastSeq - 1 };
  // One batch alone exceeds the limit: read exactly that batch.
  return { changes: await query(lastSeq, 1_000_000_000), readUpTo: lastSeq };
}

/** One series' observation at one check. */
export interface CheckObservation {
  asin: string;
  series: Series;
  checkedAt: number;
  price: number | null;
  previousPrice: number | null;
}

/** Every observation of the given series at the given checks (asin, check time) of a marketplace. */
export async function observationsAtChecks(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; checks: readonly { asin: string; checkedAt: number }[]; series: readonly Series[] },
): Promise<CheckObservation[]> {
  const rows = await inChunks(options.checks, 2 * IDS_PER_QUERY, (checks) => selectRows<{ asin: string; series: Series; checked_at: string | number; price: number | null; previous_price: number | null }>(
    client,
    `SELECT asin, series, toUnixTimestamp(checked_at) AS checked_at, price, previous_price
     FROM price_points
     WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)} AND series IN {series:Array(String)}
       AND has(arrayZip({checkAsins:Array(String)}, {checkTimes:Array(UInt32)}), (asin, toUnixTimestamp(checked_at)))
     LIMIT 1 BY asin, series, checked_at`,
    {
      marketplace: options.marketplace,
      asins: [...new Set(checks.map((c) => c.asin))],
      series: options.series,
      checkAsins: checks.map((c) => c.asin),
      checkTimes: checks.map((c) => Math.floor(c.checkedAt / 1000)),
    },
  ));
  return rows.map((r) => ({
    asin: r.asin,
    series: r.series,
    checkedAt: Number(r.checked_at) * 1000,
    price: numberOrNull(r.price),
    previousPrice: numberOrNull(r.previous_price),
  }));
}

/** The lowest price ever seen for each product (over the given series) strictly before a time; absent: none. */
export async function lowestPricesBefore(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; before: readonly { asin: string; before: number }[]; series: readonly Series[] },
): Promise<Map<string, number>> {
  const rows = await inChunks(options.before, IDS_PER_QUERY, (before) => selectRows<{ asin: string; lowest: number | null }>(
    client,
    `SELECT asin, min(price) AS lowest
     FROM price_points
     WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)} AND series IN {series:Array(String)} AND price IS NOT NULL
       AND toUnixTimestamp(checked_at) < {limits:Map(String, UInt32)}[asin]
     GROUP BY asin`,
    {
      marketplace: options.marketplace,
      asins: before.map((b) => b.asin),
      series: options.series,
      limits: Object.fromEntries(before.map((b) => [b.asin, Math.floor(b.before / 1000)])),
    },
  ));
  return new Map(rows.flatMap((r) => (r.lowest === null ? [] : [[r.asin, Number(r.lowest)] as const])));
}

/** Raw points of some series of a product since a time, in time order (for the alert email's chart). */
export async function seriesPointsSince(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; asin: string; series: readonly Series[]; since: number },
): Promise<{ series: Series; checkedAt: number; price: number | null }[]> {
  const rows = await selectRows<{ series: Series; checked_at: string | number; price: number | null }>(
    client,
    `SELECT series, toUnixTimestamp(checked_at) AS checked_at, price
     FROM price_points
     WHERE marketplace = {marketplace:String} AND asin = {asin:String} AND series IN {series:Array(String)}
       AND checked_at >= toDateTime({since:UInt32}, 'UTC')
     ORDER BY series, checked_at
     LIMIT 1 BY series, checked_at`,
    { marketplace: options.marketplace, asin: options.asin, series: options.series, since: Math.floor(options.since / 1000) },
  );
  return rows.map((r) => ({ series: r.series, checkedAt: Number(r.checked_at) * 1000, price: numberOrNull(r.price) }));
}

/** The latest price of each series of several products (price_latest). */
export async function latestSeriesPrices(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; asins: readonly string[] },
): Promise<{ asin: string; series: Series; price: number | null; currency: string; checkedAt: number }[]> {
  const rows = await inChunks(options.asins, 2 * IDS_PER_QUERY, (asins) => selectRows<{ asin: string; series: Series; price: number | null; currency: string; checked_at: string | number }>(
    client,
    `SELECT asin, series, price, currency, toUnixTimestamp(checked_at) AS checked_at
     FROM price_latest FINAL
     WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)}`,
    { marketplace: options.marketplace, asins },
  ));
  return rows.map((r) => ({ asin: r.asin, series: r.series, price: numberOrNull(r.price), currency: r.currency, checkedAt: Number(r.checked_at) * 1000 }));
}

/** The alerter's durable cursor of a marketplace (0 before its first batch). */
export async function readAlerterCursor(client: ClickHouseClient, marketplace: MarketplaceCode): Promise<number> {
  const [row] = await selectRows<{ cursor: string | number }>(
    client,
    `SELECT max(cursor) AS cursor FROM alerter_cursors WHERE marketplace = {marketplace:String}`,
    { marketplace },
  );
  return Number(row?.cursor ?? 0);
}

/** Records the cursor (a higher value supersedes; the table keeps the highest). */
export async function writeAlerterCursor(client: ClickHouseClient, options: { marketplace: MarketplaceCode; cursor: number; instance: string }): Promise<void> {
  await client.insert({
    table: 'alerter_cursors',
    columns: ['marketplace', 'cursor', 'updated_at', 'instance'],
    format: 'JSONCompactEachRow',
    values: [[options.marketplace, options.cursor, (Date.now() / 1000).toFixed(3), options.instance]],
  });
}
