/**
 * A Crawlee request manager (Crawlee ≥ 3.15 `requestManager`) fed by the coordinator instead of a
 * local queue: it leases batches of due ASINs of one marketplace, hands them to the crawler one
 * Request per leased ASIN (uniqueKey = the check id, unique per attempt, so no "already handled"
 * trap), keeps at most `maxHeld` leased ASINs on this node (queued + running), refills as checks
 * finish, renews leases while work is slow, and hands unstarted ASINs back when it stops or the
 * marketplace pauses itself. Nothing is kept on disk; memory is bounded by `maxHeld`.
 */
import type { Dictionary, IRequestManager, RequestQueueOperationInfo, Source } from '@crawlee/core';
import { Request } from '@crawlee/core';
import type { Logger } from 'pino';
import type { MarketplaceCode } from '../config/index.js';
import type { LeaseItem, PreviousPrices } from '../contracts/index.js';
import type { CoordinatorClient } from '../coordinator/index.js';

/** What travels with each Request (its `userData`). */
export interface CheckData extends Dictionary {
  readonly marketplace: MarketplaceCode;
  readonly leaseId: string;
  readonly asin: string;
  readonly checkId: string;
  readonly previous: PreviousPrices;
  /** When the check was handed to the crawler, epoch ms. */
  startedAt: number;
  /** Response bytes fetched so far by this check (every attempt). */
  bytes: number;
}

/** Whether the manager may lease now, and if not until when to wait. */
export type LeaseGate = { readonly open: true } | { readonly open: false; readonly retryAt: number; readonly reason: 'paused' | 'stopping' };

export interface LeaseRequestManagerOptions {
  marketplace: MarketplaceCode;
  coordinator: CoordinatorClient;
  workerId: string;
  /** Most leased ASINs held at once (queued + running). */
  maxHeld: number;
  /** ASINs per lease call at most; default config coordinator.batchSize. */
  batchSize: number;
  /** Lease length asked for, ms. */
  leaseMs: number;
  /** The URL of a product page. */
  productUrl: (asin: string) => string;
  /** Asked before every lease call. */
  gate: () => LeaseGate;
  logger: Logger;
  /** Longest sleep between polls when nothing is due / paused / back-pressure, ms; default 1,000. */
  pollMs?: number;
  /** The coordinator said this worker is draining: stop leasing (the node shuts down). */
  onDraining?: () => void;
  /** A lease was lost (expired before renewal, reaped, drained). */
  onLeaseLost?: (leaseId: string, unsettled: number) => void;
}

interface LeaseState {
  readonly leaseId: string;
  deadline: number;
  /** ASINs of the lease not yet settled or handed back. */
  readonly open: Set<string>;
  lost: boolean;
}

/** The manager; Crawlee calls the {@link IRequestManager} methods, the node calls the rest. */
export class LeaseRequestManager implements IRequestManager {
  readonly marketplace: MarketplaceCode;
  private readonly options: LeaseRequestManagerOptions;
  private readonly log: Logger;
  private readonly queue: Request<CheckData>[] = [];
  private readonly running = new Set<string>();
  private readonly leases = new Map<string, LeaseState>();
  private handled = 0;
  private total = 0;
  private refilling: Promise<void> | undefined;
  private notBefore = 0;
  private stopped = false;
  private closed = false;
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private draining = false;

  constructor(options: LeaseRequestManagerOptions) {
    this.options = options;
    this.marketplace = options.marketplace;
    this.log = options.logger.child({ component: 'lease-manager', marketplace: options.marketplace });
  }

  /** Starts renewing leases (a third of the lease length, at most every 10 s). */
  start(): void {
    const every = Math.max(50, Math.min(10_000, Math.floor(this.options.leaseMs / 3)));
    const tick = (): void => {
      this.renewing = this.renewAll()
        .catch((err: unknown) => this.log.warn({ err }, 'lease renewal failed'))
        .finally(() => {
          this.renewing = undefined;
          if (!this.closed) this.renewTimer = setTimeout(tick, every).unref();
        });
    };
    this.renewTimer = setTimeout(tick, every).unref();
  }

  /** Leased ASINs on this node: queued plus running. */
  get held(): number {
    return this.queue.length + this.running.size;
  }

  get inProgress(): number {
    return this.running.size;
  }

