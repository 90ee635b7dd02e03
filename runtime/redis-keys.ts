/**
 * Every Redis key Dromedary uses comes from here. Keys one Lua script touches together share a hash
 * tag (`{…}`) so the same code runs on Redis Cluster. Everything about one marketplace — its schedule,
 * leases, last prices and its ingestion stream — shares the tag `{prefix:m:<code>}`: the script that
 * acknowledges a leased check can then verify the lease and append the results to the stream in one
 * atomic step.
 */
import type { MarketplaceCode } from '../config/index.js';

export interface RedisKeys {
  readonly prefix: string;
  /** Keys of one marketplace (one hash slot per marketplace). */
  marketplace(code: MarketplaceCode): MarketplaceKeys;
  /** A key outside any marketplace (cluster-wide state such as API rate limits): `prefix:<name>`. */
  global(name: string): string;
  /** Hash: the proxy registry managed by `dromedary admin proxies` (proxy id → proxy URL). */
  readonly proxyRegistry: string;
  /** Hash: proxies crawler nodes use from their own configuration (proxy id → JSON: redacted URL, last seen). */
  readonly proxiesInUse: string;
  /** Keys of the alerts part (one hash slot: its scripts touch several of them together). */
  readonly alerts: AlertsKeys;
  /**
   * Pub/sub channel: after each committed ingest batch the ingester publishes the products whose
   * prices or metadata it wrote (`<marketplace> <asin> <asin> …`); caches of product data evict them.
   */
  readonly productsChangedChannel: string;
  /** Keys of the API. */
  readonly api: ApiKeys;
}

/** The API's keys. Each is touched alone (no multi-key script), so none needs a shared hash tag. */
export interface ApiKeys {
  /** String: the cached lookup of a token by its SHA-256 (`<user id> <token id> <scope>`, or `-` for revoked/unknown). */
  token(tokenHash: string): string;
  /** Prefix of the per-client rate-limit counters (`<prefix><client>`, one key per client and window). */
  readonly rateLimitPrefix: string;
}

/**
 * The alerts part's keys, all under the hash tag `{prefix:alerts}`. Everything here is rebuildable
 * from ClickHouse (the alerts table and the alerter cursors); Redis only makes delivery fast.
 */
export interface AlertsKeys {
  readonly tag: string;
  /** Sorted set: delivery (alert_id) → when it is due, ms. */
  readonly due: string;
  /** Sorted set: delivery being sent → the deadline of its sender's claim, ms. */
  readonly inflight: string;
  /** Sorted set per marketplace: deliveries ever queued → ingest_seq of their trigger (replays skip them). */
  known(marketplace: MarketplaceCode): string;
  /** String: the alerter instance that judges a marketplace's changes (a lease with a TTL). */
  detector(marketplace: MarketplaceCode): string;
  /** String: held while a marketplace's changes or a tracking's rules are being judged (short lease). */
  judging(marketplace: MarketplaceCode): string;
}

export interface MarketplaceKeys {
  /** The hash tag shared by every key of this marketplace. */
  readonly tag: string;
  /** The ingestion stream of this marketplace: IngestEnvelope entries (see contracts/ingest-envelope). */
  readonly ingestStream: string;
  /** Ingestion entries set aside as invalid or undeliverable, with the reason. */
  readonly ingestDeadLetter: string;
  /** Hash: per ingester consumer, the batch it is inserting (entry ids, dedup token, sequence). */
  readonly ingestInFlight: string;
  /** Counter: the last ingest batch sequence number handed out in this marketplace. */
  readonly ingestSeq: string;
  /** Sorted set: batch sequence numbers committed (or abandoned) above the watermark. */
  readonly ingestCommitted: string;
  /** String: the committed low watermark (every sequence number up to it is committed or abandoned). */
  readonly ingestWatermark: string;
  /** Hash: proxy id → `coolingUntil|strikes` of proxies cooling down after robot checks in this storefront. */
  readonly proxyCooling: string;
  /** Hash: crawler node id → epoch ms until which that node paused this marketplace itself (every proxy cooling). */
  readonly crawlerPaused: string;
  /**
   * The id of a cluster-wide rate limiter of this marketplace (`market`, or `proxy:<proxy id>`). The limiter
   * library derives its own key names from it (`b_<id>_settings`, …); the id carries the tag, so they
   * all share this marketplace's slot.
   */
  rateLimiterId(name: string): string;
  /** Join a further name onto this marketplace's tag (parts add their own keys this way). */
  key(name: string): string;
}

/** The key builder for installation prefix `prefix` (config `redis.keyPrefix`). */
export function redisKeys(prefix: string): RedisKeys {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`invalid Redis key prefix ${JSON.stringify(prefix)}`);
  return Object.freeze({
    prefix,
    marketplace(code: MarketplaceCode): MarketplaceKeys {
      const tag = `{${prefix}:m:${code}}`;
      return Object.freeze({
        tag,
        ingestStream: `${tag}:ingest`,
        ingestDeadLetter: `${tag}:ingest:dead`,
        ingestInFlight: `${tag}:ingest:inflight`,
        ingestSeq: `${tag}:ingest:seq`,
        ingestCommitted: `${tag}:ingest:committed`,
        ingestWatermark: `${tag}:ingest:watermark`,
        proxyCooling: `${tag}:proxy-cooling`,
        crawlerPaused: `${tag}:crawler-paused`,
        rateLimiterId: (name: string) => `${tag}:rl:${name}`,
        key: (name: string) => `${tag}:${name}`,
      });
    },
    global: (name: string) => `${prefix}:${name}`,
    proxyRegistry: `${prefix}:proxies`,
    proxiesInUse: `${prefix}:proxies:in-use`,
    alerts: alertsKeys(`{${prefix}:alerts}`),
    productsChangedChannel: `${prefix}:products-changed`,
    api: Object.freeze({
      token: (tokenHash: string) => `${prefix}:api:token:${tokenHash}`,
      rateLimitPrefix: `${prefix}:api:rl:`,
    }),
  });
}

function alertsKeys(tag: string): AlertsKeys {
  return Object.freeze({
    tag,
    due: `${tag}:due`,
    inflight: `${tag}:inflight`,
    known: (code: MarketplaceCode) => `${tag}:known:${code}`,
    detector: (code: MarketplaceCode) => `${tag}:detector:${code}`,
    judging: (code: MarketplaceCode) => `${tag}:judging:${code}`,
  });
}
