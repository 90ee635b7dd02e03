/**
 * The coordinator's Redis keys of one marketplace. All share the marketplace's hash tag (built by
 * runtime/redis-keys.ts), so each Lua script touches one slot. The scripts also build four key
 * families from `prefix` (see lib.lua): state buckets `s:<n>`, wheel slot lists `w:<second>`, lease sets
 * `lease:<id>` and per-minute counters `st:<minute>`.
 */
import type { MarketplaceCode } from '../config/index.js';
import type { RedisKeys } from '../runtime/index.js';

/** The keys of one marketplace, in the order every coordinator script receives them as KEYS. */
export interface CoordinatorKeys {
  readonly marketplace: MarketplaceCode;
  /** Prefix the scripts join further names onto: `{<prefix>:m:<code>}:`. */
  readonly prefix: string;
  /**
   * The schedule's timing wheel index: sorted set of the seconds (epoch s) whose slot list `w:<second>`
   * holds ASINs; the lists hold every scheduled ASIN that is not leased (see lib.lua).
   */
  readonly wheel: string;
  /** Sorted set lease id → deadline (epoch ms). */
  readonly leases: string;
  /** Hash lease id → worker id. */
  readonly leaseWorker: string;
  /** Hash: paused flag, product and leased counts, cumulative counters `n:<what>`. */
  readonly meta: string;
  /** Set of ASINs needing attention (repeated product failures). */
  readonly attention: string;
  /** Set of retired ASINs (Amazon no longer has them). */
  readonly retired: string;
  /** Hash worker id → time it was told to drain (epoch ms). */
  readonly drain: string;
  /** The marketplace's ingestion stream. */
  readonly stream: string;
  /** KEYS as the scripts take them. */
  readonly scriptKeys: readonly string[];
}

/** Number of KEYS every coordinator script takes. */
export const SCRIPT_KEY_COUNT = 8;

/** The coordinator keys of marketplace `code`. */
export function coordinatorKeys(keys: RedisKeys, code: MarketplaceCode): CoordinatorKeys {
  const mk = keys.marketplace(code);
  const k = {
    marketplace: code,
    prefix: mk.key(''),
    wheel: mk.key('wheel'),
    leases: mk.key('leases'),
    leaseWorker: mk.key('lease-worker'),
    meta: mk.key('meta'),
    attention: mk.key('attention'),
    retired: mk.key('retired'),
    drain: mk.key('drain'),
    stream: mk.ingestStream,
  };
  return Object.freeze({
    ...k,
    scriptKeys: Object.freeze([k.wheel, k.leases, k.leaseWorker, k.meta, k.attention, k.retired, k.drain, k.stream]),
  });
}

/** Set of marketplace codes that have ever had an ASIN scheduled (what the reaper and status walk). */
export function knownMarketplacesKey(keys: RedisKeys): string {
  return keys.global('coord:marketplaces');
}
