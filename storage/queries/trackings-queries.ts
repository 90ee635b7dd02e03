/**
 * Trackings (ReplacingMergeTree(version, is_deleted), sorted by (marketplace, asin, tracking_id)): the
 * alerter reads them by product, users by user id (skip index), changes write a higher version.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import { IDS_PER_QUERY, inChunks } from './alerts-chunking.js';
import { numberOrNull, selectRows } from './query-helpers.js';

/** What a tracking follows: a condition, or `any` (the cheapest of several series). */
export type TrackingCondition = 'new' | 'used' | 'refurbished' | 'any';

/** One tracking as stored. Prices in minor units, times epoch ms. */
export interface TrackingRecord {
  trackingId: string;
  userId: string;
  marketplace: MarketplaceCode;
  asin: string;
  /** The first series the tracking follows (the only one unless condition is `any`). */
  series: Series;
  condition: TrackingCondition;
  amazonOnly: boolean;
  targetPrice: number | null;
  dropPercent: number | null;
  dropAmount: number | null;
  allTimeLow: boolean;
  backInStock: boolean;
  emailEnabled: boolean;
  /** Empty: no webhook. */
  webhookUrl: string;
  webhookSecret: string;
  /** The committed ingest watermark when the rules were last set. */
  baselineSeq: number;
  createdAt: number;
  updatedAt: number;
  version: number;
  isDeleted: boolean;
}

const COLUMNS = [
  'tracking_id', 'user_id', 'marketplace', 'asin', 'series', 'condition', 'amazon_only', 'target_price', 'drop_percent', 'drop_amount',
  'all_time_low', 'back_in_stock', 'email_enabled', 'webhook_url', 'webhook_secret', 'baseline_seq', 'created_at', 'updated_at', 'version',
  'is_deleted',
] as const;

const SELECT = `SELECT toString(tracking_id) AS tid, toString(user_id) AS uid, marketplace, asin, series, condition, amazon_only,
       target_price, drop_percent, drop_amount, all_time_low, back_in_stock, email_enabled, webhook_url, webhook_secret, baseline_seq,
       toUnixTimestamp64Milli(created_at) AS created_at, toUnixTimestamp64Milli(updated_at) AS updated_at, version, is_deleted
FROM trackings FINAL`;

interface Row {
  tid: string;
  uid: string;
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  condition: TrackingCondition;
  amazon_only: boolean;
  target_price: number | null;
  drop_percent: number | null;
  drop_amount: number | null;
  all_time_low: boolean;
  back_in_stock: boolean;
  email_enabled: boolean;
  webhook_url: string;
  webhook_secret: string;
  baseline_seq: string | number;
  created_at: string | number;
  updated_at: string | number;
  version: string | number;
  is_deleted: number;
}

/** Writes tracking versions (a higher version supersedes; is_deleted removes). */
export async function insertTrackings(client: ClickHouseClient, trackings: readonly TrackingRecord[]): Promise<void> {
  for (let i = 0; i < trackings.length; i += 10_000) {
    await client.insert({
      table: 'trackings',
      columns: [...COLUMNS],
      format: 'JSONCompactEachRow',
      values: trackings.slice(i, i + 10_000).map((t) => [
        t.trackingId, t.userId, t.marketplace, t.asin, t.series, t.condition, t.amazonOnly, t.targetPrice, t.dropPercent, t.dropAmount,
        t.allTimeLow, t.backInStock, t.emailEnabled, t.webhookUrl, t.webhookSecret, t.baselineSeq, (t.createdAt / 1000).toFixed(3),
        (t.updatedAt / 1000).toFixed(3), t.version, t.isDeleted ? 1 : 0,
      ]),
    });
  }
}

/** The current version of a tracking, or null (unknown or deleted). */
export async function findTrackingById(client: ClickHouseClient, trackingId: string): Promise<TrackingRecord | null> {
  const rows = await selectRows<Row>(client, `${SELECT} WHERE tracking_id = toUUID({id:String}) AND is_deleted = 0`, { id: trackingId });
  return rows[0] ? toTracking(rows[0]) : null;
}

