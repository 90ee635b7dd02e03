/**
 * Detection for one marketplace: judge the committed price changes past the durable cursor, batch by
 * batch, against the trackings of their products. One step:
 *
 *   1. read changes with cursor < ingest_seq ≤ committed watermark (whole ingest batches only);
 *   2. load the context: trackings of those products, their users, each tracking's last alert with a
 *      trigger at or before the cursor, every series at the checks (for `any`), earlier lows;
 *   3. judge each check in order (rule-evaluation.ts) — deterministic, so a replay judges the same;
 *   4. insert the alerts' pending rows (idempotent: same key, same rows);
 *   5. queue their deliveries (the queue skips any it ever queued: a replay queues nothing twice);
 *   6. move the cursor, in memory, and durably in ClickHouse.
 *
 * A kill -9 anywhere replays from the durable cursor: before 4 nothing happened; between 4 and 6 the
 * rows exist and the queue's known set, or the delivery rows' own state, stops a second delivery.
 * The cursor never passes the committed watermark, so a batch an ingester commits late is not skipped.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Config, MarketplaceCode } from '../config/index.js';
import type { Series } from '../contracts/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import {
  type AlertRecord,
  type CheckObservation,
  type LastAlert,
  type PriceChange,
  type TrackingRecord,
  alertsByIds,
  committedWatermark,
  findUsersByIds,
  insertAlertRecords,
  lastAlertsOfTrackings,
  lowestPricesBefore,
  observationsAtChecks,
  readAlerterCursor,
  readPriceChanges,
  trackingsForProducts,
  writeAlerterCursor,
} from '../storage/index.js';
import { changeAlertKey, channelsFor, effectivePrice, newAlertRecords } from './alert-records.js';
import type { AlertsMetrics } from './alerts-metrics.js';
import { type DeliveryQueue, keyLease } from './delivery-queue.js';
import { type LastAlertState, firedRules, suppression } from './rule-evaluation.js';
import { JUDGING_LEASE_MS, JUDGING_WAIT_MS } from './rules-setter.js';
import { seriesFor } from './tracking-input.js';

export interface DetectorOptions {
  clickhouse: ClickHouseClient;
  redis: Redis;
  keys: RedisKeys;
  queue: DeliveryQueue;
  marketplace: MarketplaceCode;
  config: Config;
  logger: Logger;
  metrics: AlertsMetrics;
  /** Most changes judged per step (whole ingest batches; one larger batch is read whole). Default 5,000. */
  batchChanges?: number;
  /** Shortest interval between two cursor writes without alerts, ms. Default 1,000. */
  cursorWriteMs?: number;
}

/** What one step did. */
export interface DetectorStep {
  changes: number;
  alerts: number;
  cursor: number;
  /** Nothing committed is left to judge. */
  caughtUp: boolean;
}

/** One marketplace's detection. */
export interface Detector {
  /** Reads the durable cursor (again: after taking over from another alerter, it may have moved). */
  load(): Promise<void>;
  step(): Promise<DetectorStep>;
  /** Writes the cursor if it moved since the last write. */
  flush(): Promise<void>;
  readonly cursor: number;
}

/** A check: every change of one product at one observation, in one ingest batch. */
interface Check {
  seq: number;
  asin: string;
  checkedAt: number;
  ingestedAt: number;
  currency: string;
  changes: Map<Series, PriceChange>;
}

