/**
 * Writing a tracking whose rules are new or changed, judged against the latest price at that moment:
 * a rule that already holds gets one alert now. This runs under the marketplace's judging lease —
 * the same one the detector holds while it judges a batch of changes — so the two never interleave:
 *
 * - either the detector judged a batch before: the latest prices read here include that batch, and
 *   the batch (which did not know the tracking) missed nothing;
 * - or it judges after: it sees the tracking and the alert made here, skips changes at or below the
 *   baseline (the committed watermark read here), and the same-price guard stops a second alert for a
 *   price this alert already named (a change above the watermark may already be in the latest prices).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { committedWatermark, insertAlertRecords, insertTrackings, lastAlertsOfTrackings, latestSeriesPrices } from '../storage/index.js';
import type { TrackingRecord, UserRecord } from '../storage/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import type { Series } from '../contracts/index.js';
import { channelsFor, effectivePrice, newAlertRecords, rulesSetAlertKey } from './alert-records.js';
import { type DeliveryQueue, keyLease } from './delivery-queue.js';
import { rulesHoldingNow, suppression } from './rule-evaluation.js';
import { seriesFor } from './tracking-input.js';

/** How long one judging step may hold a marketplace, ms (a holder that died frees it after this). */
export const JUDGING_LEASE_MS = 10_000;
/** How long setting rules waits for the detector to finish its batch, ms. */
export const JUDGING_WAIT_MS = 15_000;

export interface SetRulesDeps {
  clickhouse: ClickHouseClient;
  redis: Redis;
  keys: RedisKeys;
  queue: DeliveryQueue;
  cooldownMs: number;
}

/**
 * Writes `tracking` (a new version whose rules were set) with its baseline, and the alert its rules
 * earn right now, if any. Returns whether an alert was made.
 */
export async function writeTrackingWithRules(
  deps: SetRulesDeps,
  tracking: TrackingRecord,
  user: UserRecord,
  { isNew, now = Date.now() }: { isNew: boolean; now?: number },
): Promise<{ alerted: boolean; tracking: TrackingRecord }> {
  const lease = keyLease(deps.redis, deps.keys.alerts.judging(tracking.marketplace), JUDGING_LEASE_MS);
  await lease.acquire(JUDGING_WAIT_MS);
  try {
    const written: TrackingRecord = { ...tracking, baselineSeq: await committedWatermark(deps.redis, deps.keys, tracking.marketplace) };
    const series = seriesFor(written.condition, written.amazonOnly);
    const latest = (await latestSeriesPrices(deps.clickhouse, { marketplace: written.marketplace, asins: [written.asin] })).filter((l) =>
      series.includes(l.series),
    );
    const prices = new Map<Series, number | null>(latest.map((l) => [l.series, l.price]));
    const current = effectivePrice(prices, series);
    const reasons = rulesHoldingNow(written, current.price);
    const channels = channelsFor(written, user);
    let records: ReturnType<typeof newAlertRecords> = [];
    const row = latest.find((l) => l.series === current.series);
    if (reasons.length > 0 && channels.length > 0 && current.price !== null && row) {
      const last = isNew
        ? undefined
        : (await lastAlertsOfTrackings(deps.clickhouse, { marketplace: written.marketplace, trackingIds: [written.trackingId], upTo: Number.MAX_SAFE_INTEGER })).get(
            written.trackingId,
          );
      const guard = suppression(last && { price: last.price, at: last.fromRulesSet ? last.createdAt : last.checkedAt }, current.price, now, deps.cooldownMs);
      if (guard === null) {
        records = newAlertRecords({
          key: rulesSetAlertKey(written.trackingId, written.version),
          tracking: written,
          channels,
          series: current.series,
          reasons,
          price: current.price,
          previousPrice: null,
          currency: row.currency,
          ingestSeq: written.baselineSeq,
          checkedAt: row.checkedAt,
          ingestedAt: now,
          now,
        });
      }
    }
    // The alert first: once the tracking is visible to the detector, so is its alert.
    await insertAlertRecords(deps.clickhouse, records);
    await insertTrackings(deps.clickhouse, [written]);
    if (records.length > 0) {
      await deps.queue.enqueue(
        written.marketplace,
        records.map((r) => ({ alertId: r.alertId, ingestSeq: r.ingestSeq, dueAt: now })),
      );
    }
    return { alerted: records.length > 0, tracking: written };
  } finally {
    await lease.release();
  }
}