  get leaseCount(): number {
    return this.leases.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The lease of a check was lost: its results would be dropped. */
  isLost(leaseId: string): boolean {
    const l = this.leases.get(leaseId);
    return l === undefined || l.lost;
  }

  // ── IRequestManager ───────────────────────────────────────────────────────────────────────

  isFinished(): Promise<boolean> {
    return Promise.resolve(this.stopped && this.held === 0);
  }

  isEmpty(): Promise<boolean> {
    this.maybeRefill();
    return Promise.resolve(this.queue.length === 0);
  }

  handledCount(): Promise<number> {
    return Promise.resolve(this.handled);
  }

  getTotalCount(): number {
    return this.total;
  }

  getPendingCount(): number {
    return this.queue.length;
  }

  fetchNextRequest<T extends Dictionary = Dictionary>(): Promise<Request<T> | null> {
    for (;;) {
      const next = this.queue.shift();
      this.maybeRefill();
      if (!next) return Promise.resolve(null);
      if (this.isLost(next.userData.leaseId)) continue;
      this.running.add(next.uniqueKey);
      next.userData.startedAt ||= Date.now();
      return Promise.resolve(next as unknown as Request<T>);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Request> {
    for (;;) {
      const r = await this.fetchNextRequest();
      if (!r) return;
      yield r;
    }
  }

  markRequestHandled(request: Request): Promise<RequestQueueOperationInfo | null> {
    this.running.delete(request.uniqueKey);
    this.handled++;
    this.maybeRefill();
    return Promise.resolve(operationInfo(request, false));
  }

  reclaimRequest(request: Request): Promise<RequestQueueOperationInfo | null> {
    this.running.delete(request.uniqueKey);
    if (!this.isLost((request.userData as CheckData).leaseId)) this.queue.unshift(request as Request<CheckData>);
    return Promise.resolve(operationInfo(request, true));
  }

  addRequest(_request: Source): Promise<RequestQueueOperationInfo> {
    return Promise.reject(new Error('the lease request manager takes work only from the coordinator'));
  }

  addRequestsBatched(): Promise<never> {
    return Promise.reject(new Error('the lease request manager takes work only from the coordinator'));
  }

  // ── bookkeeping called by the node ───────────────────────────────────────────────────────

  /** Checks of `leaseId` were settled (recorded or dropped) or handed back. */
  settled(leaseId: string, asins: readonly string[]): void {
    const l = this.leases.get(leaseId);
    if (!l) return;
    for (const a of asins) l.open.delete(a);
    if (l.open.size === 0) this.leases.delete(leaseId);
  }

  /** The coordinator answered `lease_lost` for `leaseId`: forget its queued checks. */
  leaseLost(leaseId: string): void {
    const l = this.leases.get(leaseId);
    if (!l || l.lost) return;
    l.lost = true;
    const before = this.queue.length;
    this.dropQueued((r) => r.userData.leaseId === leaseId);
    this.options.onLeaseLost?.(leaseId, l.open.size);
    this.log.warn({ leaseId, unsettled: l.open.size, queuedDropped: before - this.queue.length }, 'lease lost');
    this.leases.delete(leaseId);
  }

  /** Hands unstarted checks back to the schedule (due now, no failure counted). */
  async handBackQueued(reason: string): Promise<number> {
    const taken = this.dropQueued(() => true);
    return this.release(taken, reason);
  }

  /** Hands one check back (it could not run here); Crawlee then marks it handled. */
  async handBack(request: Request, reason: string): Promise<void> {
    await this.release([request as Request<CheckData>], reason);
  }

  /** Stops leasing; queued checks are handed back. Running ones finish through the crawler (leases keep being renewed). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.refilling;
    await this.handBackQueued('stopping');
  }

  /** After the crawler stopped and results were flushed: stops renewing and hands back whatever is still open. */
  async closeLeases(): Promise<void> {
    this.closed = true;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    await this.renewing;
    for (const l of [...this.leases.values()]) {
      if (l.lost || l.open.size === 0) continue;
      try {
        await this.options.coordinator.release(l.leaseId, [...l.open]);
      } catch (err) {
        this.log.warn({ err, leaseId: l.leaseId }, 'hand-back at close failed; the lease will expire');
      }
    }
    this.leases.clear();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private dropQueued(match: (r: Request<CheckData>) => boolean): Request<CheckData>[] {
    const taken: Request<CheckData>[] = [];
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const r = this.queue[i]!;
      if (match(r)) {
        taken.push(r);
        this.queue.splice(i, 1);
      }
    }
    return taken;
  }

  private async release(requests: readonly Request<CheckData>[], reason: string): Promise<number> {
    const byLease = new Map<string, string[]>();
    for (const r of requests) {
      const list = byLease.get(r.userData.leaseId) ?? [];
      list.push(r.userData.asin);
      byLease.set(r.userData.leaseId, list);
    }
    let count = 0;
    for (const [leaseId, asins] of byLease) {
      if (this.isLost(leaseId)) continue;
      try {
        const r = await this.options.coordinator.release(leaseId, asins);
        if (r.kind === 'released') count += r.count;
        else this.leaseLost(leaseId);
      } catch (err) {
        this.log.warn({ err, leaseId }, 'hand-back failed; the lease will expire');
      }
      this.settled(leaseId, asins);
    }
    if (count > 0) this.log.info({ asins: count, reason }, 'checks handed back');
    return count;
  }

  private maybeRefill(): void {
    if (this.refilling || this.stopped || this.draining) return;
    if (this.held > Math.floor(this.options.maxHeld / 2)) return;
    if (Date.now() < this.notBefore) return;
    this.refilling = this.refill()
      .catch((err: unknown) => {
        this.log.warn({ err }, 'leasing failed');
        this.notBefore = Date.now() + (this.options.pollMs ?? 1_000);
      })
      .finally(() => {
        this.refilling = undefined;
      });
  }

  private async refill(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1_000;
    while (!this.stopped && !this.draining && this.held < this.options.maxHeld) {
      const gate = this.options.gate();
      if (!gate.open) {
        this.notBefore = Math.min(gate.retryAt, Date.now() + pollMs);
        return;
      }
      const max = Math.min(this.options.batchSize, this.options.maxHeld - this.held);
      const r = await this.options.coordinator.lease({ marketplace: this.marketplace, workerId: this.options.workerId, max, leaseMs: this.options.leaseMs });
      switch (r.kind) {
        case 'batch': {
          if (this.stopped) {
            await this.options.coordinator.release(r.batch.leaseId);
            return;
          }
          this.accept(r.batch.leaseId, r.batch.deadline, r.batch.items);
          if (r.batch.items.length < max) {
            // Less was due than asked for: don't ask again at once.
            this.notBefore = Date.now() + Math.min(pollMs, 250);
            return;
          }
          break;
        }
        case 'nothing_due':
          this.notBefore = Math.min(Date.now() + pollMs, r.nextDueAt ?? Number.MAX_SAFE_INTEGER);
          return;
        case 'paused':
          this.notBefore = Date.now() + pollMs;
          return;
        case 'back_pressure':
          this.notBefore = Date.now() + pollMs;
          this.log.debug({ streamLength: r.streamLength }, 'ingestion stream full: waiting');
          return;
        case 'draining':
          this.draining = true;
          this.log.info('told to drain: no more leases');
          this.options.onDraining?.();
          return;
      }
    }
  }

  private accept(leaseId: string, deadline: number, items: readonly LeaseItem[]): void {
    if (items.length === 0) return;
    this.leases.set(leaseId, { leaseId, deadline, open: new Set(items.map((i) => i.asin)), lost: false });
    for (const item of items) {
      const data: CheckData = {
        marketplace: this.marketplace,
        leaseId,
        asin: item.asin,
        checkId: item.checkId,
        previous: item.previous,
        startedAt: 0,
        bytes: 0,
      };
      this.queue.push(new Request<CheckData>({ url: this.options.productUrl(item.asin), uniqueKey: item.checkId, userData: data }));
    }
    this.total += items.length;
  }

  private async renewAll(): Promise<void> {
    for (const l of [...this.leases.values()]) {
      if (l.lost || l.open.size === 0) continue;
      const r = await this.options.coordinator.renew(l.leaseId, this.options.leaseMs);
      if (r.kind === 'renewed') l.deadline = r.deadline;
      else this.leaseLost(l.leaseId);
    }
  }
}

function operationInfo(request: Request, forefront: boolean): RequestQueueOperationInfo {
  return { requestId: request.id ?? request.uniqueKey, uniqueKey: request.uniqueKey, wasAlreadyHandled: false, wasAlreadyPresent: true, forefront };
}
