/**
 * The coordinator's client: what crawler nodes (lease, settle, renew, hand back) and operators
 * (schedule, pause, requeue, drain, status) call. Every state change is one Lua script on the
 * marketplace's hash slot; this file turns arguments into script calls and replies into types.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { type Config, type MarketplaceCode, isAsin, isMarketplaceCode } from '../config/index.js';
import {
  FAILURE_KINDS,
  INGEST_ENTRY_FIELD,
  encodeIngestEnvelope,
  type CheckResult,
  type FailureKind,
  type IngestEnvelope,
  type LeaseBatch,
  type LeaseItem,
  type LeaseRequest,
  type LeaseResult,
  type SeriesPrices,
  type SettleResult,
} from '../contracts/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import { type CoordinatorKeys, coordinatorKeys, knownMarketplacesKey } from './coordinator-keys.js';
import { CoordinatorInputError, LeaseLostError, NotHeldError, scriptFailure } from './errors.js';
import { type MarketplaceStatus, type ProxyHealthSource, decodeStatus } from './marketplace-status.js';
import { defineCoordinatorScripts, runScript } from './redis-scripts.js';
import { type SchedulePolicy, schedulePolicy } from './schedule-policy.js';
import { decodeState, packedPrices } from './state-codec.js';
import { checksFromEnvelope, restrictEnvelope } from './envelope-checks.js';

export interface CoordinatorClientOptions {
  /** A connection the client may define scripts on; the caller closes it. */
  redis: Redis;
  /** The key builder (`redisKeys(config.redis.keyPrefix)`). */
  keys: RedisKeys;
  /** Coordinator and ingest settings (batch size, lease length, intervals, back-off, stream limit). */
  config: Config;
  /** Tuning of the rescheduling policy beyond configuration (jitter, hot tracker count, …). */
  policy?: Partial<SchedulePolicy>;
  /** Where status gets proxy health from (the crawler part plugs its pool in here); default none. */
  proxyHealth?: ProxyHealthSource;
}

/** Settle checks of one lease: acknowledged ones with their prices, failed ones with a reason. */
export interface SettleInput {
  readonly leaseId: string;
  /** The checks; default: derived from `envelope` (one per outcome, prices from the observations). */
  readonly checks?: readonly CheckResult[];
  /** Appended to the marketplace's ingestion stream as one entry when the lease holds the checks. */
  readonly envelope?: IngestEnvelope;
}

/** Acknowledge one successful check. */
export interface AckInput {
  readonly leaseId: string;
  readonly asin: string;
  /** When the page was fetched, epoch ms. */
  readonly checkedAt: number;
  readonly prices: SeriesPrices;
  readonly envelope?: IngestEnvelope;
}

/** Report one failed check. */
export interface FailInput {
  readonly leaseId: string;
  readonly asin: string;
  readonly kind: FailureKind;
  /** Usually carries the CrawlOutcome of the failure. */
  readonly envelope?: IngestEnvelope;
}

/** An ASIN to put on the schedule, optionally with a known state (rebuild). */
export interface ScheduleEntry {
  readonly asin: string;
  /** Packed state (state-codec `encodeState`); default: a fresh, never-checked product. */
  readonly state?: string;
  /** When it is due, epoch ms; default: now. */
  readonly dueAt?: number;
}

export type RenewResult = { readonly kind: 'renewed'; readonly deadline: number } | { readonly kind: 'lease_lost'; readonly reason: 'expired' | 'unknown' };
export type ReleaseResult = { readonly kind: 'released'; readonly count: number } | { readonly kind: 'lease_lost'; readonly reason: 'expired' | 'unknown' };

