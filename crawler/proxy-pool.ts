/**
 * A crawler node's proxies: the configured ones (`crawler.proxies`) plus the cluster registry
 * (`dromedary admin proxies add`), or the node's own address ("direct") when there are none.
 * Upstreams with credentials or SOCKS are fronted by a local proxy-chain server (Chromium cannot
 * authenticate to a SOCKS proxy, and got-scraping speaks only HTTP(S) proxies). Cooling after robot
 * checks is per (proxy, marketplace) and shared through Redis with exponential back-off.
 */
import { Server as ProxyChainServer } from 'proxy-chain';
import type { Logger } from 'pino';
import type { Config, MarketplaceCode } from '../config/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import { DIRECT_PROXY_ID, type ProxySpec, parseProxyUrl, redactCredentialsInText } from './proxy-url.js';
import { type ProxyScripts, parseCooling, proxyScripts } from './proxy-scripts.js';
import { registeredProxies, reportProxiesInUse } from './proxy-registry.js';

/** A proxy a session can be bound to. */
export interface PooledProxy {
  readonly id: string;
  /** The URL the crawler sends through (a local proxy-chain server for credentialed/SOCKS upstreams); null: direct. */
  readonly fetchUrl: string | null;
  /** For people and logs: the upstream with its password masked. */
  readonly label: string;
}

/** Health of one marketplace's proxies on this node. */
export interface PoolHealth {
  readonly healthy: number;
  readonly cooling: number;
  /** When the first cooling proxy is usable again (local clock, epoch ms); null when none cools. */
  readonly nextClearAt: number | null;
}

export interface ProxyPoolOptions {
  /** Used for the registry, cooling state and the proxies-in-use record; the caller closes it. */
  redis: Redis;
  keys: RedisKeys;
  config: Pick<Config, 'crawler'>;
  /** This node's id (recorded with the proxies it uses). */
  nodeId: string;
  /** Marketplaces whose cooling state is followed. */
  marketplaces: readonly MarketplaceCode[];
  logger: Logger;
  /** How often the registry is re-read and the proxies in use reported, ms; default 5,000. */
  registryRefreshMs?: number;
  /** How often the cluster's cooling state is re-read, ms; default 500. */
  coolingRefreshMs?: number;
  /** Called after a proxy was cooled (by this node) — for metrics. */
  onCooled?: (marketplace: MarketplaceCode, proxyId: string, untilMs: number) => void;
}

/** The pool; see {@link createProxyPool}. */
export interface ProxyPool {
  /** Loads the proxies, starts local servers and the refresh loops. */
  start(): Promise<void>;
  /** Proxies usable in `marketplace` now, the least used first (`usage` counts sessions bound to each). */
  pick(marketplace: MarketplaceCode, usage?: (id: string) => number): PooledProxy | null;
  get(id: string): PooledProxy | undefined;
  /** The proxy exists and is not cooling in `marketplace`. */
  usable(id: string, marketplace: MarketplaceCode): boolean;
  /** A robot check came through `id` in `marketplace`: cool it (shared through Redis). */
  cool(id: string, marketplace: MarketplaceCode): Promise<void>;
  /** Another node cooled `id` in `marketplace` until `untilRedisMs` (Redis clock): note it now. */
  observeCooling(id: string, marketplace: MarketplaceCode, untilRedisMs: number): void;
  /**
   * A real page came through `id`, for a request sent at `sentAt` (local clock, epoch ms): its strikes
   * are forgotten if the request left after its last cool-down (cheap: only when it had any).
   */
  succeeded(id: string, marketplace: MarketplaceCode, sentAt: number): Promise<void>;
  health(marketplace: MarketplaceCode): PoolHealth;
  /** Every proxy of the pool (ids and labels only). */
  list(): PooledProxy[];
  /** Stops the loops and closes local proxy servers. Idempotent. */
  close(): Promise<void>;
}

interface Entry extends PooledProxy {
  readonly spec: ProxySpec | null;
  server?: ProxyChainServer;
}

interface Cooling {
  /** Local clock, epoch ms. */
  until: number;
  strikes: number;
}

