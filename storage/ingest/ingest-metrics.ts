/** Prometheus metrics of the ingester, on the registry it is given. Labels: marketplace (bounded), result. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '../../runtime/index.js';

export interface IngestMetrics {
  points: Counter<'marketplace'>;
  outcomes: Counter<'marketplace'>;
  products: Counter<'marketplace'>;
  batches: Counter<'marketplace' | 'result'>;
  insertSeconds: Histogram<'marketplace'>;
  deadLettered: Counter<'marketplace' | 'reason'>;
  streamLength: Gauge<'marketplace'>;
  pending: Gauge<'marketplace'>;
}

const byRegistry = new WeakMap<Registry, IngestMetrics>();

/** Registers the ingester's metrics on `registry` (once per registry; later calls return the same). */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: IngestMetrics = {
    points: new Counter({ name: `${METRIC_PREFIX}ingest_points_total`, help: 'Price points inserted', labelNames: ['marketplace'], registers }),
    outcomes: new Counter({ name: `${METRIC_PREFIX}ingest_outcomes_total`, help: 'Crawl outcomes inserted', labelNames: ['marketplace'], registers }),
    products: new Counter({ name: `${METRIC_PREFIX}ingest_products_total`, help: 'Product metadata rows inserted', labelNames: ['marketplace'], registers }),
    batches: new Counter({
      name: `${METRIC_PREFIX}ingest_batches_total`,
      help: 'Insert batches by result (ok, retry, recovered, split, lost)',
      labelNames: ['marketplace', 'result'],
      registers,
    }),
    insertSeconds: new Histogram({
      name: `${METRIC_PREFIX}ingest_insert_duration_seconds`,
      help: 'Time to insert one batch into ClickHouse',
      labelNames: ['marketplace'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    deadLettered: new Counter({
      name: `${METRIC_PREFIX}ingest_dead_lettered_total`,
      help: 'Stream entries set aside (reason: invalid, undeliverable)',
      labelNames: ['marketplace', 'reason'],
      registers,
    }),
    streamLength: new Gauge({ name: `${METRIC_PREFIX}ingest_stream_length`, help: 'Entries in the ingestion stream (unread + unacknowledged)', labelNames: ['marketplace'], registers }),
    pending: new Gauge({ name: `${METRIC_PREFIX}ingest_pending_entries`, help: 'Entries delivered to ingesters and not yet acknowledged', labelNames: ['marketplace'], registers }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
