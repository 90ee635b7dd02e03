/**
 * Results of finished checks wait here for a few milliseconds and go to the coordinator together:
 * one settle call (one Lua script, one ingestion stream entry) per lease per flush instead of one per
 * check — a stream entry carrying several checks costs far less than one per check. A crash loses at
 * most the results of one flush interval; their leases expire and the checks are made again.
 */
import type { Logger } from 'pino';
import type { CheckResult, CrawlOutcome, IngestEnvelope, PriceObservation, ProductMetadata } from '../contracts/index.js';
import { INGEST_ENVELOPE_VERSION } from '../contracts/index.js';
import type { CoordinatorClient } from '../coordinator/index.js';

/** The result of one check, ready to settle. */
export interface SettleEntry {
  readonly check: CheckResult;
  readonly outcome: CrawlOutcome;
  readonly observations: readonly PriceObservation[];
  readonly product: ProductMetadata | null;
}

/** What became of a flushed entry. */
export type SettleFate = 'recorded' | 'dropped' | 'lease_lost';

export interface SettleBufferOptions {
  coordinator: CoordinatorClient;
  logger: Logger;
  /** Longest wait of a result before it is sent, ms; default 50. */
  flushMs?: number;
  /** A lease's results are sent at once when this many are waiting; default 25. */
  maxChecks?: number;
  /** Called once per entry after its settle answered. */
  onSettled: (leaseId: string, entry: SettleEntry, fate: SettleFate) => void;
}

/** See the module comment. */
export interface SettleBuffer {
  add(leaseId: string, entry: SettleEntry): void;
  /** Sends everything waiting and resolves when every settle so far has answered. */
  flush(): Promise<void>;
  /** Entries waiting or being sent. */
  readonly pending: number;
  close(): Promise<void>;
}

export function createSettleBuffer(options: SettleBufferOptions): SettleBuffer {
  const { coordinator, onSettled } = options;
  const log = options.logger.child({ component: 'settle' });
  const flushMs = options.flushMs ?? 50;
  const maxChecks = options.maxChecks ?? 25;
  let waiting = new Map<string, SettleEntry[]>();
  let timer: NodeJS.Timeout | undefined;
  let pending = 0;
  const inFlight = new Set<Promise<void>>();

  async function send(leaseId: string, entries: SettleEntry[]): Promise<void> {
    const envelope: IngestEnvelope = {
      v: INGEST_ENVELOPE_VERSION,
      observations: entries.flatMap((e) => e.observations),
      outcomes: entries.map((e) => e.outcome),
      products: entries.flatMap((e) => (e.product ? [e.product] : [])),
    };
    // Transient Redis trouble is retried here (ioredis also queues while reconnecting); a refusal is a bug.
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await coordinator.settle({ leaseId, checks: entries.map((e) => e.check), envelope });
        if (r.kind === 'lease_lost') {
          for (const e of entries) onSettled(leaseId, e, 'lease_lost');
        } else {
          const dropped = new Set(r.dropped);
          for (const e of entries) onSettled(leaseId, e, dropped.has(e.check.asin) ? 'dropped' : 'recorded');
        }
        return;
      } catch (err) {
        if ((err as Error).name === 'CoordinatorInputError' || attempt >= 5) {
          log.error({ err, leaseId, checks: entries.length }, 'settle refused: results dropped (their lease will expire)');
          for (const e of entries) onSettled(leaseId, e, 'dropped');
          return;
        }
        log.warn({ err, leaseId, attempt }, 'settle failed: retrying');
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  function launch(leaseId: string, entries: SettleEntry[]): void {
    const p = send(leaseId, entries).finally(() => {
      pending -= entries.length;
      inFlight.delete(p);
    });
    inFlight.add(p);
  }

  function flushNow(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = waiting;
    waiting = new Map();
    for (const [leaseId, entries] of batch) launch(leaseId, entries);
  }

  return {
    add(leaseId, entry) {
      pending++;
      let list = waiting.get(leaseId);
      if (!list) waiting.set(leaseId, (list = []));
      list.push(entry);
      if (list.length >= maxChecks) {
        waiting.delete(leaseId);
        launch(leaseId, list);
      } else {
        timer ??= setTimeout(flushNow, flushMs);
      }
    },
    async flush() {
      flushNow();
      await Promise.all([...inFlight]);
    },
    get pending() {
      return pending;
    },
    async close() {
      flushNow();
      await Promise.all([...inFlight]);
    },
  };
}
