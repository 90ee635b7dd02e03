/**
 * After a batch is committed, the ingester announces which products it wrote — on the Redis pub/sub
 * channel `productsChangedChannel` (runtime/redis-keys.ts), one message per marketplace and up to
 * {@link ANNOUNCE_CHUNK} products: `<marketplace> <asin> <asin> …`. Caches of product data (the API's
 * charts and lookups) evict those products. Pub/sub delivers at most once: a listener that was
 * disconnected must drop its whole cache when it reconnects, and bound every entry's age.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MarketplaceCode } from '../../config/index.js';
import type { IngestEnvelope } from '../../contracts/index.js';

/** Products per message. */
export const ANNOUNCE_CHUNK = 5_000;

/** The distinct products whose prices or metadata `envelopes` carry. */
export function changedProducts(envelopes: readonly IngestEnvelope[]): string[] {
  const asins = new Set<string>();
  for (const e of envelopes) {
    for (const o of e.observations) asins.add(o.asin);
    for (const p of e.products) asins.add(p.asin);
  }
  return [...asins];
}

/** The messages announcing `asins` of `marketplace`. */
export function announcementMessages(marketplace: MarketplaceCode, asins: readonly string[]): string[] {
  const messages: string[] = [];
  for (let i = 0; i < asins.length; i += ANNOUNCE_CHUNK) messages.push(`${marketplace} ${asins.slice(i, i + ANNOUNCE_CHUNK).join(' ')}`);
  return messages;
}

/**
 * Publishes the announcement. A failure is logged, not retried: the batch is committed either way,
 * and listeners bound the age of what they cache.
 */
export async function announceCommitted(redis: Redis, channel: string, marketplace: MarketplaceCode, asins: readonly string[], logger: Logger): Promise<void> {
  if (asins.length === 0) return;
  try {
    for (const message of announcementMessages(marketplace, asins)) await redis.publish(channel, message);
  } catch (err) {
    logger.warn({ err, products: asins.length }, 'announcing changed products failed; caches catch up by age');
  }
}

/** Reads an announcement; undefined if `message` is not one. */
export function parseAnnouncement(message: string): { marketplace: string; asins: string[] } | undefined {
  const [marketplace, ...asins] = message.split(' ');
  if (!marketplace || asins.length === 0) return undefined;
  return { marketplace, asins };
}