/** The coordinator's client; see the methods. */
export interface CoordinatorClient {
  readonly policy: SchedulePolicy;
  /** Leases a batch of due ASINs, or says why not (nothing due, paused, back-pressure, draining). */
  lease(request: LeaseRequest): Promise<LeaseResult>;
  /** Records checks of one lease (ok and failed) atomically with appending `envelope` to the stream. */
  settle(input: SettleInput): Promise<SettleResult>;
  ack(input: AckInput): Promise<SettleResult>;
  fail(input: FailInput): Promise<SettleResult>;
  /** Extends a lease still held by `leaseMs` from now (default config leaseMs). */
  renew(leaseId: string, leaseMs?: number): Promise<RenewResult>;
  /** Hands back unchecked ASINs of a lease (all when `asins` is omitted): due now, no failure counted. */
  release(leaseId: string, asins?: readonly string[]): Promise<ReleaseResult>;
  /** Returns expired leases of a marketplace to the schedule. */
  reap(marketplace: MarketplaceCode, limit?: number): Promise<{ leases: number; items: number }>;
  /** Puts ASINs on the schedule (idempotent). */
  schedule(marketplace: MarketplaceCode, entries: readonly (string | ScheduleEntry)[]): Promise<{ added: number; existing: number }>;
  /** Takes ASINs off the schedule. */
  unschedule(marketplace: MarketplaceCode, asins: readonly string[]): Promise<{ removed: number; missing: number }>;
  /** Sets tracker counts (popularity); returns the ASINs that are not scheduled. */
  setTrackerCounts(marketplace: MarketplaceCode, counts: readonly { asin: string; count: number }[]): Promise<{ updated: number; unknown: string[] }>;
  pause(marketplace: MarketplaceCode): Promise<void>;
  resume(marketplace: MarketplaceCode): Promise<void>;
  /** Makes ASINs (or every ASIN needing attention) due now. */
  requeue(marketplace: MarketplaceCode, target: readonly string[] | 'attention'): Promise<{ requeued: number; leased: number; missing: number }>;
  /** Hands back every lease of `workerId` and makes its lease calls answer `draining` (or clears that). */
  drain(workerId: string, options?: { marketplaces?: readonly MarketplaceCode[]; clear?: boolean }): Promise<{ leases: number; items: number }>;
  status(marketplaces?: readonly MarketplaceCode[]): Promise<MarketplaceStatus[]>;
  /** Marketplaces that have had anything scheduled. */
  marketplaces(): Promise<MarketplaceCode[]>;
  /** ASINs flagged as needing attention / retired. */
  attention(marketplace: MarketplaceCode): Promise<string[]>;
  retired(marketplace: MarketplaceCode): Promise<string[]>;
  /** Takes ASINs off the schedule and marks them retired (rebuild of retired catalog entries). */
  retire(marketplace: MarketplaceCode, asins: readonly string[]): Promise<void>;
  /** ASINs retired by a check that the catalog has not recorded yet (up to `max`). */
  pendingRetirements(marketplace: MarketplaceCode, max?: number): Promise<string[]>;
  /** Marks retirements as recorded in the catalog. */
  clearRetirements(marketplace: MarketplaceCode, asins: readonly string[]): Promise<void>;
  /** The scheduling state of one ASIN (null: not scheduled), with its due time (null: leased). */
  inspect(marketplace: MarketplaceCode, asin: string): Promise<(ReturnType<typeof decodeState> & { dueAt: number | null }) | null>;
}

const SCRIPT_CHUNK = 1_000;
const REAP_PER_CALL = 20;
const STATUS_WINDOW_MINUTES = 5;
const FAILURE_SET: ReadonlySet<string> = new Set(FAILURE_KINDS);

/** The marketplace a lease id belongs to (lease ids are `<marketplace>.<time>.<random>`). */
export function leaseMarketplace(leaseId: string): MarketplaceCode {
  const code = leaseId.slice(0, leaseId.indexOf('.'));
  if (!isMarketplaceCode(code)) throw new CoordinatorInputError(`malformed lease id ${JSON.stringify(leaseId.slice(0, 100))}`);
  return code;
}

/** The check id of `asin` in lease `leaseId`: unique per leased ASIN per attempt. */
export function checkIdOf(leaseId: string, asin: string): string {
  return `${leaseId}.${asin}`;
}

