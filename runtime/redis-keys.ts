/**
 * Every Redis key Dromedary uses comes from here. Keys one Lua script touches together share a hash
 * tag (`{…}`) so the same code runs on Redis Cluster: per-marketplace schedule keys share
 * `{prefix:m:<code>}`, the ingestion stream and its side keys share `{prefix:ingest}`.
 */
import type { MarketplaceCode } from '../config/index.js';

export interface RedisKeys {
  readonly prefix: string;
  /** The ingestion stream and its companions (one hash slot). */
  readonly ingest: {
    /** The stream of check results (IngestEnvelope entries). */
    readonly stream: string;
    /** Entries set aside as invalid or undeliverable, with the reason. */
    readonly deadLetter: string;
    /** Hash: per ingester consumer, the batch it is inserting (ids and dedup token). */
    readonly inFlight: string;
  };
  /** Keys of one marketplace's schedule (one hash slot per marketplace). */
  marketplace(code: MarketplaceCode): MarketplaceKeys;
}

export interface MarketplaceKeys {
  /** The hash tag shared by every key of this marketplace. */
  readonly tag: string;
  /** Join a further name onto this marketplace's tag (parts add their own keys this way). */
  key(name: string): string;
}

/** The key builder for installation prefix `prefix` (config `redis.keyPrefix`). */
export function redisKeys(prefix: string): RedisKeys {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`invalid Redis key prefix ${JSON.stringify(prefix)}`);
  const ingestTag = `{${prefix}:ingest}`;
  return Object.freeze({
    prefix,
    ingest: Object.freeze({
      stream: `${ingestTag}:stream`,
      deadLetter: `${ingestTag}:dead`,
      inFlight: `${ingestTag}:inflight`,
    }),
    marketplace(code: MarketplaceCode): MarketplaceKeys {
      const tag = `{${prefix}:m:${code}}`;
      return Object.freeze({ tag, key: (name: string) => `${tag}:${name}` });
    },
  });
}
