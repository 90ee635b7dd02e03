/**
 * Keeps the product cache honest: subscribes to the channel on which ingesters (and the API's own
 * history import) announce the products whose prices they committed, and evicts them. Pub/sub is
 * at-most-once, so after the subscription is lost and regained (a Redis restart, a network cut) the
 * whole cache is dropped: whatever was announced meanwhile is unknown. Entries also expire by age.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { parseAnnouncement } from '../../storage/index.js';
import { ProductCache } from './product-cache.js';

export interface InvalidationListenerOptions {
  /** A connection this listener may put in subscriber mode (it is closed by {@link InvalidationListener.close}). */
  subscriber: Redis;
  channel: string;
  cache: ProductCache;
  logger: Logger;
}

/** The running subscription. */
export interface InvalidationListener {
  /** Resolves once subscribed. */
  start(): Promise<void>;
  /** Unsubscribes and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/** Creates the listener; call start(). */
export function createInvalidationListener(options: InvalidationListenerOptions): InvalidationListener {
  const { subscriber, channel, cache } = options;
  const log = options.logger.child({ component: 'cache-invalidation' });
  let subscribedOnce = false;
  let closing: Promise<void> | undefined;
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const announced = parseAnnouncement(message);
    if (!announced) return;
    for (const asin of announced.asins) cache.invalidate(ProductCache.productKey(announced.marketplace, asin));
  });
  // ioredis re-subscribes by itself after a reconnect; what was published in between is lost.
  subscriber.on('ready', () => {
    if (!subscribedOnce) return;
    log.warn('cache invalidation channel reconnected; dropping the cache');
    cache.clear();
  });
  subscriber.on('error', (err: Error) => log.debug({ err }, 'cache invalidation connection error'));
  return {
    async start() {
      await subscriber.subscribe(channel);
      subscribedOnce = true;
    },
    close() {
      closing ??= (async () => {
        try {
          await subscriber.quit();
        } catch {
          subscriber.disconnect();
        }
      })();
      return closing;
    },
  };
}
