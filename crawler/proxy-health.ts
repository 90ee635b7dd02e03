/**
 * Proxy health per marketplace as the cluster sees it, read from Redis: what `dromedary admin status`
 * shows (plugged into the coordinator client as its `ProxyHealthSource`).
 */
import type { MarketplaceCode } from '../config/index.js';
import type { ProxyHealth, ProxyHealthSource } from '../coordinator/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import { parseCooling } from './proxy-scripts.js';
import { IN_USE_TTL_MS, redisNow, registeredProxies } from './proxy-registry.js';

/** A `ProxyHealthSource` reading the registry, the proxies nodes report and the cooling state from Redis. */
export function createProxyHealthSource({ redis, keys }: { redis: Redis; keys: RedisKeys }): ProxyHealthSource {
  return {
    async proxyHealth(marketplace: MarketplaceCode): Promise<ProxyHealth> {
      const mk = keys.marketplace(marketplace);
      const [registry, inUse, cooling, paused, now] = await Promise.all([
        registeredProxies(redis, keys),
        redis.hgetall(keys.proxiesInUse),
        redis.hgetall(mk.proxyCooling),
        redis.hgetall(mk.crawlerPaused),
        redisNow(redis),
      ]);
      const known = new Set(registry.map((p) => p.id));
      for (const [id, json] of Object.entries(inUse)) {
        const lastSeen = Number((JSON.parse(json) as { lastSeen?: unknown }).lastSeen);
        if (Number.isFinite(lastSeen) && Date.now() - lastSeen <= IN_USE_TTL_MS) known.add(id);
      }
      let coolingCount = 0;
      for (const [id, raw] of Object.entries(cooling)) if (known.has(id) && parseCooling(raw).until > now) coolingCount++;
      const nodePaused = Object.values(paused).some((until) => Number(until) > now);
      const healthy = known.size - coolingCount;
      return { healthy, cooling: coolingCount, allCooling: nodePaused || (known.size > 0 && healthy === 0) };
    },
  };
}
