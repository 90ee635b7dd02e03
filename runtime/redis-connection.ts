/** ioredis connections, configured the same way everywhere. Whoever creates one closes it. */
import { Redis, type RedisOptions } from 'ioredis';

export { Redis } from 'ioredis';

export interface ConnectRedisOptions {
  url: string;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
  /** Extra ioredis options. */
  options?: RedisOptions;
}

/**
 * Opens a Redis connection. RESP2 is pinned: ioredis 6 defaults to RESP3, whose map and set replies
 * change what scripts and libraries that parse raw replies receive.
 */
export function connectRedis({ url, name, options }: ConnectRedisOptions): Redis {
  return new Redis(url, {
    protocol: 2,
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    // Back off up to 2 s between reconnects; never give up (a Redis restart must not kill a worker).
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    ...options,
  });
}

/** Closes a connection, waiting for pending replies; never throws. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
