/**
 * What `dromedary start` shows in the terminal instead of silence: checks done, due, failing, and
 * what waits for ingestion, per storefront, refreshed every few seconds.
 */
import type { CoordinatorClient, MarketplaceStatus } from '../coordinator/index.js';

export interface ProgressReporterOptions {
  coordinator: CoordinatorClient;
  /** Where to write; default stderr. */
  out?: NodeJS.WriteStream;
  /** Refresh period, ms; default 2,000 on a terminal, 30,000 otherwise. */
  intervalMs?: number;
}

/** A running progress display; `close()` stops it and ends the line. Idempotent. */
export interface ProgressReporter {
  close(): void;
}

/** Starts refreshing the progress display. */
export function startProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const out = options.out ?? process.stderr;
  const tty = out.isTTY === true;
  const intervalMs = options.intervalMs ?? (tty ? 2_000 : 30_000);
  let previousOk: number | undefined;
  let previousAt = Date.now();
  let lastWidth = 0;
  let busy = false;

  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const statuses = await options.coordinator.status();
      const now = Date.now();
      const ok = sum(statuses, (s) => s.totals.ok ?? 0);
      const rate = previousOk === undefined ? undefined : ((ok - previousOk) * 60_000) / Math.max(1, now - previousAt);
      previousOk = ok;
      previousAt = now;
      const line = formatProgress(statuses, rate);
      if (tty) {
        out.write(`\r${line.padEnd(lastWidth)}`);
        lastWidth = line.length;
      } else {
        out.write(`${line}\n`);
      }
    } catch {
      // The next tick tries again; a failing status read must not stop the process.
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (tty && lastWidth > 0) out.write('\n');
    },
  };
}

/** One line: totals, then per storefront the due / failing figures. Exported for tests. */
export function formatProgress(statuses: readonly MarketplaceStatus[], checksPerMin: number | undefined): string {
  const ok = sum(statuses, (s) => s.totals.ok ?? 0);
  const failed = sum(statuses, (s) => Object.entries(s.totals).reduce((n, [k, v]) => (FAILURES.has(k) ? n + v : n), 0));
  const parts = [
    `checks ${ok} ok, ${failed} failed${checksPerMin === undefined ? '' : ` (${Math.round(checksPerMin)}/min)`}`,
    `tracked ${sum(statuses, (s) => s.scheduled)}`,
    `due ${sum(statuses, (s) => s.dueNow)}`,
    `waiting to store ${sum(statuses, (s) => s.streamLength)}`,
  ];
  const troubled = statuses.filter((s) => s.paused || s.proxies?.allCooling || s.recent.failureRate + s.recent.captchaRate + s.recent.blockedRate > 0.2);
  for (const s of troubled) {
    const why = s.paused ? 'paused' : s.proxies?.allCooling ? 'all proxies cooling' : `failing ${Math.round(100 * (1 - s.recent.successRate))}%`;
    parts.push(`${s.marketplace}: ${why}`);
  }
  return parts.join(' · ');
}

const FAILURES = new Set(['captcha', 'blocked', 'not_found', 'parse_failure', 'timeout', 'network_error', 'http_error']);

function sum(statuses: readonly MarketplaceStatus[], f: (s: MarketplaceStatus) => number): number {
  return statuses.reduce((n, s) => n + f(s), 0);
}
