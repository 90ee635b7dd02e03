/**
 * The cluster's proxy registry in Redis, managed with `dromedary admin proxies add|remove|list`
 * (crawler nodes pick changes up within seconds), and the record of proxies nodes use from their own
 * configuration, so that `list` and `admin status` see every proxy of the cluster.
 */
import { z } from 'zod';
import type { MarketplaceCode } from '../config/index.js';
import type { Redis, RedisKeys } from '../runtime/index.js';
import { DIRECT_PROXY_ID, ProxyInputError, type ProxySpec, parseProxyUrl } from './proxy-url.js';
import { parseCooling } from './proxy-scripts.js';

/** How long a node's report of a configured proxy counts as current, ms. */
export const IN_USE_TTL_MS = 120_000;

const inUseSchema = z.object({ label: z.string(), lastSeen: z.number(), node: z.string() });
type InUse = z.infer<typeof inUseSchema>;

/** Where the cluster knows a proxy from. */
export type ProxySource = 'registry' | 'config' | 'direct';

/** One proxy as `admin proxies list` shows it. */
export interface ProxyListing {
  readonly id: string;
  /** The URL with its password masked ("direct" for a node's own address). */
  readonly label: string;
  readonly source: ProxySource;
  /** Per marketplace in which it is cooling: until when (epoch ms) and its strikes. */
  readonly cooling: Readonly<Partial<Record<MarketplaceCode, { until: number; strikes: number }>>>;
}

/** Adds a proxy to the registry; `added` is false when it was there already. */
export async function addProxy(redis: Redis, keys: RedisKeys, url: string): Promise<{ id: string; label: string; added: boolean }> {
  const spec = parseProxyUrl(url);
  const added = (await redis.hsetnx(keys.proxyRegistry, spec.id, spec.url)) === 1;
  return { id: spec.id, label: spec.label, added };
}

/** Removes a proxy (by id or URL) from the registry; `removed` is false when it was not there. */
export async function removeProxy(redis: Redis, keys: RedisKeys, idOrUrl: string): Promise<{ id: string; removed: boolean }> {
  const text = idOrUrl.trim();
  const id = /^p[0-9a-f]{12}$/.test(text) ? text : parseProxyUrl(text).id;
  if (id === DIRECT_PROXY_ID) throw new ProxyInputError('"direct" is not a registered proxy');
  const removed = (await redis.hdel(keys.proxyRegistry, id)) === 1;
  return { id, removed };
}

/** The proxies in the registry (with credentials: for crawler nodes, never for output). */
export async function registeredProxies(redis: Redis, keys: RedisKeys): Promise<ProxySpec[]> {
  const all = await redis.hgetall(keys.proxyRegistry);
  const out: ProxySpec[] = [];
  for (const url of Object.values(all)) {
    try {
      out.push(parseProxyUrl(url));
    } catch {
      // A malformed entry (written by hand) is skipped rather than stopping every node.
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Records that node `node` uses these configured proxies now (or fetches directly: `direct`). */
export async function reportProxiesInUse(redis: Redis, keys: RedisKeys, node: string, proxies: readonly { id: string; label: string }[]): Promise<void> {
  if (proxies.length === 0) return;
  const now = Date.now();
  const fields: string[] = [];
  for (const p of proxies) fields.push(p.id, JSON.stringify({ label: p.label, lastSeen: now, node } satisfies InUse));
  await redis.hset(keys.proxiesInUse, ...fields);
}

async function inUseProxies(redis: Redis, keys: RedisKeys): Promise<Map<string, InUse>> {
  const raw = await redis.hgetall(keys.proxiesInUse);
  const now = Date.now();
  const out = new Map<string, InUse>();
  const stale: string[] = [];
  for (const [id, json] of Object.entries(raw)) {
    let v: InUse | undefined;
    try {
      v = inUseSchema.parse(JSON.parse(json));
    } catch {
      v = undefined;
    }
    if (!v || now - v.lastSeen > IN_USE_TTL_MS) stale.push(id);
    else out.set(id, v);
  }
  if (stale.length > 0) await redis.hdel(keys.proxiesInUse, ...stale);
  return out;
}

/** Every proxy the cluster knows (registry and nodes' own configuration), with cooling state in `marketplaces`. */
export async function listProxies(redis: Redis, keys: RedisKeys, marketplaces: readonly MarketplaceCode[]): Promise<ProxyListing[]> {
  const [registry, inUse] = await Promise.all([registeredProxies(redis, keys), inUseProxies(redis, keys)]);
  const byId = new Map<string, { label: string; source: ProxySource }>();
  for (const p of registry) byId.set(p.id, { label: p.label, source: 'registry' });
  for (const [id, v] of inUse) if (!byId.has(id)) byId.set(id, { label: v.label, source: id === DIRECT_PROXY_ID ? 'direct' : 'config' });
  const now = await redisNow(redis);
  const cooling = new Map<string, Partial<Record<MarketplaceCode, { until: number; strikes: number }>>>();
  for (const m of marketplaces) {
    for (const [id, raw] of Object.entries(await redis.hgetall(keys.marketplace(m).proxyCooling))) {
      const c = parseCooling(raw);
      if (c.until <= now) continue;
      let entry = cooling.get(id);
      if (!entry) cooling.set(id, (entry = {}));
      entry[m] = c;
    }
  }
  return [...byId.entries()]
    .map(([id, v]) => ({ id, label: v.label, source: v.source, cooling: cooling.get(id) ?? {} }))
    .sort((a, b) => (a.label < b.label ? -1 : 1));
}

/** The Redis server's clock, epoch ms. */
export async function redisNow(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}
