/**
 * Producers append IngestEnvelopes to a marketplace's ingestion stream, one entry per envelope in the
 * single field INGEST_ENTRY_FIELD (the coordinator's acknowledge script writes the same format). The
 * stream is never trimmed by producers: when it is longer than `maxStreamLength` (ClickHouse down,
 * ingesters behind), `append` waits until ingesters have caught up — back-pressure, not loss.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { MarketplaceCode } from '../../config/index.js';
import { INGEST_ENTRY_FIELD, type IngestEnvelope, encodeIngestEnvelope } from '../../contracts/index.js';
import type { RedisKeys } from '../../runtime/index.js';

export interface IngestProducerOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Stream length (entries) above which `append` waits (config ingest.maxStreamLength). */
  maxStreamLength: number;
  /** How often a waiting producer looks again, ms. Default 100. */
  pollMs?: number;
}

export interface IngestProducer {
  /** Appends one envelope; resolves with the entry id once it is in the stream and the stream has room again. */
  append(marketplace: MarketplaceCode, envelope: IngestEnvelope): Promise<string>;
  /** Appends an envelope already encoded with encodeIngestEnvelope (avoids encoding twice). */
  appendEncoded(marketplace: MarketplaceCode, encoded: string): Promise<string>;
  /** Resolves when the marketplace's stream is at or below the limit. */
  waitForRoom(marketplace: MarketplaceCode, signal?: AbortSignal): Promise<void>;
}

/** A producer for the ingestion streams. */
export function createIngestProducer(options: IngestProducerOptions): IngestProducer {
  const pollMs = options.pollMs ?? 100;
  const waitForRoom = async (marketplace: MarketplaceCode, signal?: AbortSignal): Promise<void> => {
    const stream = options.keys.marketplace(marketplace).ingestStream;
    while ((await options.redis.xlen(stream)) > options.maxStreamLength) {
      signal?.throwIfAborted();
      await sleep(pollMs);
    }
  };
  const appendEncoded = async (marketplace: MarketplaceCode, encoded: string): Promise<string> => {
    const stream = options.keys.marketplace(marketplace).ingestStream;
    const replies = await options.redis.multi().xadd(stream, '*', INGEST_ENTRY_FIELD, encoded).xlen(stream).exec();
    const [[addErr, id] = [null, null], [lenErr, length] = [null, 0]] = replies ?? [];
    if (addErr) throw addErr;
    if (lenErr) throw lenErr;
    if (Number(length) > options.maxStreamLength) await waitForRoom(marketplace);
    return String(id);
  };
  return {
    append: (marketplace, envelope) => appendEncoded(marketplace, encodeIngestEnvelope(envelope)),
    appendEncoded,
    waitForRoom,
  };
}