function newLeaseId(marketplace: MarketplaceCode): string {
  return `${marketplace}.${Date.now().toString(36)}.${randomBytes(6).toString('base64url')}`;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function validAsins(asins: readonly string[]): void {
  for (const a of asins) if (!isAsin(a)) throw new CoordinatorInputError(`not an ASIN: ${JSON.stringify(String(a).slice(0, 40))}`);
}

/** Creates the coordinator client. Nothing to close: the connection belongs to the caller. */
export function createCoordinatorClient(options: CoordinatorClientOptions): CoordinatorClient {
  const { redis, keys, config, proxyHealth } = options;
  const policy = schedulePolicy(config, options.policy);
  defineCoordinatorScripts(redis);
  const keyCache = new Map<MarketplaceCode, CoordinatorKeys>();
  const k = (m: MarketplaceCode): CoordinatorKeys => {
    let v = keyCache.get(m);
    if (!v) {
      if (!isMarketplaceCode(m)) throw new CoordinatorInputError(`unknown marketplace ${JSON.stringify(m)}`);
      v = coordinatorKeys(keys, m);
      keyCache.set(m, v);
    }
    return v;
  };
  const settleParams = [
    INGEST_ENTRY_FIELD,
    policy.minIntervalMs,
    policy.maxIntervalMs,
    policy.jitter,
    policy.hotTrackers,
    policy.volatilityAlpha,
    policy.failureBackoffMs,
    policy.maxFailureBackoffMs,
    policy.attentionAfterFailures,
    policy.blockedRetryMs,
  ] as const;

  async function lease(request: LeaseRequest): Promise<LeaseResult> {
    const { marketplace, workerId } = request;
    const max = request.max ?? config.coordinator.batchSize;
    const leaseMs = request.leaseMs ?? config.coordinator.leaseMs;
    if (!workerId || workerId.length > 200) throw new CoordinatorInputError('worker id must be 1–200 characters');
    if (!Number.isInteger(max) || max < 1) throw new CoordinatorInputError('max must be a positive integer');
    if (!Number.isInteger(leaseMs) || leaseMs < 1) throw new CoordinatorInputError('leaseMs must be a positive integer');
    const leaseId = newLeaseId(marketplace);
    const reply = await runScript(redis, 'lease', k(marketplace), [leaseId, workerId, max, leaseMs, config.ingest.maxStreamLength, REAP_PER_CALL]);
    switch (reply[0]) {
      case 1: {
        const items: LeaseItem[] = [];
        for (let i = 2; i + 1 < reply.length; i += 2) {
          const asin = String(reply[i]);
          items.push({ asin, checkId: checkIdOf(leaseId, asin), previous: decodeState(String(reply[i + 1])).previous });
        }
        const batch: LeaseBatch = { leaseId, marketplace, workerId, deadline: num(reply[1]), items };
        return { kind: 'batch', batch };
      }
      case 0:
        return { kind: 'nothing_due', nextDueAt: num(reply[1]) >= 0 ? num(reply[1]) : null };
      case 2:
        return { kind: 'paused' };
      case 3:
        return { kind: 'back_pressure', streamLength: num(reply[1]), maxStreamLength: config.ingest.maxStreamLength };
      case 4:
        return { kind: 'draining' };
      default:
        throw scriptFailure('lease', reply, leaseId);
    }
  }

  function checkArgs(checks: readonly CheckResult[]): (string | number)[] {
    const args: (string | number)[] = [checks.length];
    // One argument per check (settle.lua splits it): far fewer arguments to encode and parse.
    for (const c of checks) {
      const ok = c.outcome === 'ok';
      args.push(`${c.asin}|${c.outcome}|${ok ? c.checkedAt : 0}|${packedPrices(ok ? c.prices : undefined)}`);
    }
    return args;
  }

  function validateSettle(marketplace: MarketplaceCode, checks: readonly CheckResult[], envelope: IngestEnvelope | undefined): void {
    const seen = new Set<string>();
    for (const c of checks) {
      if (!isAsin(c.asin)) throw new CoordinatorInputError(`not an ASIN: ${JSON.stringify(String(c.asin).slice(0, 40))}`);
      if (seen.has(c.asin)) throw new CoordinatorInputError(`ASIN ${c.asin} settled twice in one call`);
      seen.add(c.asin);
      if (c.outcome === 'ok') {
        if (!Number.isSafeInteger(c.checkedAt) || c.checkedAt <= 0) throw new CoordinatorInputError(`bad checkedAt for ${c.asin}`);
        for (const v of Object.values(c.prices)) {
          if (v !== null && v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new CoordinatorInputError(`bad price for ${c.asin}`);
        }
      } else if (!FAILURE_SET.has(c.outcome)) {
        throw new CoordinatorInputError(`unknown outcome ${JSON.stringify(c.outcome)}`);
      }
    }
    if (!envelope) return;
    for (const row of [...envelope.observations, ...envelope.outcomes, ...envelope.products]) {
      if (row.marketplace !== marketplace) throw new CoordinatorInputError(`envelope row of marketplace ${row.marketplace} in a ${marketplace} lease`);
      if (!seen.has(row.asin)) throw new CoordinatorInputError(`envelope row for ${row.asin}, which is not among the settled checks`);
    }
  }

  async function settle(input: SettleInput): Promise<SettleResult> {
    const marketplace = leaseMarketplace(input.leaseId);
    let checks = input.checks ?? (input.envelope ? checksFromEnvelope(input.envelope) : []);
    let envelope = input.envelope;
    validateSettle(marketplace, checks, envelope);
    const dropped: string[] = [];
    // At most two rounds: the second settles only what the lease still holds.
    for (let round = 0; ; round++) {
      const args = [input.leaseId, envelope ? encodeIngestEnvelope(envelope) : '', ...settleParams, randomInt(2 ** 31), ...checkArgs(checks)];
      const reply = await runScript(redis, 'settle', k(marketplace), args);
      if (reply[0] === 1) {
        const id = String(reply[1]);
        return { kind: 'recorded', recorded: checks.map((c) => c.asin), dropped, streamId: id === '' ? null : id };
      }
      const err = scriptFailure('settle', reply, input.leaseId);
      if (err instanceof LeaseLostError) return { kind: 'lease_lost', reason: err.reason, dropped: [...dropped, ...checks.map((c) => c.asin)] };
      if (!(err instanceof NotHeldError) || round > 0) throw err;
      const notHeld = new Set(err.asins);
      dropped.push(...err.asins);
      checks = checks.filter((c) => !notHeld.has(c.asin));
      if (envelope) envelope = restrictEnvelope(envelope, new Set(checks.map((c) => c.asin)));
      if (checks.length === 0) return { kind: 'recorded', recorded: [], dropped, streamId: null };
    }
  }

  async function leaseCall(name: 'renew' | 'release', leaseId: string, args: (string | number)[]): Promise<unknown[] | LeaseLostError> {
    const reply = await runScript(redis, name, k(leaseMarketplace(leaseId)), [leaseId, ...args]);
    if (reply[0] === 1) return reply;
    const err = scriptFailure(name, reply, leaseId);
    if (err instanceof LeaseLostError) return err;
    throw err;
  }

  async function chunked<T>(items: readonly T[], run: (chunk: readonly T[]) => Promise<void>): Promise<void> {
    for (let i = 0; i < items.length; i += SCRIPT_CHUNK) await run(items.slice(i, i + SCRIPT_CHUNK));
  }

  async function knownMarketplaces(): Promise<MarketplaceCode[]> {
    const codes = await redis.smembers(knownMarketplacesKey(keys));
    return codes.filter(isMarketplaceCode).sort();
  }

  const client: CoordinatorClient = {
    policy,
    lease,
    settle,
    ack: ({ leaseId, asin, checkedAt, prices, envelope }) => settle({ leaseId, checks: [{ asin, outcome: 'ok', checkedAt, prices }], envelope }),
    fail: ({ leaseId, asin, kind, envelope }) => settle({ leaseId, checks: [{ asin, outcome: kind }], envelope }),

    async renew(leaseId, leaseMs = config.coordinator.leaseMs) {
      const r = await leaseCall('renew', leaseId, [leaseMs]);
      return r instanceof LeaseLostError ? { kind: 'lease_lost', reason: r.reason } : { kind: 'renewed', deadline: num(r[1]) };
    },

    async release(leaseId, asins = []) {
      validAsins(asins);
      const r = await leaseCall('release', leaseId, [...asins]);
      return r instanceof LeaseLostError ? { kind: 'lease_lost', reason: r.reason } : { kind: 'released', count: num(r[1]) };
    },

    async reap(marketplace, limit = 1_000) {
      const reply = await runScript(redis, 'reap', k(marketplace), [limit]);
      return { leases: num(reply[0]), items: num(reply[1]) };
    },

    async schedule(marketplace, entries) {
      const list = entries.map((e) => (typeof e === 'string' ? { asin: e } : e));
      validAsins(list.map((e) => e.asin));
      await redis.sadd(knownMarketplacesKey(keys), marketplace);
      let added = 0;
      let existing = 0;
      await chunked(list, async (chunk) => {
        const args = chunk.flatMap((e) => [e.asin, e.state ?? '', e.dueAt === undefined ? '' : Math.round(e.dueAt)]);
        const reply = await runScript(redis, 'schedule', k(marketplace), args);
        added += num(reply[0]);
        existing += num(reply[1]);
      });
      return { added, existing };
    },

    async unschedule(marketplace, asins) {
      validAsins(asins);
      let removed = 0;
      let missing = 0;
      await chunked(asins, async (chunk) => {
        const reply = await runScript(redis, 'unschedule', k(marketplace), chunk);
        removed += num(reply[0]);
        missing += num(reply[1]);
      });
      return { removed, missing };
    },

    async setTrackerCounts(marketplace, counts) {
      validAsins(counts.map((c) => c.asin));
      for (const c of counts) {
        if (!Number.isSafeInteger(c.count) || c.count < 0) throw new CoordinatorInputError(`bad tracker count for ${c.asin}`);
      }
      let updated = 0;
      const unknown: string[] = [];
      await chunked(counts, async (chunk) => {
        const args = [policy.minIntervalMs, policy.maxIntervalMs, policy.jitter, policy.hotTrackers, randomInt(2 ** 31), ...chunk.flatMap((c) => [c.asin, c.count])];
        const reply = await runScript(redis, 'trackers', k(marketplace), args);
        updated += num(reply[0]);
        unknown.push(...reply.slice(1).map(String));
      });
      return { updated, unknown };
    },

    async pause(marketplace) {
      await redis.sadd(knownMarketplacesKey(keys), marketplace);
      await redis.hset(k(marketplace).meta, 'paused', '1');
    },

    async resume(marketplace) {
      await redis.hdel(k(marketplace).meta, 'paused');
    },

    async requeue(marketplace, target) {
      const total = { requeued: 0, leased: 0, missing: 0 };
      const add = (reply: unknown[]): void => {
        total.requeued += num(reply[0]);
        total.leased += num(reply[1]);
        total.missing += num(reply[2]);
      };
      if (target === 'attention') {
        add(await runScript(redis, 'requeue', k(marketplace), ['attention']));
      } else {
        validAsins(target);
        await chunked(target, async (chunk) => add(await runScript(redis, 'requeue', k(marketplace), ['asins', ...chunk])));
      }
      return total;
    },

    async drain(workerId, { marketplaces, clear = false } = {}) {
      if (!workerId) throw new CoordinatorInputError('worker id is empty');
      const codes = marketplaces ?? (await knownMarketplaces());
      let leases = 0;
      let items = 0;
      for (const m of codes) {
        const reply = await runScript(redis, 'drain', k(m), [workerId, clear ? 'clear' : 'set']);
        leases += num(reply[0]);
        items += num(reply[1]);
      }
      return { leases, items };
    },

    async status(marketplaces) {
      const codes = marketplaces ?? (await knownMarketplaces());
      return Promise.all(
        codes.map(async (m) => {
          const reply = await runScript(redis, 'status', k(m), [policy.overdueAfterMs, STATUS_WINDOW_MINUTES]);
          const proxies = proxyHealth ? await proxyHealth.proxyHealth(m) : null;
          return decodeStatus(m, reply, { windowMinutes: STATUS_WINDOW_MINUTES, maxStreamLength: config.ingest.maxStreamLength, proxies });
        }),
      );
    },

    marketplaces: knownMarketplaces,
    attention: async (m) => (await redis.smembers(k(m).attention)).sort(),
    retired: async (m) => (await redis.smembers(k(m).retired)).sort(),

    async retire(marketplace, asins) {
      if (asins.length === 0) return;
      await client.unschedule(marketplace, asins);
      for (let i = 0; i < asins.length; i += SCRIPT_CHUNK) await redis.sadd(k(marketplace).retired, ...asins.slice(i, i + SCRIPT_CHUNK));
    },

    pendingRetirements: async (m, max = 1_000) => redis.srandmember(`${k(m).prefix}retiring`, max),

    async clearRetirements(m, asins) {
      for (let i = 0; i < asins.length; i += SCRIPT_CHUNK) await redis.srem(`${k(m).prefix}retiring`, ...asins.slice(i, i + SCRIPT_CHUNK));
    },

    async inspect(marketplace, asin) {
      validAsins([asin]);
      const reply = await runScript(redis, 'inspect', k(marketplace), [asin]);
      if (reply.length === 0) return null;
      const due = num(reply[1]);
      return { ...decodeState(String(reply[0])), dueAt: due >= 0 ? due : null };
    },
  };
  return client;
}