/** The detector of one marketplace. */
export function createDetector(options: DetectorOptions): Detector {
  const { clickhouse, redis, keys, queue, marketplace, metrics } = options;
  const log = options.logger.child({ component: 'detector', marketplace });
  const limit = options.batchChanges ?? 5_000;
  const cursorWriteMs = options.cursorWriteMs ?? 1_000;
  const cooldownMs = options.config.alerts.cooldownMs;
  const fault = options.config.alerts.faultInjection;
  const instance = options.config.instanceId ?? 'alerter';
  const leaseOwner = options.config.instanceId ?? `alerter:${process.pid}`;
  let cursor = 0;
  let durable = 0;
  let lastWrite = 0;
  let regressed = false;

  const persist = async (force: boolean): Promise<void> => {
    if (cursor === durable || (!force && Date.now() - lastWrite < cursorWriteMs)) return;
    const value = cursor;
    await writeAlerterCursor(clickhouse, { marketplace, cursor: value, instance });
    durable = value;
    lastWrite = Date.now();
    // No replay goes at or below the durable cursor: what it queued need not be remembered.
    await queue.prune(marketplace, durable);
  };

  const judge = async (changes: readonly PriceChange[]): Promise<AlertRecord[]> => {
    const now = Date.now();
    const trackings = (await trackingsForProducts(clickhouse, { marketplace, asins: changes.map((c) => c.asin) })).filter((t) =>
      changes.some((c) => c.asin === t.asin && c.ingestSeq > t.baselineSeq),
    );
    if (trackings.length === 0) return [];
    const users = await findUsersByIds(clickhouse, trackings.map((t) => t.userId));
    const lastAlerts = await lastAlertsOfTrackings(clickhouse, { marketplace, trackingIds: trackings.map((t) => t.trackingId), upTo: cursor });
    const checks = groupChecks(changes);
    const byAsin = new Map<string, TrackingRecord[]>();
    for (const t of trackings) byAsin.set(t.asin, [...(byAsin.get(t.asin) ?? []), t]);

    // Every series at each check of a product tracked with `any` (unchanged series are not in price_changes).
    const multi = trackings.filter((t) => seriesFor(t.condition, t.amazonOnly).length > 1);
    const observations = new Map<string, CheckObservation>();
    if (multi.length > 0) {
      const asins = new Set(multi.map((t) => t.asin));
      const series = [...new Set(multi.flatMap((t) => seriesFor(t.condition, t.amazonOnly)))];
      const wanted = checks.filter((c) => asins.has(c.asin)).map((c) => ({ asin: c.asin, checkedAt: c.checkedAt }));
      for (const o of await observationsAtChecks(clickhouse, { marketplace, checks: wanted, series })) {
        observations.set(`${o.asin}|${o.checkedAt}|${o.series}`, o);
      }
    }
    // The lowest price before the first check of the batch, per product and series set (all-time-low rule).
    const lowest = new Map<string, number | null>();
    const atlSets = new Map<string, { series: readonly Series[]; asins: Set<string> }>();
    for (const t of trackings.filter((x) => x.allTimeLow)) {
      const series = seriesFor(t.condition, t.amazonOnly);
      const entry = atlSets.get(series.join()) ?? { series, asins: new Set<string>() };
      entry.asins.add(t.asin);
      atlSets.set(series.join(), entry);
    }
    for (const [setKey, { series, asins }] of atlSets) {
      const before = [...asins].map((asin) => ({ asin, before: Math.min(...checks.filter((c) => c.asin === asin).map((c) => c.checkedAt)) }));
      const found = await lowestPricesBefore(clickhouse, { marketplace, before, series });
      for (const asin of asins) lowest.set(`${asin}|${setKey}`, found.get(asin) ?? null);
    }

    const last = new Map<string, LastAlertState>();
    for (const [id, a] of lastAlerts) last.set(id, lastState(a));
    const records: AlertRecord[] = [];
    for (const check of checks) {
      // Lows move after every tracking of the check was judged: all of them compare with the same past.
      const lows = new Map<string, number>();
      for (const t of byAsin.get(check.asin) ?? []) {
        if (check.seq <= t.baselineSeq) continue;
        const series = seriesFor(t.condition, t.amazonOnly);
        if (!series.some((s) => check.changes.has(s))) continue;
        const before = new Map<Series, number | null>();
        const after = new Map<Series, number | null>();
        for (const s of series) {
          const change = check.changes.get(s);
          const seen = change ?? observations.get(`${check.asin}|${check.checkedAt}|${s}`);
          if (!seen) continue;
          before.set(s, change ? change.previousPrice : seen.price);
          after.set(s, seen.price);
        }
        const was = effectivePrice(before, series);
        const now_ = effectivePrice(after, series);
        const lowKey = `${check.asin}|${series.join()}`;
        const lowestBefore = lowest.get(lowKey) ?? null;
        const reasons = firedRules(t, { before: was.price, after: now_.price }, lowestBefore);
        if (now_.price !== null && t.allTimeLow) lows.set(lowKey, lowestBefore === null ? now_.price : Math.min(lowestBefore, now_.price));
        if (reasons.length === 0 || now_.price === null) continue;
        const channels = channelsFor(t, users.get(t.userId));
        if (channels.length === 0) {
          metrics.suppressed.inc({ reason: 'no_channel' });
          continue;
        }
        const guard = suppression(last.get(t.trackingId), now_.price, check.checkedAt, cooldownMs);
        if (guard !== null) {
          metrics.suppressed.inc({ reason: guard });
          continue;
        }
        last.set(t.trackingId, { price: now_.price, at: check.checkedAt });
        records.push(
          ...newAlertRecords({
            key: changeAlertKey(t.trackingId, marketplace, check.seq, now_.series, check.checkedAt),
            tracking: t,
            channels,
            series: now_.series,
            reasons,
            price: now_.price,
            previousPrice: was.price,
            currency: check.currency,
            ingestSeq: check.seq,
            checkedAt: check.checkedAt,
            ingestedAt: check.ingestedAt || now,
            now,
          }),
        );
      }
      for (const [key, low] of lows) lowest.set(key, low);
    }
    return records;
  };

  return {
    get cursor() {
      return cursor;
    },
    async load() {
      cursor = await readAlerterCursor(clickhouse, marketplace);
      durable = cursor;
      log.info({ cursor }, 'detector cursor loaded');
    },
    async step() {
      const watermark = await committedWatermark(redis, keys, marketplace);
      if (watermark < cursor) {
        // The ingest sequence went backwards: Redis lost the ingestion state. Judging on would mix
        // old and new batches under the same numbers; wait, and say so loudly.
        if (!regressed) log.error({ cursor, watermark }, 'ingest sequence is below the alerter cursor: Redis lost the ingestion state; detection waits');
        regressed = true;
        metrics.lag.set({ marketplace }, -1);
        return { changes: 0, alerts: 0, cursor, caughtUp: true };
      }
      regressed = false;
      metrics.backlog.set({ marketplace }, Math.max(0, watermark - cursor));
      if (watermark <= cursor) {
        metrics.lag.set({ marketplace }, 0);
        await persist(false);
        return { changes: 0, alerts: 0, cursor, caughtUp: true };
      }
      // Owned by the instance id: after a kill -9, the same alerter restarted takes it back at once.
      const lease = keyLease(redis, keys.alerts.judging(marketplace), JUDGING_LEASE_MS, leaseOwner);
      await lease.acquire(JUDGING_WAIT_MS);
      let records: AlertRecord[] = [];
      let count = 0;
      let readUpTo = cursor;
      try {
        const read = await readPriceChanges(clickhouse, { marketplace, after: cursor, upTo: watermark, limit });
        readUpTo = read.readUpTo;
        count = read.changes.length;
        const oldest = read.changes[0]?.ingestedAt;
        metrics.lag.set({ marketplace }, oldest ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
        records = count > 0 ? await judge(read.changes) : [];
        if (records.length > 0) {
          // A delivery already attempted (its row moved past pending) is never queued again, even if
          // Redis lost what it had queued.
          const stored = await alertsByIds(clickhouse, records.map((r) => r.alertId));
          const fresh = records.filter((r) => {
            const s = stored.get(r.alertId);
            return !s || (s.state === 'pending' && s.attempts === 0);
          });
          await insertAlertRecords(clickhouse, fresh);
          if (fault === 'kill-after-alerts-insert') process.kill(process.pid, 'SIGKILL');
          const queued = await queue.enqueue(marketplace, fresh.map((r) => ({ alertId: r.alertId, ingestSeq: r.ingestSeq, dueAt: r.nextAttemptAt })));
          if (fault === 'kill-after-enqueue') process.kill(process.pid, 'SIGKILL');
          for (const r of fresh) metrics.created.inc({ channel: r.channel });
          log.info({ changes: count, alerts: fresh.length, queued, from: cursor, to: readUpTo }, 'alerts created');
        }
      } finally {
        await lease.release();
      }
      metrics.changesJudged.inc({ marketplace }, count);
      cursor = readUpTo;
      await persist(records.length > 0);
      return { changes: count, alerts: records.length, cursor, caughtUp: readUpTo >= watermark };
    },
    async flush() {
      await persist(true);
    },
  };
}

function lastState(a: LastAlert): LastAlertState {
  return { price: a.price, at: a.fromRulesSet ? a.createdAt : a.checkedAt };
}

/** Groups changes by check (ingest batch, product, observation time), in reading order. */
function groupChecks(changes: readonly PriceChange[]): Check[] {
  const checks = new Map<string, Check>();
  for (const c of changes) {
    const key = `${c.ingestSeq}|${c.asin}|${c.checkedAt}`;
    let check = checks.get(key);
    if (!check) {
      check = { seq: c.ingestSeq, asin: c.asin, checkedAt: c.checkedAt, ingestedAt: c.ingestedAt, currency: c.currency, changes: new Map() };
      checks.set(key, check);
    }
    check.changes.set(c.series, c);
    check.ingestedAt = Math.max(check.ingestedAt, c.ingestedAt);
  }
  return [...checks.values()];
}
