/**
 * From a decision to alert to the rows that record it: the idempotency key of the trigger, one
 * delivery per usable channel, and the version numbers of a delivery's life.
 */
import type { MarketplaceCode } from '../config/index.js';
import type { Series } from '../contracts/index.js';
import type { AlertChannel, AlertRecord, AlertState, TrackingRecord, UserRecord } from '../storage/index.js';
import type { AlertReason } from './rule-evaluation.js';

/**
 * The idempotency key of an alert caused by a price change: what triggered it — tracking,
 * marketplace, ingest batch, series and check time — so judging the same change again (a replay
 * after a crash) yields the same key, and two different triggers never share one.
 */
export function changeAlertKey(trackingId: string, marketplace: MarketplaceCode, ingestSeq: number, series: Series, checkedAt: number): string {
  return `${trackingId}:${marketplace}:${ingestSeq}:${series}:${Math.floor(checkedAt / 1000)}`;
}

/** The key of an alert made when a tracking's rules were set (version `version` of the tracking). */
export function rulesSetAlertKey(trackingId: string, version: number): string {
  return `${trackingId}:set:${version}`;
}

/** Whether an alert key comes from a tracking's rules being set (not from a price change). */
export function isRulesSetKey(key: string): boolean {
  return key.includes(':set:');
}

/**
 * The channels an alert of this tracking goes to now: none for an unknown, deleted or unverified
 * user; email while enabled on the tracking and the user has not unsubscribed; the webhook if set.
 */
export function channelsFor(tracking: TrackingRecord, user: UserRecord | undefined): AlertChannel[] {
  if (!user || user.isDeleted || user.verifiedAt === null) return [];
  const channels: AlertChannel[] = [];
  if (tracking.emailEnabled && user.unsubscribedAt === null) channels.push('email');
  if (tracking.webhookUrl !== '') channels.push('webhook');
  return channels;
}

/** The version of a delivery row: attempts first, then the state, so a later step always wins. */
export function deliveryVersion(attempts: number, state: AlertState): number {
  const rank: Record<AlertState, number> = { pending: 1, sent: 2, failed: 3, cancelled: 4 };
  return attempts * 10 + rank[state];
}

export interface NewAlert {
  key: string;
  tracking: TrackingRecord;
  channels: readonly AlertChannel[];
  series: Series;
  reasons: readonly AlertReason[];
  price: number | null;
  previousPrice: number | null;
  currency: string;
  ingestSeq: number;
  checkedAt: number;
  ingestedAt: number;
  now: number;
}

/** The first (pending) row of each delivery of a new alert. */
export function newAlertRecords(a: NewAlert): AlertRecord[] {
  return a.channels.map((channel) => ({
    alertId: `${a.key}/${channel}`,
    alertKey: a.key,
    trackingId: a.tracking.trackingId,
    userId: a.tracking.userId,
    marketplace: a.tracking.marketplace,
    asin: a.tracking.asin,
    series: a.series,
    channel,
    reasons: [...a.reasons],
    price: a.price,
    previousPrice: a.previousPrice,
    currency: a.currency,
    ingestSeq: a.ingestSeq,
    checkedAt: a.checkedAt,
    ingestedAt: a.ingestedAt,
    state: 'pending',
    attempts: 0,
    lastError: '',
    nextAttemptAt: a.now,
    sentAt: null,
    createdAt: a.now,
    updatedAt: a.now,
    version: deliveryVersion(0, 'pending'),
  }));
}

/** The cheapest offer among `series` (null price when none has an offer). */
export function effectivePrice(prices: ReadonlyMap<Series, number | null>, series: readonly Series[]): { price: number | null; series: Series } {
  let best: { price: number | null; series: Series } = { price: null, series: series[0] ?? 'new' };
  for (const s of series) {
    const p = prices.get(s);
    if (p === undefined || p === null) continue;
    if (best.price === null || p < best.price) best = { price: p, series: s };
  }
  return best;
}
