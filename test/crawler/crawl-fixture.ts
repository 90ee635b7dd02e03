/**
 * Shared pieces of the crawler tests: proxy-chain proxies that leave from distinct loopback addresses
 * (127.0.0.2, 127.0.0.3, …, so the simulator sees one client IP per proxy), a crawler configuration
 * pointed at a simulator, and the sliding-window rate check over the simulator's request log.
 */
import http from 'node:http';
import { Server as ProxyChainServer } from 'proxy-chain';
import { type Config, type ConfigInput, type MarketplaceCode, loadConfig } from '../../config/index.js';
import type { RequestLogEntry, SimulatorHandle } from '../../simulator/index.js';

/** A proxy of the test: its URL (with credentials when it asks for them) and the address it leaves from. */
export interface LoopbackProxy {
  readonly url: string;
  readonly ip: string;
  /** Requests it forwarded. */
  readonly forwarded: () => number;
}

export interface LoopbackProxies {
  readonly proxies: readonly LoopbackProxy[];
  close(): Promise<void>;
}

/**
 * Starts `count` proxy-chain proxies on 127.0.0.1, proxy i leaving from 127.0.0.(first + i). Every
 * `authEvery`-th one requires the credentials in its URL (default every second one), so both the
 * plain and the authenticated path of the crawler's pool are used.
 */
export async function startLoopbackProxies(count: number, { first = 2, authEvery = 2 }: { first?: number; authEvery?: number } = {}): Promise<LoopbackProxies> {
  const servers: ProxyChainServer[] = [];
  const agents: http.Agent[] = [];
  const proxies: LoopbackProxy[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `127.0.0.${first + i}`;
    const auth = authEvery > 0 && i % authEvery === 1;
    const user = `u${i}`;
    const pass = `secret-${i}`;
    const agent = new http.Agent({ keepAlive: true, localAddress: ip });
    agents.push(agent);
    let forwarded = 0;
    const server = new ProxyChainServer({
      port: 0,
      host: '127.0.0.1',
      prepareRequestFunction: ({ username, password }) => {
        forwarded++;
        if (auth && (username !== user || password !== pass)) return { requestAuthentication: true };
        return { localAddress: ip, httpAgent: agent };
      },
    });
    await server.listen();
    servers.push(server);
    proxies.push({ url: auth ? `http://${user}:${pass}@127.0.0.1:${server.port}` : `http://127.0.0.1:${server.port}`, ip, forwarded: () => forwarded });
  }
  return {
    proxies,
    async close() {
      await Promise.all(servers.map((s) => s.close(true)));
      for (const a of agents) a.destroy();
    },
  };
}

export interface CrawlConfigOptions {
  redisUrl: string;
  keyPrefix: string;
  sim: SimulatorHandle;
  marketplaces: readonly MarketplaceCode[];
  proxies: readonly string[];
  /** Per-marketplace cluster-wide rate, requests/s. */
  marketplaceRate: number | Partial<Record<MarketplaceCode, number>>;
  perProxyRate: number;
  dataDir?: string;
  extra?: ConfigInput;
}

/** A configuration (as written in a config file) pointing every marketplace at the simulator. */
export function crawlConfigInput(o: CrawlConfigOptions): ConfigInput {
  const marketplaces: NonNullable<ConfigInput['marketplaces']> = {};
  for (const m of o.marketplaces) {
    const rate = typeof o.marketplaceRate === 'number' ? o.marketplaceRate : (o.marketplaceRate[m] ?? 1000);
    marketplaces[m] = { baseUrl: o.sim.urls[m]!, ratePerSec: rate };
  }
  const base: ConfigInput = {
    redis: { url: o.redisUrl, keyPrefix: o.keyPrefix },
    log: { level: 'warn' },
    marketplaces,
    crawler: {
      marketplaces: [...o.marketplaces],
      proxies: [...o.proxies],
      perProxyRatePerSec: o.perProxyRate,
      marketplaceRatePerSec: 1000,
      requestTimeoutSecs: 10,
      captchaCooldownMs: 300,
      maxCaptchaCooldownMs: 2_400,
    },
    coordinator: { leaseMs: 5_000, batchSize: 20, failureBackoffMs: 500, maxFailureBackoffMs: 2_000 },
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  };
  return merge(base, o.extra ?? {});
}

/** The validated configuration of {@link crawlConfigInput} (instance id set). */
export function crawlConfig(o: CrawlConfigOptions, instanceId: string): Config {
  return loadConfig({ env: {}, flags: merge(crawlConfigInput(o), { instanceId }) });
}

function merge<T extends object>(a: T, b: object): T {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev) ? merge(prev, v) : v;
  }
  return out as T;
}

/**
 * The most requests in any window of `windowMs` (sliding over every request time), per group.
 * Two pointers over the sorted times: for each request, the requests in [t, t + windowMs).
 */
export function maxInWindow(entries: readonly RequestLogEntry[], windowMs: number, groupOf: (e: RequestLogEntry) => string | null): Map<string, { max: number; at: number }> {
  const groups = new Map<string, number[]>();
  for (const e of entries) {
    const g = groupOf(e);
    if (g === null) continue;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(e.time);
  }
  const out = new Map<string, { max: number; at: number }>();
  for (const [g, times] of groups) {
    times.sort((a, b) => a - b);
    let best = { max: 0, at: 0 };
    let j = 0;
    for (let i = 0; i < times.length; i++) {
      while (j < times.length && times[j]! < times[i]! + windowMs) j++;
      if (j - i > best.max) best = { max: j - i, at: times[i]! };
    }
    out.set(g, best);
  }
  return out;
}

/** Requests of the log that reached a storefront (not the simulator's own endpoints). */
export function storefrontRequests(sim: SimulatorHandle): RequestLogEntry[] {
  return sim.requests().filter((e) => e.marketplace !== null);
}
