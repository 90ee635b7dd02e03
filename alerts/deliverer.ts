/**
 * Delivery: claim due deliveries from the queue, send each on its channel, record the outcome in
 * ClickHouse (a new version of the delivery row), then finish the claim in Redis — in that order, so a
 * crash after the record never sends again (a re-claimed delivery whose row is no longer pending is
 * dropped). What stays at-least-once is the instant between the server's acceptance and the record:
 * a crash exactly there sends again, with the same Message-ID / idempotency key so mail systems and
 * webhook receivers fold it. Failed attempts back off exponentially (capped) up to
 * `alerts.maxAttempts`; a permanent error (5xx SMTP reply, 4xx webhook answer) fails at once.
 * Before sending, the delivery is checked against the present: an unsubscribed or unverified user,
 * a deleted tracking or a removed channel cancels it.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { type Config, getMarketplace } from '../config/index.js';
import type { Series } from '../contracts/index.js';
import { renderPriceChart } from '../charts/index.js';
import {
  type AlertRecord,
  type AlertState,
  type TrackingRecord,
  type UserRecord,
  alertsByIds,
  findTrackingsByIds,
  findUsersByIds,
  getProduct,
  insertAlertRecords,
  seriesPointsSince,
} from '../storage/index.js';
import { alertContent } from './alert-content.js';
import { alertEmail } from './alert-email.js';
import { channelsFor, deliveryVersion } from './alert-records.js';
import type { AlertsMetrics } from './alerts-metrics.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { DeliveryError } from './errors.js';
import { amazonUrl, productPageUrl, unsubscribeUrl } from './links.js';
import type { Mailer } from './mailer.js';
import type { TokenSigner } from './signed-token.js';
import { seriesFor } from './tracking-input.js';
import { postWebhook } from './webhook-client.js';

export interface DelivererOptions {
  clickhouse: ClickHouseClient;
  queue: DeliveryQueue;
  config: Config;
  /** Sends email; without one, email deliveries fail (and retry) with "no SMTP server configured". */
  mailer: Mailer | undefined;
  signer: TokenSigner;
  logger: Logger;
  metrics: AlertsMetrics;
  /** Deliveries claimed per round. Default 64. */
  batch?: number;
  /** Sends in flight at once within a round. Default 16. */
  concurrency?: number;
  /** How long a claim lasts before another sender may take the delivery over, ms. Default config alerts.claimMs. */
  claimMs?: number;
}

/** Sends due deliveries. */
export interface Deliverer {
  /** Claims and sends one round; returns how many deliveries it handled. */
  step(): Promise<number>;
}

const SERIES_NAMES: Record<Series, string> = {
  new: 'New',
  amazon: 'Amazon',
  new_3p: 'New, 3rd party',
  used: 'Used',
  warehouse: 'Amazon used',
  refurbished: 'Refurbished',
  collectible: 'Collectible',
};
const CHART_DAYS = 90;

type Outcome = { state: Exclude<AlertState, 'pending'>; error: string; acceptedAt: number | null } | { state: 'pending'; error: string; retryAt: number };

