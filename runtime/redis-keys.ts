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
        key: (name: string) => `${tag}:${name}`,
      });
    },
    global: (name: string) => `${prefix}:${name}`,
  });
}
