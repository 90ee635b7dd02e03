/** The status of one marketplace's schedule, as `dromedary admin status` and the metrics show it. */
import { CRAWL_OUTCOMES, type CrawlOutcomeKind } from '../contracts/index.js';
import type { MarketplaceCode } from '../config/index.js';
import { CoordinatorScriptError } from './errors.js';

/**
 * Proxy health of a marketplace. The crawler's proxy pool supplies it through
 * {@link ProxyHealthSource}; without one, status reports `proxies: null`.
 */
export interface ProxyHealth {
  /** Proxies usable for this marketplace now. */
  readonly healthy: number;
  /** Proxies cooling down after a robot check or block. */
  readonly cooling: number;
  /** True when every proxy is cooling and the marketplace paused itself. */
  readonly allCooling: boolean;
}

/** The extension point through which the crawler part adds proxy health to status. */
export interface ProxyHealthSource {
  proxyHealth(marketplace: MarketplaceCode): Promise<ProxyHealth>;
}

/** Checks settled in the recent window. */
export interface RecentChecks {
  /** Length of the window, minutes (full minutes plus the running one). */
  readonly windowMinutes: number;
  readonly checksPerMin: number;
  readonly byOutcome: Readonly<Record<CrawlOutcomeKind, number>>;
  /** Shares of all settled checks in the window, 0..1 (0 when there were none). */
  readonly successRate: number;
  readonly captchaRate: number;
  readonly blockedRate: number;
  /** Product failures (everything but ok, captcha and blocked). */
  readonly failureRate: number;
}

export interface MarketplaceStatus {
  readonly marketplace: MarketplaceCode;
  /** Redis server time of the snapshot, epoch ms. */
  readonly at: number;
  readonly paused: boolean;
  /** ASINs tracked: waiting on the schedule plus leased. */
  readonly scheduled: number;
  /** ASINs on the schedule waiting (not leased). */
  readonly waiting: number;
  readonly dueNow: number;
  /** Due for longer than the policy's overdueAfterMs. */
  readonly overdue: number;
  /** How long the oldest due ASIN has waited, ms (0 when nothing is due). */
  readonly oldestLagMs: number;
  /** When the next ASIN falls due, epoch ms (null: none waiting). */
  readonly nextDueAt: number | null;
  readonly leases: number;
  readonly leasedItems: number;
  readonly drainingWorkers: number;
  readonly attention: number;
  readonly retired: number;
  readonly streamLength: number;
  readonly maxStreamLength: number;
  readonly recent: RecentChecks;
  /** Cumulative counters since the schedule was created: leased, expired_leases, expired_items, and checks by outcome. */
  readonly totals: Readonly<Record<string, number>>;
  /** Proxy health, from the crawler part's {@link ProxyHealthSource}; null when none is plugged in. */
  readonly proxies: ProxyHealth | null;
}

const asNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** Decodes status.lua's reply. */
export function decodeStatus(
  marketplace: MarketplaceCode,
  reply: readonly unknown[],
  { windowMinutes, maxStreamLength, proxies }: { windowMinutes: number; maxStreamLength: number; proxies: ProxyHealth | null },
): MarketplaceStatus {
  const [now, waiting, dueNow, overdue, oldest, leases, draining, attention, retired, streamLength, metaRaw, countersRaw] = reply;
  if (!Array.isArray(metaRaw) || !Array.isArray(countersRaw)) throw new CoordinatorScriptError('status', reply);
  const at = asNumber(now);
  const meta: Record<string, string> = {};
  for (let i = 0; i + 1 < metaRaw.length; i += 2) meta[String(metaRaw[i])] = String(metaRaw[i + 1]);
  const totals: Record<string, number> = {};
  for (const [k, v] of Object.entries(meta)) if (k.startsWith('n:')) totals[k.slice(2)] = Number(v);

  const byOutcome = Object.fromEntries(CRAWL_OUTCOMES.map((o) => [o, 0])) as Record<CrawlOutcomeKind, number>;
  for (let i = 0; i + 2 < countersRaw.length; i += 3) {
    const outcome = String(countersRaw[i + 1]) as CrawlOutcomeKind;
    if (outcome in byOutcome) byOutcome[outcome] += asNumber(countersRaw[i + 2]);
  }
  const total = Object.values(byOutcome).reduce((a, b) => a + b, 0);
  const elapsedMin = windowMinutes + (at % 60_000) / 60_000;
  const share = (n: number): number => (total === 0 ? 0 : n / total);
  const oldestDue = asNumber(oldest);
  const leasedItems = Number(meta.leased ?? '0');
  return {
    marketplace,
    at,
    paused: meta.paused === '1',
    scheduled: asNumber(waiting) + leasedItems,
    waiting: asNumber(waiting),
    dueNow: asNumber(dueNow),
    overdue: asNumber(overdue),
    oldestLagMs: oldestDue >= 0 && oldestDue <= at ? at - oldestDue : 0,
    nextDueAt: oldestDue >= 0 ? oldestDue : null,
    leases: asNumber(leases),
    leasedItems,
    drainingWorkers: asNumber(draining),
    attention: asNumber(attention),
    retired: asNumber(retired),
    streamLength: asNumber(streamLength),
    maxStreamLength,
    recent: {
      windowMinutes: Math.round(elapsedMin * 100) / 100,
      checksPerMin: Math.round((total / elapsedMin) * 100) / 100,
      byOutcome,
      successRate: share(byOutcome.ok),
      captchaRate: share(byOutcome.captcha),
      blockedRate: share(byOutcome.blocked),
      failureRate: share(total - byOutcome.ok - byOutcome.captcha - byOutcome.blocked),
    },
    totals,
    proxies,
  };
}
