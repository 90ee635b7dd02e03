/**
 * The delivery queue in Redis: due deliveries (sorted by due time), claims in flight (with deadlines,
 * so a dead sender's claims come back), and per marketplace the deliveries ever queued (so a replayed
 * detection batch queues nothing twice). Redis only makes delivery fast: ClickHouse's alerts table is
 * the record, and its pending rows are put back (reconciled) when Redis lost them. Every multi-key step
 * is one Lua script beside this file. Also the short leases the alerter uses (see lease-release.lua).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MarketplaceCode } from '../config/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import { BusyError } from './errors.js';

const SCRIPTS = {
  enqueue: 'queue-enqueue.lua',
  claim: 'queue-claim.lua',
  finish: 'queue-finish.lua',
  lease: 'lease-release.lua',
} as const;
type ScriptName = keyof typeof SCRIPTS;
const PREFIX = 'dromAlerts_';
type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

let sources: Record<ScriptName, string> | undefined;

function defineScripts(redis: Redis): void {
  sources ??= Object.fromEntries(
    Object.entries(SCRIPTS).map(([name, file]) => [name, readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')]),
  ) as Record<ScriptName, string>;
  const commands = redis as unknown as Record<string, unknown>;
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    if (typeof commands[PREFIX + name] === 'function') continue;
    redis.defineCommand(PREFIX + name, { numberOfKeys: { enqueue: 3, claim: 2, finish: 2, lease: 1 }[name], lua: sources[name] });
  }
}

async function run(redis: Redis, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  const fn = (redis as unknown as Record<string, ScriptFn | undefined>)[PREFIX + name];
  if (!fn) throw new Error(`alerts scripts are not defined on this connection (${name})`);
  return fn.call(redis, ...keys, ...args);
}

/** One delivery to queue. */
export interface QueueItem {
  alertId: string;
  /** The trigger's ingest_seq (or the watermark when a tracking's rules were set). */
  ingestSeq: number;
  /** When it is due, epoch ms. */
  dueAt: number;
}

/** The queue's operations. */
export interface DeliveryQueue {
  /** Queues deliveries not queued before (per marketplace); returns how many were queued. */
  enqueue(marketplace: MarketplaceCode, items: readonly QueueItem[]): Promise<number>;
  /** Claims up to `max` due deliveries for `claimMs`; expired claims of others come back first. */
  claim(max: number, claimMs: number, now?: number): Promise<{ ids: string[]; returned: number }>;
  /** Ends a claim: finished (recorded), or to be retried at `retryAt`. False if the claim had expired. */
  finish(alertId: string, retryAt?: number): Promise<boolean>;
  /** Forgets known deliveries whose trigger is at or below the durable cursor (no replay reaches them). */
  prune(marketplace: MarketplaceCode, upToSeq: number): Promise<void>;
  /** Deliveries due or in flight. */
  size(): Promise<{ due: number; inflight: number }>;
}

/** The delivery queue on `redis` (defines its scripts on that connection). */
export function createDeliveryQueue(redis: Redis, keys: RedisKeys): DeliveryQueue {
  defineScripts(redis);
  const k = keys.alerts;
  return {
    async enqueue(marketplace, items) {
      let queued = 0;
      for (let i = 0; i < items.length; i += 500) {
        const args = items.slice(i, i + 500).flatMap((it) => [it.alertId, it.ingestSeq, Math.round(it.dueAt)]);
        queued += Number(await run(redis, 'enqueue', [k.due, k.inflight, k.known(marketplace)], args));
      }
      return queued;
    },
    async claim(max, claimMs, now = Date.now()) {
      const reply = (await run(redis, 'claim', [k.due, k.inflight], [Math.round(now), max, claimMs])) as (string | number)[];
      return { returned: Number(reply[0] ?? 0), ids: reply.slice(1).map(String) };
    },
    async finish(alertId, retryAt) {
      const reply = Number(await run(redis, 'finish', [k.due, k.inflight], [alertId, retryAt === undefined ? '' : Math.round(retryAt)]));
      return reply === 1;
    },
    async prune(marketplace, upToSeq) {
      await redis.zremrangebyscore(k.known(marketplace), '-inf', upToSeq);
    },
    async size() {
      const [due, inflight] = await Promise.all([redis.zcard(k.due), redis.zcard(k.inflight)]);
      return { due, inflight };
    },
  };
}

/** A lease held under one key by one owner: taken with SET NX PX, renewed and released by the owner only. */
export interface KeyLease {
  readonly owner: string;
  /** Takes the lease if free (or already ours); true when held. */
  tryAcquire(): Promise<boolean>;
  /** Waits up to `waitMs` for the lease; throws BusyError when it stays taken. */
  acquire(waitMs: number): Promise<void>;
  /** Extends a lease we hold; false when it was lost. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** A lease of `leaseMs` on `key`. */
export function keyLease(redis: Redis, key: string, leaseMs: number, owner = randomBytes(8).toString('hex')): KeyLease {
  defineScripts(redis);
  const lease: KeyLease = {
    owner,
    async tryAcquire() {
      if ((await redis.set(key, owner, 'PX', leaseMs, 'NX')) === 'OK') return true;
      return Number(await run(redis, 'lease', [key], [owner, leaseMs])) === 1;
    },
    async acquire(waitMs) {
      const deadline = Date.now() + waitMs;
      for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
        if (await lease.tryAcquire()) return;
        if (Date.now() > deadline) throw new BusyError('prices of this marketplace are being judged right now; try again shortly');
        await sleep(delay);
      }
    },
    async renew() {
      return Number(await run(redis, 'lease', [key], [owner, leaseMs])) === 1;
    },
    async release() {
      await run(redis, 'lease', [key], [owner, 'release']);
    },
  };
  return lease;
}