/** A deliverer over the queue. */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { clickhouse, queue, config, metrics } = options;
  const log = options.logger.child({ component: 'deliverer' });
  const batch = options.batch ?? 64;
  const concurrency = options.concurrency ?? 16;
  const claimMs = options.claimMs ?? config.alerts.claimMs;
  const { maxAttempts, retryBaseMs, retryMaxMs } = config.alerts;

  const backoff = (attempts: number): number => {
    const base = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(base * (0.9 + Math.random() * 0.2));
  };

  const send = async (alert: AlertRecord, tracking: TrackingRecord, user: UserRecord): Promise<number> => {
    const content = alertContent({
      alert,
      title: await titleOf(alert),
      targetPrice: tracking.targetPrice,
      productPageUrl: productPageUrl(config, alert.marketplace, alert.asin),
      amazonUrl: amazonUrl(config, alert.marketplace, alert.asin),
    });
    switch (alert.channel) {
      case 'email': {
        if (!options.mailer) throw new DeliveryError('no SMTP server configured (alerts.smtpUrl)', false);
        const chartPng = await chartFor(alert, tracking).catch((err: unknown) => {
          log.warn({ err, alertId: alert.alertId }, 'chart not drawn; sending without it');
          return null;
        });
        const token = (t?: string): string => unsubscribeUrl(config, options.signer.sign(t ? { p: 'unsubscribe', u: user.userId, t } : { p: 'unsubscribe', u: user.userId }));
        const message = alertEmail({
          content,
          from: config.alerts.from,
          to: user.email,
          alertId: alert.alertId,
          unsubscribeAllUrl: token(),
          unsubscribeTrackingUrl: token(tracking.trackingId),
          chartPng,
        });
        return (await options.mailer.send(message)).acceptedAt;
      }
      case 'webhook': {
        const body = {
          id: alert.alertKey,
          type: 'price_alert',
          trackingId: alert.trackingId,
          marketplace: alert.marketplace,
          asin: alert.asin,
          title: content.title,
          series: alert.series,
          reasons: alert.reasons,
          price: alert.price,
          previousPrice: alert.previousPrice,
          currency: alert.currency,
          priceFormatted: content.price,
          previousPriceFormatted: content.previousPrice,
          dropAmount: content.dropAmount,
          dropPercent: content.dropPercent === null ? null : Math.round(content.dropPercent * 10) / 10,
          checkedAt: new Date(alert.checkedAt).toISOString(),
          productPageUrl: content.productPageUrl,
          amazonUrl: content.amazonUrl,
        };
        return (
          await postWebhook({
            url: tracking.webhookUrl,
            secret: tracking.webhookSecret,
            idempotencyKey: alert.alertKey,
            body,
            allowPrivateAddresses: config.alerts.webhookPrivateAddresses,
          })
        ).acceptedAt;
      }
    }
  };

  // Many trackers of one product alert on the same change: its chart and title are made once.
  const charts = new Map<string, Promise<Buffer>>();
  const titles = new Map<string, Promise<string>>();
  const remember = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (!hit) {
      hit = make();
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
      if (cache.size > 256) cache.delete(cache.keys().next().value!);
    }
    return hit;
  };
  const titleOf = (alert: AlertRecord): Promise<string> =>
    remember(titles, `${alert.marketplace}|${alert.asin}`, async () => (await getProduct(clickhouse, { marketplace: alert.marketplace, asin: alert.asin }))?.title ?? alert.asin);
  const chartFor = (alert: AlertRecord, tracking: TrackingRecord): Promise<Buffer> => {
    const series = seriesFor(tracking.condition, tracking.amazonOnly);
    // Keyed by the triggering check: the chart always ends with the price the alert names.
    return remember(charts, `${alert.marketplace}|${alert.asin}|${series.join()}|${alert.checkedAt}`, () => drawChart(alert, series));
  };
  const drawChart = async (alert: AlertRecord, series: readonly Series[]): Promise<Buffer> => {
    const to = Date.now();
    const from = to - CHART_DAYS * 86_400_000;
    const points = await seriesPointsSince(clickhouse, { marketplace: alert.marketplace, asin: alert.asin, series, since: from });
    const chart = await renderPriceChart({
      series: series.map((s) => ({ name: SERIES_NAMES[s], points: points.filter((p) => p.series === s).map((p) => ({ t: p.checkedAt, price: p.price })) })),
      currency: alert.currency,
      locale: getMarketplace(alert.marketplace).locale,
      width: 600,
      height: 300,
      from,
      to,
    });
    return chart.png;
  };

  const attempt = async (alert: AlertRecord, tracking: TrackingRecord | undefined, user: UserRecord | undefined): Promise<Outcome> => {
    if (!tracking) return { state: 'cancelled', error: 'tracking deleted', acceptedAt: null };
    if (!channelsFor(tracking, user).includes(alert.channel) || !user) {
      return { state: 'cancelled', error: `channel ${alert.channel} no longer wanted (unsubscribed, unverified or removed)`, acceptedAt: null };
    }
    try {
      const acceptedAt = await send(alert, tracking, user);
      return { state: 'sent', error: '', acceptedAt };
    } catch (err) {
      const attempts = alert.attempts + 1;
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof DeliveryError ? err.permanent : false;
      metrics.attemptsFailed.inc({ channel: alert.channel });
      log.warn({ alertId: alert.alertId, channel: alert.channel, attempts, permanent, err: { message } }, 'delivery attempt failed');
      if (permanent || attempts >= maxAttempts) return { state: 'failed', error: message, acceptedAt: null };
      return { state: 'pending', error: message, retryAt: Date.now() + backoff(attempts) };
    }
  };

  return {
    async step() {
      const { ids } = await queue.claim(batch, claimMs);
      if (ids.length === 0) return 0;
      const alerts = await alertsByIds(clickhouse, ids);
      const live = [...alerts.values()].filter((a) => a.state === 'pending');
      const trackings = await findTrackingsByIds(clickhouse, live.map((a) => a.trackingId));
      const users = await findUsersByIds(clickhouse, live.map((a) => a.userId));
      const outcomes = await mapLimited(live, concurrency, async (a) => [a, await attempt(a, trackings.get(a.trackingId), users.get(a.userId))] as const);
      const now = Date.now();
      const records = outcomes.map(([a, o]): AlertRecord => {
        const attempts = o.state === 'cancelled' ? a.attempts : a.attempts + 1;
        return {
          ...a,
          state: o.state,
          attempts,
          lastError: o.error,
          nextAttemptAt: o.state === 'pending' ? o.retryAt : a.nextAttemptAt,
          sentAt: o.state === 'sent' ? o.acceptedAt : null,
          updatedAt: now,
          version: deliveryVersion(attempts, o.state),
        };
      });
      // Record first, then release the claim: a crash in between finds the row settled and sends nothing.
      await insertAlertRecords(clickhouse, records);
      for (const [a, o] of outcomes) {
        switch (o.state) {
          case 'sent':
            metrics.sent.inc({ channel: a.channel });
            if (o.acceptedAt !== null && a.ingestedAt > 0) metrics.deliveryLatency.observe({ channel: a.channel }, Math.max(0, (o.acceptedAt - a.ingestedAt) / 1000));
            break;
          case 'failed':
            metrics.failed.inc({ channel: a.channel });
            break;
          case 'cancelled':
            metrics.cancelled.inc({ channel: a.channel });
            break;
          case 'pending':
            break;
        }
      }
      const byId = new Map(outcomes.map(([a, o]) => [a.alertId, o]));
      await Promise.all(
        ids.map(async (id) => {
          const outcome = byId.get(id);
          const lost = !(await queue.finish(id, outcome?.state === 'pending' ? outcome.retryAt : undefined));
          if (lost) log.warn({ alertId: id }, 'delivery claim had expired before it was finished');
        }),
      );
      return ids.length;
    },
  };
}

/** `fn` over `items` with at most `limit` running at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