/** The current versions of several trackings (unknown and deleted ones are absent). */
export async function findTrackingsByIds(client: ClickHouseClient, trackingIds: readonly string[]): Promise<Map<string, TrackingRecord>> {
  if (trackingIds.length === 0) return new Map();
  const rows = await inChunks(trackingIds, IDS_PER_QUERY, (ids) => selectRows<Row>(client, `${SELECT} WHERE tracking_id IN {ids:Array(UUID)} AND is_deleted = 0`, { ids }));
  return new Map(rows.map((r) => [r.tid, toTracking(r)]));
}

/** Live trackings of some products of a marketplace (the alerter's lookup, by sort key). */
export async function trackingsForProducts(client: ClickHouseClient, options: { marketplace: MarketplaceCode; asins: readonly string[] }): Promise<TrackingRecord[]> {
  if (options.asins.length === 0) return [];
  const rows = await inChunks(options.asins, 2 * IDS_PER_QUERY, (asins) =>
    selectRows<Row>(client, `${SELECT} WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)} AND is_deleted = 0`, {
      marketplace: options.marketplace,
      asins,
    }),
  );
  return rows.map(toTracking);
}

/** A page of a user's live trackings, newest first, and how many there are. */
export async function trackingsOfUser(
  client: ClickHouseClient,
  options: { userId: string; limit: number; offset: number },
): Promise<{ total: number; trackings: TrackingRecord[] }> {
  const rows = await selectRows<Row & { total: string | number }>(
    client,
    `SELECT *, count() OVER () AS total FROM (${SELECT} WHERE user_id = toUUID({user:String}) AND is_deleted = 0)
     ORDER BY created_at DESC, tid LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { user: options.userId, limit: options.limit, offset: options.offset },
  );
  if (rows.length > 0 || options.offset === 0) return { total: Number(rows[0]?.total ?? 0), trackings: rows.map(toTracking) };
  const [count] = await selectRows<{ n: string }>(
    client,
    `SELECT count() AS n FROM trackings FINAL WHERE user_id = toUUID({user:String}) AND is_deleted = 0`,
    { user: options.userId },
  );
  return { total: Number(count?.n ?? 0), trackings: [] };
}

/** Live trackings per product (products without any are absent): the coordinator's tracker counts. */
export async function trackingCounts(client: ClickHouseClient, options: { marketplace: MarketplaceCode; asins: readonly string[] }): Promise<Map<string, number>> {
  if (options.asins.length === 0) return new Map();
  const rows = await inChunks(options.asins, 2 * IDS_PER_QUERY, (asins) =>
    selectRows<{ asin: string; n: string }>(
      client,
      `SELECT asin, count() AS n FROM trackings FINAL
       WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)} AND is_deleted = 0 GROUP BY asin`,
      { marketplace: options.marketplace, asins },
    ),
  );
  return new Map(rows.map((r) => [r.asin, Number(r.n)]));
}

function toTracking(r: Row): TrackingRecord {
  return {
    trackingId: r.tid,
    userId: r.uid,
    marketplace: r.marketplace,
    asin: r.asin,
    series: r.series,
    condition: r.condition,
    amazonOnly: Boolean(r.amazon_only),
    targetPrice: numberOrNull(r.target_price),
    dropPercent: numberOrNull(r.drop_percent),
    dropAmount: numberOrNull(r.drop_amount),
    allTimeLow: Boolean(r.all_time_low),
    backInStock: Boolean(r.back_in_stock),
    emailEnabled: Boolean(r.email_enabled),
    webhookUrl: r.webhook_url,
    webhookSecret: r.webhook_secret,
    baselineSeq: Number(r.baseline_seq),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
    isDeleted: Boolean(Number(r.is_deleted)),
  };
}
