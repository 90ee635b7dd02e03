/**
 * The coordinator role's Prometheus metrics. They describe the cluster-wide schedule, read from Redis
 * at scrape time (status of every known marketplace), so any coordinator replica reports the same.
 * Counters mirror cumulative counters kept in Redis by the scripts.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { CRAWL_OUTCOMES } from '../contracts/index.js';
import { METRIC_PREFIX } from '../runtime/index.js';
import type { CoordinatorClient } from './coordinator-client.js';
import type { MarketplaceStatus } from './marketplace-status.js';

export interface CoordinatorMetricsOptions {
  registry: Registry;
  coordinator: CoordinatorClient;
  /** Called when reading status fails during a scrape (the scrape then shows the last values). */
  onError: (err: unknown) => void;
}

/** Registers the metrics on `registry`; values are refreshed on every scrape. */
export function registerCoordinatorMetrics({ registry, coordinator, onError }: CoordinatorMetricsOptions): void {
  const registers = [registry];
  const labelNames = ['marketplace'] as const;
  let statuses: MarketplaceStatus[] = [];
  let snapshot: Promise<void> | undefined;
  let snapshotAt = 0;
  // prom-client collects every metric of a scrape concurrently: they share one status read per second.
  const refresh = (): Promise<void> => {
    if (!snapshot || Date.now() - snapshotAt > 1_000) {
      snapshotAt = Date.now();
      snapshot = coordinator.status().then(
        (s) => {
          statuses = s;
        },
        (err: unknown) => onError(err),
      );
    }
    return snapshot;
  };
  const gauge = (name: string, help: string, value: (s: MarketplaceStatus) => number): Gauge =>
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers,
      async collect() {
        await refresh();
        for (const s of statuses) this.set({ marketplace: s.marketplace }, value(s));
      },
    });
  gauge('schedule_size', 'ASINs tracked (waiting plus leased)', (s) => s.scheduled);
  gauge('schedule_due', 'ASINs due now and not leased', (s) => s.dueNow);
  gauge('schedule_overdue', 'ASINs due for longer than the overdue threshold', (s) => s.overdue);
  gauge('schedule_lag_seconds', 'How long the oldest due ASIN has waited', (s) => s.oldestLagMs / 1000);
  gauge('leases_held', 'Leases held by workers', (s) => s.leases);
  gauge('leased_asins', 'ASINs in held leases', (s) => s.leasedItems);
  gauge('products_attention', 'Products flagged as needing attention', (s) => s.attention);
  gauge('products_retired', 'Products retired (Amazon no longer has them)', (s) => s.retired);
  gauge('marketplace_paused', '1 when the marketplace is paused', (s) => (s.paused ? 1 : 0));
  gauge('schedule_stream_length', 'Entries in the ingestion stream, as leasing sees it (back-pressure)', (s) => s.streamLength);

  const total = (name: string, help: string, key: string): Counter =>
    new Counter({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers,
      async collect() {
        await refresh();
        this.reset();
        for (const s of statuses) this.inc({ marketplace: s.marketplace }, s.totals[key] ?? 0);
      },
    });
  total('leased_asins_total', 'ASINs handed out in leases', 'leased');
  total('leases_expired_total', 'Leases that expired and were returned to the schedule', 'expired_leases');
  total('lease_asins_expired_total', 'ASINs returned to the schedule by expired leases', 'expired_items');
  new Counter({
    name: `${METRIC_PREFIX}schedule_checks_total`,
    help: 'Checks settled (acknowledged or failed) cluster-wide, by outcome',
    labelNames: ['marketplace', 'outcome'],
    registers,
    async collect() {
      await refresh();
      this.reset();
      for (const s of statuses) for (const outcome of CRAWL_OUTCOMES) this.inc({ marketplace: s.marketplace, outcome }, s.totals[outcome] ?? 0);
    },
  });
}
