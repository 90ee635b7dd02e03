/** The alerter's Prometheus metrics (its own registry, bounded labels: channel, marketplace, reason). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '../runtime/index.js';

/** Every metric the alerts part exports. */
export interface AlertsMetrics {
  created: Counter<'channel'>;
  sent: Counter<'channel'>;
  /** Deliveries given up (permanent error or attempts exhausted). */
  failed: Counter<'channel'>;
  /** Failed attempts (each retry counts): a channel that keeps failing shows here first. */
  attemptsFailed: Counter<'channel'>;
  cancelled: Counter<'channel'>;
  suppressed: Counter<'reason'>;
  changesJudged: Counter<'marketplace'>;
  /** From the triggering price reaching ClickHouse to SMTP acceptance / webhook 2xx, seconds. */
  deliveryLatency: Histogram<'channel'>;
  /** Age of the oldest committed change not yet judged, seconds (0 when caught up). */
  lag: Gauge<'marketplace'>;
  /** Ingest batches committed but not yet judged. */
  backlog: Gauge<'marketplace'>;
  /** (tracking, channel) pairs whose recent deliveries all failed. */
  failingChannels: Gauge<'channel'>;
  queueDue: Gauge;
  queueInflight: Gauge;
}

/** Registers the alerts metrics on `registry`. */
export function createAlertsMetrics(registry: Registry): AlertsMetrics {
  const p = METRIC_PREFIX;
  const registers = [registry];
  return {
    created: new Counter({ name: `${p}alerts_created_total`, help: 'Alert deliveries created, by channel', labelNames: ['channel'], registers }),
    sent: new Counter({ name: `${p}alerts_sent_total`, help: 'Alert deliveries accepted (SMTP) or answered 2xx (webhook)', labelNames: ['channel'], registers }),
    failed: new Counter({ name: `${p}alerts_failed_total`, help: 'Alert deliveries given up', labelNames: ['channel'], registers }),
    attemptsFailed: new Counter({ name: `${p}alert_delivery_attempts_failed_total`, help: 'Failed delivery attempts', labelNames: ['channel'], registers }),
    cancelled: new Counter({ name: `${p}alerts_cancelled_total`, help: 'Deliveries dropped: unsubscribed, tracking deleted, channel removed', labelNames: ['channel'], registers }),
    suppressed: new Counter({ name: `${p}alerts_suppressed_total`, help: 'Rules that fired but sent nothing', labelNames: ['reason'], registers }),
    changesJudged: new Counter({ name: `${p}alerter_changes_total`, help: 'Price changes judged', labelNames: ['marketplace'], registers }),
    deliveryLatency: new Histogram({
      name: `${p}alert_delivery_latency_seconds`,
      help: 'From the triggering price reaching ClickHouse to SMTP acceptance / webhook 2xx',
      labelNames: ['channel'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 600, 3600],
      registers,
    }),
    lag: new Gauge({ name: `${p}alerter_lag_seconds`, help: 'Age of the oldest committed change not yet judged', labelNames: ['marketplace'], registers }),
    backlog: new Gauge({ name: `${p}alerter_backlog_batches`, help: 'Ingest batches committed but not yet judged', labelNames: ['marketplace'], registers }),
    failingChannels: new Gauge({ name: `${p}alert_channels_failing`, help: 'Tracking channels whose recent deliveries all failed', labelNames: ['channel'], registers }),
    queueDue: new Gauge({ name: `${p}alert_deliveries_queued`, help: 'Deliveries waiting (due now or later)', registers }),
    queueInflight: new Gauge({ name: `${p}alert_deliveries_in_flight`, help: 'Deliveries being sent', registers }),
  };
}