/** Creates a node's proxy pool (call `start()`). */
export function createProxyPool(options: ProxyPoolOptions): ProxyPool {
  const { redis, keys, config, nodeId, logger, marketplaces } = options;
  const log = logger.child({ component: 'proxy-pool' });
  const scripts: ProxyScripts = proxyScripts(redis);
  const entries = new Map<string, Entry>();
  const cooling = new Map<MarketplaceCode, Map<string, Cooling>>(marketplaces.map((m) => [m, new Map()]));
  /** Redis clock minus local clock, ms: cooling times are written in the Redis clock. */
  let clockOffset = 0;
  let roundRobin = 0;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const configured = config.crawler.proxies.map(parseProxyUrl);

  async function addEntry(spec: ProxySpec | null): Promise<void> {
    if (!spec) {
      entries.set(DIRECT_PROXY_ID, { id: DIRECT_PROXY_ID, fetchUrl: null, label: 'direct', spec: null });
      return;
    }
    if (!spec.needsLocalServer) {
      entries.set(spec.id, { id: spec.id, fetchUrl: spec.url, label: spec.label, spec });
      return;
    }
    const upstream = spec.url;
    const server = new ProxyChainServer({
      port: 0,
      host: '127.0.0.1',
      prepareRequestFunction: () => ({ requestAuthentication: false, upstreamProxyUrl: upstream }),
    });
    server.on('requestFailed', ({ error }: { error: Error }) => {
      log.debug({ proxy: spec.id, err: redactCredentialsInText(error.message) }, 'local proxy request failed');
    });
    await server.listen();
    entries.set(spec.id, { id: spec.id, fetchUrl: `http://127.0.0.1:${server.port}`, label: spec.label, spec, server });
  }

  async function removeEntry(id: string): Promise<void> {
    const e = entries.get(id);
    entries.delete(id);
    await e?.server?.close(true);
  }

  async function refreshRegistry(): Promise<void> {
    const registry = await registeredProxies(redis, keys);
    const wanted = new Map<string, ProxySpec>();
    for (const p of [...configured, ...registry]) wanted.set(p.id, p);
    for (const [id, spec] of wanted) if (!entries.has(id)) await addEntry(spec);
    for (const id of [...entries.keys()]) {
      if (id === DIRECT_PROXY_ID ? wanted.size > 0 : !wanted.has(id)) {
        await removeEntry(id);
        log.info({ proxy: id }, 'proxy removed from the pool');
      }
    }
    if (entries.size === 0) await addEntry(null);
    const own = configured.length > 0 ? configured : wanted.size === 0 ? [{ id: DIRECT_PROXY_ID, label: 'direct' }] : [];
    await reportProxiesInUse(redis, keys, nodeId, own);
  }

  async function refreshCooling(): Promise<void> {
    const [s, us] = await redis.time();
    clockOffset = Number(s) * 1000 + Math.floor(Number(us) / 1000) - Date.now();
    for (const m of marketplaces) {
      const raw = await redis.hgetall(keys.marketplace(m).proxyCooling);
      const map = new Map<string, Cooling>();
      for (const [id, value] of Object.entries(raw)) {
        const c = parseCooling(value);
        map.set(id, { until: c.until - clockOffset, strikes: c.strikes });
      }
      cooling.set(m, map);
    }
  }

  function loop(everyMs: number, step: () => Promise<void>, what: string): void {
    const schedule = (): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        step()
          .catch((err: unknown) => log.warn({ err, step: what }, 'proxy pool refresh failed'))
          .finally(() => {
            if (!closed) schedule();
          });
      }, everyMs).unref();
      timers.add(timer);
    };
    schedule();
  }

  const coolingOf = (m: MarketplaceCode, id: string): Cooling | undefined => cooling.get(m)?.get(id);
  const isCooling = (m: MarketplaceCode, id: string, now = Date.now()): boolean => (coolingOf(m, id)?.until ?? 0) > now;

  return {
    async start() {
      await refreshRegistry();
      await refreshCooling();
      loop(options.registryRefreshMs ?? 5_000, refreshRegistry, 'registry');
      loop(options.coolingRefreshMs ?? 500, refreshCooling, 'cooling');
      log.info({ proxies: [...entries.values()].map((e) => e.label) }, 'proxy pool ready');
    },

    pick(marketplace, usage) {
      const now = Date.now();
      const usable = [...entries.values()].filter((e) => !isCooling(marketplace, e.id, now));
      if (usable.length === 0) return null;
      if (usage) {
        let best = usable[0]!;
        let bestUse = usage(best.id);
        // Rotate the starting point so ties spread over the proxies.
        const start = roundRobin++ % usable.length;
        for (let i = 0; i < usable.length; i++) {
          const e = usable[(start + i) % usable.length]!;
          const u = usage(e.id);
          if (u < bestUse) {
            best = e;
            bestUse = u;
          }
        }
        return best;
      }
      return usable[roundRobin++ % usable.length]!;
    },

    get: (id) => entries.get(id),

    usable: (id, marketplace) => entries.has(id) && !isCooling(marketplace, id),

    async cool(id, marketplace) {
      const r = await scripts.cool(keys.marketplace(marketplace).proxyCooling, id, config.crawler.captchaCooldownMs, config.crawler.maxCaptchaCooldownMs);
      clockOffset = r.serverNow - Date.now();
      cooling.get(marketplace)?.set(id, { until: r.until - clockOffset, strikes: r.strikes });
      if (r.changed) {
        log.info({ proxy: id, marketplace, strikes: r.strikes, cooldownMs: r.until - r.serverNow }, 'proxy cooling down after a robot check');
        options.onCooled?.(marketplace, id, r.until - clockOffset);
      }
    },

    observeCooling(id, marketplace, untilRedisMs) {
      const c = coolingOf(marketplace, id);
      cooling.get(marketplace)?.set(id, { until: untilRedisMs - clockOffset, strikes: c?.strikes ?? 1 });
    },

    async succeeded(id, marketplace, sentAt) {
      const c = coolingOf(marketplace, id);
      if (!c || c.until > Date.now() || sentAt <= c.until) return;
      if (await scripts.clear(keys.marketplace(marketplace).proxyCooling, id, sentAt + clockOffset)) cooling.get(marketplace)?.delete(id);
    },

    health(marketplace) {
      const now = Date.now();
      let coolingCount = 0;
      let nextClearAt: number | null = null;
      for (const e of entries.values()) {
        const c = coolingOf(marketplace, e.id);
        if (c && c.until > now) {
          coolingCount++;
          nextClearAt = nextClearAt === null ? c.until : Math.min(nextClearAt, c.until);
        }
      }
      return { healthy: entries.size - coolingCount, cooling: coolingCount, nextClearAt };
    },

    list: () => [...entries.values()].map(({ id, fetchUrl, label }) => ({ id, fetchUrl, label })),

    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...entries.values()].map(async (e) => e.server?.close(true)));
    },
  };
}
