/**
 * How often each ASIN is checked. The scripts apply it (lib.lua check_interval); this file holds its
 * parameters, from configuration plus a few tuning knobs with defaults.
 *
 *   popularity  = min(1, ln(1 + trackers) / ln(1 + hotTrackers))
 *   volatility  = share of recent checks that saw a price change (exponentially smoothed, 0..1)
 *   urgency     = max(popularity, volatility)
 *   interval    = maxIntervalMs · (minIntervalMs / maxIntervalMs) ^ urgency
 *   next check  = now + uniform[max(min, interval·(1 − jitter)), min(max, interval·(1 + jitter))]
 *
 * Failures: captcha/blocked → retry after blockedRetryMs (not the product's fault, no counting);
 * not_found → retired; any other → failureBackoffMs · 2^(n−1) capped at maxFailureBackoffMs, and
 * flagged as needing attention from the attentionAfterFailures-th consecutive failure on.
 */
import type { Config } from '../config/index.js';

export interface SchedulePolicy {
  /** Shortest interval between checks, ms (config coordinator.minIntervalMs, default 1 h). */
  readonly minIntervalMs: number;
  /** Longest interval between checks, ms (config coordinator.maxIntervalMs, default 6 h). */
  readonly maxIntervalMs: number;
  /** Random spread of the interval, fraction; default 0.05 (so the hottest land in 60–63 min). */
  readonly jitter: number;
  /** Tracker count at which a product gets the shortest interval; default 32. */
  readonly hotTrackers: number;
  /** Weight of the latest check in the volatility average, 0..1; default 0.3. */
  readonly volatilityAlpha: number;
  /** First back-off after a product failure, ms (config coordinator.failureBackoffMs). */
  readonly failureBackoffMs: number;
  /** Cap of the failure back-off, ms (config coordinator.maxFailureBackoffMs). */
  readonly maxFailureBackoffMs: number;
  /** Consecutive product failures that flag attention (config coordinator.attentionAfterFailures). */
  readonly attentionAfterFailures: number;
  /** Delay before a check that hit a robot check or block is due again, ms; default 60 s. */
  readonly blockedRetryMs: number;
  /** Lag after which a due ASIN counts as overdue in status and metrics, ms; default 5 min. */
  readonly overdueAfterMs: number;
}

/** The policy from `config`, with `overrides` on top. */
export function schedulePolicy(config: Config, overrides: Partial<SchedulePolicy> = {}): SchedulePolicy {
  const c = config.coordinator;
  return Object.freeze({
    minIntervalMs: c.minIntervalMs,
    maxIntervalMs: Math.max(c.maxIntervalMs, c.minIntervalMs),
    jitter: 0.05,
    hotTrackers: 32,
    volatilityAlpha: 0.3,
    failureBackoffMs: c.failureBackoffMs,
    maxFailureBackoffMs: c.maxFailureBackoffMs,
    attentionAfterFailures: c.attentionAfterFailures,
    blockedRetryMs: 60_000,
    overdueAfterMs: 300_000,
    ...overrides,
  });
}
