/**
 * The committed low watermark of a marketplace's ingestion: the highest batch sequence number such
 * that every batch numbered at or below it is committed (inserted) or abandoned. A reader of
 * price_changes (or any table carrying ingest_seq) that reads `ingest_seq <= watermark` past its
 * cursor never skips a batch that a slower ingester commits later. Sequence numbers are per
 * marketplace: keep one cursor per marketplace.
 */
import type { Redis } from 'ioredis';
import type { MarketplaceCode } from '../../config/index.js';
import type { RedisKeys } from '../../runtime/index.js';

/** The committed low watermark of `marketplace` (0 before the first batch). */
export async function committedWatermark(redis: Redis, keys: RedisKeys, marketplace: MarketplaceCode): Promise<number> {
  return Number((await redis.get(keys.marketplace(marketplace).ingestWatermark)) ?? 0);
}

/** The committed low watermarks of several marketplaces. */
export async function committedWatermarks(
  redis: Redis,
  keys: RedisKeys,
  marketplaces: readonly MarketplaceCode[],
): Promise<Partial<Record<MarketplaceCode, number>>> {
  // One GET per marketplace (their keys live in different hash slots), pipelined.
  const pipeline = redis.pipeline();
  for (const m of marketplaces) pipeline.get(keys.marketplace(m).ingestWatermark);
  const replies = (await pipeline.exec()) ?? [];
  return Object.fromEntries(
    marketplaces.map((m, i) => {
      const [err, value] = replies[i] ?? [null, null];
      if (err) throw err;
      return [m, Number(value ?? 0)];
    }),
  );
}
