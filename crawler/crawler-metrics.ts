/**
 * A crawler node's Prometheus metrics (its own registry). Labels are bounded: marketplace, outcome,
 * request kind, proxy state — never an ASIN, URL or proxy.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CRAWL_OUTCOMES, type CrawlOutcomeKind } from '../contracts/index.js';
import type { MarketplaceCode } from '../config/index.js';
import { METRIC_PREFIX } from '../runtime/index.js';

/** What a request was for. */
export type FetchKind = 'page' | 'offers' | 'location';

/** Gauges read at scrape time from the node. */
export interface CrawlerGaugeSource {
  marketplaces(): readonly MarketplaceCode[];
  leasesHeld(m: MarketplaceCode): number;
  asinsHeld(m: MarketplaceCode): number;
  checksInFlight(m: MarketplaceCode): number;
  proxies(m: MarketplaceCode): { healthy: number; cooling: number };
  selfPaused(m: MarketplaceCode): boolean;
}

/** The metrics the node updates as it works. */
export interface CrawlerMetrics {
  check(m: MarketplaceCode, outcome: CrawlOutcomeKind): void;
  fetched(m: MarketplaceCode, kind: FetchKind, seconds: number, bytes: number): void;
  /** A product page was decoded: its decoded size and whether reading stopped where its data ended. */
  pageRead(m: MarketplaceCode, decodedBytes: number, stoppedEarly: boolean): void;
  captcha(m: MarketplaceCode): void;
  proxyCooled(m: MarketplaceCode): void;
  leaseLost(m: MarketplaceCode): void;
  checksDropped(m: MarketplaceCode, n: number): void;
  handedBack(m: MarketplaceCode, reason: string, n: number): void;
  selfPause(m: MarketplaceCode): void;
}

/** Registers the crawler metrics on `registry`. */
export function registerCrawlerMetrics(registry: Registry, source: CrawlerGaugeSource): CrawlerMetrics {
  const registers = [registry];
  const p = `${METRIC_PREFIX}crawler_`;
  const checks = new Counter({ name: `${p}checks_total`, help: 'Checks settled by this node, by outcome', labelNames: ['marketplace', 'outcome'], registers });
  const duration = new Histogram({
    name: `${p}fetch_duration_seconds`,
    help: 'Time from sending a request to having its whole body (after the rate-limit wait)',
    labelNames: ['marketplace', 'kind'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const bytes = new Counter({ name: `${p}fetched_bytes_total`, help: 'Response body bytes received (as sent, compressed)', labelNames: ['marketplace', 'kind'], registers });
  const decoded = new Counter({ name: `${p}decoded_bytes_total`, help: 'Product page bytes after decompression (only up to where the data ends)', labelNames: ['marketplace'], registers });
  const reads = new Counter({ name: `${p}page_reads_total`, help: 'Product pages read, whole or stopped where their data ends', labelNames: ['marketplace', 'read'], registers });
  const captchas = new Counter({ name: `${p}captchas_total`, help: 'Robot-check pages received', labelNames: ['marketplace'], registers });
  const cooled = new Counter({ name: `${p}proxy_cooldowns_total`, help: 'Times this node put a proxy into cool-down', labelNames: ['marketplace'], registers });
  const lost = new Counter({ name: `${p}leases_lost_total`, help: 'Leases lost before all their checks were settled', labelNames: ['marketplace'], registers });
  const dropped = new Counter({ name: `${p}checks_dropped_total`, help: 'Finished checks whose results were dropped (lease lost or settled elsewhere)', labelNames: ['marketplace'], registers });
  const handed = new Counter({ name: `${p}checks_handed_back_total`, help: 'Checks handed back to the schedule unfinished', labelNames: ['marketplace', 'reason'], registers });
  const pauses = new Counter({ name: `${p}self_pauses_total`, help: 'Times the marketplace paused itself on this node (every proxy cooling)', labelNames: ['marketplace'], registers });

  const gauge = (name: string, help: string, value: (m: MarketplaceCode) => number): void => {
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ['marketplace'],
      registers,
      collect() {
        for (const m of source.marketplaces()) this.set({ marketplace: m }, value(m));
      },
    });
  };
  gauge('leases_held', 'Leases this node holds with unsettled checks', (m) => source.leasesHeld(m));
  gauge('leased_asins_held', 'Leased ASINs on this node (queued and running)', (m) => source.asinsHeld(m));
  gauge('checks_in_flight', 'Checks running now', (m) => source.checksInFlight(m));
  gauge('marketplace_self_paused', '1 while every proxy is cooling and the marketplace is paused on this node', (m) => (source.selfPaused(m) ? 1 : 0));
  new Gauge({
    name: `${p}proxies`,
    help: 'Proxies of this node by state (healthy, cooling) per marketplace',
    labelNames: ['marketplace', 'state'],
    registers,
    collect() {
      for (const m of source.marketplaces()) {
        const h = source.proxies(m);
        this.set({ marketplace: m, state: 'healthy' }, h.healthy);
        this.set({ marketplace: m, state: 'cooling' }, h.cooling);
      }
    },
  });
  // Zero series, so rates exist before the first event of a kind.
  for (const m of source.marketplaces()) {
    for (const o of CRAWL_OUTCOMES) checks.inc({ marketplace: m, outcome: o }, 0);
    for (const c of [captchas, cooled, lost, dropped, pauses, decoded]) c.inc({ marketplace: m }, 0);
  }

  return {
    check: (m, outcome) => checks.inc({ marketplace: m, outcome }),
    fetched(m, kind, seconds, n) {
      duration.observe({ marketplace: m, kind }, seconds);
      bytes.inc({ marketplace: m, kind }, n);
    },
    pageRead(m, n, stoppedEarly) {
      decoded.inc({ marketplace: m }, n);
      reads.inc({ marketplace: m, read: stoppedEarly ? 'stopped_early' : 'whole' });
    },
    captcha: (m) => captchas.inc({ marketplace: m }),
    proxyCooled: (m) => cooled.inc({ marketplace: m }),
    leaseLost: (m) => lost.inc({ marketplace: m }),
    checksDropped: (m, n) => dropped.inc({ marketplace: m }, n),
    handedBack: (m, reason, n) => handed.inc({ marketplace: m, reason }, n),
    selfPause: (m) => pauses.inc({ marketplace: m }),
  };
}
