/**
 * The alerts table: one row per (trigger, channel) delivery and version (ReplacingMergeTree(version),
 * sorted by alert_id). A delivery's life is a series of versions — pending, retried, sent / failed /
 * cancelled — the highest wins; reads use FINAL.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import { IDS_PER_QUERY, inChunks } from './alerts-chunking.js';
import { numberOrNull, selectRows } from './query-helpers.js';

export const ALERT_STATES = ['pending', 'sent', 'failed', 'cancelled'] as const;
/** pending → sent / failed / cancelled. */
export type AlertState = (typeof ALERT_STATES)[number];
export const ALERT_CHANNELS = ['email', 'webhook'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** One version of one delivery. Prices in minor units; times epoch ms. */
export interface AlertRecord {
  /** `alertKey/channel`. */
  alertId: string;
  /** The trigger's idempotency key (shared by its channels). */
  alertKey: string;
  trackingId: string;
  userId: string;
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  channel: AlertChannel;
  /** Which rules fired: target, drop, all_time_low, back_in_stock. */
  reasons: string[];
  price: number | null;
  previousPrice: number | null;
  currency: string;
  /** The trigger's ingest batch (for a tracking's rules being set: the watermark then). */
  ingestSeq: number;
  /** When the triggering price was observed. */
  checkedAt: number;
  /** When the triggering price reached ClickHouse. */
  ingestedAt: number;
  state: AlertState;
  attempts: number;
  lastError: string;
  nextAttemptAt: number;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

const COLUMNS = [
  'alert_id', 'alert_key', 'tracking_id', 'user_id', 'marketplace', 'asin', 'series', 'channel', 'reasons', 'price', 'previous_price',
  'currency', 'ingest_seq', 'checked_at', 'ingested_at', 'state', 'attempts', 'last_error', 'next_attempt_at', 'sent_at', 'created_at',
  'updated_at', 'version',
] as const;

const SELECT = `SELECT alert_id, alert_key, toString(tracking_id) AS tid, toString(user_id) AS uid, marketplace, asin, series,
       channel, reasons, price, previous_price, currency, ingest_seq, toUnixTimestamp(checked_at) AS checked_at,
       toUnixTimestamp64Milli(ingested_at) AS ingested_at, state, attempts, last_error, toUnixTimestamp64Milli(next_attempt_at) AS next_attempt_at,
       toUnixTimestamp64Milli(sent_at) AS sent_at, toUnixTimestamp64Milli(created_at) AS created_at,
       toUnixTimestamp64Milli(updated_at) AS updated_at, version
FROM alerts FINAL`;

interface Row {
  alert_id: string;
  alert_key: string;
  tid: string;
  uid: string;
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  channel: AlertChannel;
  reasons: string[];
  price: number | null;
  previous_price: number | null;
  currency: string;
  ingest_seq: string | number;
  checked_at: string | number;
  ingested_at: string | number;
  state: AlertState;
  attempts: number;
  last_error: string;
  next_attempt_at: string | number;
  sent_at: string | number | null;
  created_at: string | number;
  updated_at: string | number;
  version: string | number;
}

const s3 = (ms: number | null): string | null => (ms === null ? null : (ms / 1000).toFixed(3));

/** Writes delivery versions in one insert. */
export async function insertAlertRecords(client: ClickHouseClient, records: readonly AlertRecord[]): Promise<void> {
  if (records.length === 0) return;
  await client.insert({
    table: 'alerts',
    columns: [...COLUMNS],
    format: 'JSONCompactEachRow',
    values: records.map((a) => [
      a.alertId, a.alertKey, a.trackingId, a.userId, a.marketplace, a.asin, a.series, a.channel, a.reasons, a.price, a.previousPrice,
      a.currency, a.ingestSeq, Math.floor(a.checkedAt / 1000), s3(a.ingestedAt), a.state, a.attempts, a.lastError.slice(0, 1000),
      s3(a.nextAttemptAt), s3(a.sentAt), s3(a.createdAt), s3(a.updatedAt), a.version,
    ]),
  });
}

/** The current version of each delivery asked for (unknown ones are absent). */
export async function alertsByIds(client: ClickHouseClient, alertIds: readonly string[]): Promise<Map<string, AlertRecord>> {
  if (alertIds.length === 0) return new Map();
  const rows = await inChunks(alertIds, IDS_PER_QUERY / 2, (ids) => selectRows<Row>(client, `${SELECT} WHERE alert_id IN {ids:Array(String)}`, { ids }));
  return new Map(rows.map((r) => [r.alert_id, toAlert(r)]));
}

/** Deliveries still pending (to rebuild the delivery queue after Redis lost it). */
export async function pendingAlerts(client: ClickHouseClient, options: { limit: number; afterId?: string }): Promise<AlertRecord[]> {
  const rows = await selectRows<Row>(
    client,
    `${SELECT} WHERE state = 'pending' AND alert_id > {after:String} ORDER BY alert_id LIMIT {limit:UInt32}`,
    { after: options.afterId ?? '', limit: options.limit },
  );
  return rows.map(toAlert);
}

/** The last alert of a tracking as the detector sees it: trigger position, price and time. */
export interface LastAlert {
  trackingId: string;
  ingestSeq: number;
  checkedAt: number;
  price: number | null;
  /** When it was created, epoch ms. */
  createdAt: number;
  /** It came from the tracking's rules being set, not from a price change. */
  fromRulesSet: boolean;
}

/**
 * Each tracking's last alert whose trigger lies at or before ingest_seq `upTo` of the marketplace, or
 * that came from the tracking's rules being set (those precede every change the detector judges
 * for it). Deliveries of one trigger share position and price, so any channel's row will do.
 */
export async function lastAlertsOfTrackings(
  client: ClickHouseClient,
  options: { marketplace: MarketplaceCode; trackingIds: readonly string[]; upTo: number },
): Promise<Map<string, LastAlert>> {
  if (options.trackingIds.length === 0) return new Map();
  const rows = await inChunks(options.trackingIds, IDS_PER_QUERY, (ids) => selectRows<{ tid: string; last: [string | number, string | number, number | null, string | number, number] }>(
    client,
    `SELECT toString(tracking_id) AS tid,
            argMax((ingest_seq, toUnixTimestamp(checked_at), price, toUnixTimestamp64Milli(created_at), position(alert_key, ':set:') > 0),
                   (ingest_seq, checked_at, created_at)) AS last
     FROM alerts
     WHERE marketplace = {marketplace:String} AND tracking_id IN {ids:Array(UUID)}
       AND (ingest_seq <= {upTo:UInt64} OR position(alert_key, ':set:') > 0)
     GROUP BY tracking_id`,
    { marketplace: options.marketplace, ids, upTo: options.upTo },
  ));
  return new Map(
    rows.map((r) => [
      r.tid,
      {
        trackingId: r.tid,
        ingestSeq: Number(r.last[0]),
        checkedAt: Number(r.last[1]) * 1000,
        price: numberOrNull(r.last[2]),
        createdAt: Number(r.last[3]),
        fromRulesSet: Boolean(Number(r.last[4])),
      },
    ]),
  );
}

/** A delivery channel's recent health for one tracking. */
export interface ChannelHealth {
  trackingId: string;
  channel: AlertChannel;
  /** State of the latest delivery on this channel. */
  lastState: AlertState;
  /** Failed deliveries (given up, or retrying after a failed attempt) since the last one that was sent. */
  consecutiveFailures: number;
  lastError: string;
  /** When the latest delivery was sent; null if never. */
  lastSentAt: number | null;
}

/** Per tracking and channel: the latest delivery's state and failures since the last success. */
export async function channelHealth(client: ClickHouseClient, trackingIds: readonly string[]): Promise<ChannelHealth[]> {
  if (trackingIds.length === 0) return [];
  const rows = await inChunks(trackingIds, IDS_PER_QUERY, (ids) => selectRows<{
    tid: string; channel: AlertChannel; last_state: AlertState; failures: string | number; last_error: string; last_sent: string | number | null;
  }>(
    client,
    `SELECT tid, channel, argMax(state, created_at) AS last_state,
            countIf((state = 'failed' OR (state = 'pending' AND attempts > 0)) AND created_at > last_ok) AS failures,
            argMax(last_error, created_at) AS last_error,
            if(last_ok = toDateTime64(0, 3, 'UTC'), NULL, toUnixTimestamp64Milli(last_ok)) AS last_sent
     FROM (SELECT toString(tracking_id) AS tid, channel, state, attempts, last_error, created_at,
                  max(if(state = 'sent', created_at, toDateTime64(0, 3, 'UTC'))) OVER (PARTITION BY tracking_id, channel) AS last_ok
           FROM alerts FINAL WHERE tracking_id IN {ids:Array(UUID)})
     GROUP BY tid, channel, last_ok`,
    { ids },
  ));
  return rows.map((r) => ({
    trackingId: r.tid,
    channel: r.channel,
    lastState: r.last_state,
    consecutiveFailures: Number(r.failures),
    lastError: r.last_error,
    lastSentAt: numberOrNull(r.last_sent),
  }));
}

/** A user's alerts, one per trigger (its channels folded), newest first. */
export interface UserAlert {
  alertKey: string;
  trackingId: string;
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  reasons: string[];
  price: number | null;
  previousPrice: number | null;
  currency: string;
  checkedAt: number;
  createdAt: number;
  /** Channel → state of its delivery. */
  deliveries: Partial<Record<AlertChannel, AlertState>>;
}

/** A page of a user's alerts (for the feed), newest first. */
export async function alertsOfUser(client: ClickHouseClient, options: { userId: string; limit: number; offset: number }): Promise<UserAlert[]> {
  const rows = await selectRows<{
    alert_key: string; tid: string; marketplace: MarketplaceCode; asin: string; series: Series; reasons: string[]; price: number | null;
    previous_price: number | null; currency: string; checked_at: string | number; created_at: string | number; channels: AlertChannel[]; states: AlertState[];
  }>(
    client,
    `SELECT alert_key, any(toString(tracking_id)) AS tid, any(marketplace) AS marketplace, any(asin) AS asin, any(series) AS series,
            any(reasons) AS reasons, any(price) AS price, any(previous_price) AS previous_price, any(currency) AS currency,
            toUnixTimestamp(any(checked_at)) AS checked_at, toUnixTimestamp64Milli(min(created_at)) AS created_at,
            groupArray(channel) AS channels, groupArray(state) AS states
     FROM alerts FINAL WHERE user_id = toUUID({user:String})
     GROUP BY alert_key ORDER BY created_at DESC, alert_key LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { user: options.userId, limit: options.limit, offset: options.offset },
  );
  return rows.map((r) => ({
    alertKey: r.alert_key,
    trackingId: r.tid,
    marketplace: r.marketplace,
    asin: r.asin,
    series: r.series,
    reasons: r.reasons,
    price: numberOrNull(r.price),
    previousPrice: numberOrNull(r.previous_price),
    currency: r.currency,
    checkedAt: Number(r.checked_at) * 1000,
    createdAt: Number(r.created_at),
    deliveries: Object.fromEntries(r.channels.map((c, i) => [c, r.states[i] ?? 'pending'])),
  }));
}

/** (tracking, channel) pairs whose last `atLeast` deliveries all failed, per channel (for a gauge). */
export async function failingChannelCounts(client: ClickHouseClient, atLeast: number): Promise<Record<AlertChannel, number>> {
  const rows = await selectRows<{ channel: AlertChannel; n: string }>(
    client,
    `SELECT channel, count() AS n FROM (
       SELECT tracking_id, channel, arraySlice(arrayReverseSort(x -> x.1, groupArray((created_at, state))), 1, {k:UInt32}) AS recent
       FROM alerts FINAL WHERE state != 'cancelled' GROUP BY tracking_id, channel
       HAVING length(recent) >= {k:UInt32} AND arrayAll(x -> x.2 = 'failed' OR x.2 = 'pending', recent) AND arrayExists(x -> x.2 = 'failed', recent))
     GROUP BY channel`,
    { k: atLeast },
  );
  const out: Record<AlertChannel, number> = { email: 0, webhook: 0 };
  for (const r of rows) out[r.channel] = Number(r.n);
  return out;
}

function toAlert(r: Row): AlertRecord {
  return {
    alertId: r.alert_id,
    alertKey: r.alert_key,
    trackingId: r.tid,
    userId: r.uid,
    marketplace: r.marketplace,
    asin: r.asin,
    series: r.series,
    channel: r.channel,
    reasons: r.reasons,
    price: numberOrNull(r.price),
    previousPrice: numberOrNull(r.previous_price),
    currency: r.currency,
    ingestSeq: Number(r.ingest_seq),
    checkedAt: Number(r.checked_at) * 1000,
    ingestedAt: Number(r.ingested_at),
    state: r.state,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    nextAttemptAt: Number(r.next_attempt_at),
    sentAt: numberOrNull(r.sent_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}
