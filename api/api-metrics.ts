/**
 * The API's Prometheus metrics (own registry, prefix dromedary_): request durations by route pattern,
 * method and status class (bounded labels: never a product, a user or a URL), and the product cache's
 * hits, misses, evictions and size.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ProductCache } from './cache/product-cache.js';

/** The API's metrics. */
export interface ApiMetrics {
  requestSeconds: Histogram<'route' | 'method' | 'status'>;
  rateLimited: Counter;
}

/** Registers the API's metrics on `registry`; `cache` is read when Prometheus scrapes. */
export function createApiMetrics(registry: Registry, cache: ProductCache): ApiMetrics {
  const requestSeconds = new Histogram({
    name: 'dromedary_api_request_duration_seconds',
    help: 'API request duration by route pattern, method and status class',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const rateLimited = new Counter({ name: 'dromedary_api_rate_limited_total', help: 'Requests refused by the rate limit', registers: [registry] });
  new Gauge({
    name: 'dromedary_api_cache_events',
    help: 'Product cache events since start (hit, miss, eviction, invalidation)',
    labelNames: ['event'],
    registers: [registry],
    collect() {
      const c = cache.counters;
      this.set({ event: 'hit' }, c.hits);
      this.set({ event: 'miss' }, c.misses);
      this.set({ event: 'eviction' }, c.evictions);
      this.set({ event: 'invalidation' }, c.invalidations);
    },
  });
  new Gauge({
    name: 'dromedary_api_cache_bytes',
    help: 'Bytes of responses held by the product cache',
    registers: [registry],
    collect() {
      this.set(cache.bytes);
    },
  });
  return { requestSeconds, rateLimited };
}
