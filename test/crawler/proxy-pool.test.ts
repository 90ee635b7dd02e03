/**
 * The proxy pool and registry against a real Redis and real proxy-chain proxies: cooling shared by
 * nodes with exponential back-off, the registry managed with `dromedary admin proxies`, credentialed
 * upstreams behind a local proxy-chain server, and `admin status` showing proxy health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gotScraping } from 'got-scraping';
import { type Config, loadConfig } from '../../config/index.js';
import { createCoordinatorClient } from '../../coordinator/index.js';
import { type ProxyPool, addProxy, createProxyHealthSource, createProxyPool, parseProxyUrl, registeredProxies } from '../../crawler/index.js';
import { type Redis, redisKeys, silentLogger } from '../../runtime/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { type LoopbackProxies, startLoopbackProxies } from './crawl-fixture.js';

let redis: TestRedis;
let commands: Redis;
let proxies: LoopbackProxies;
let sim: SimulatorHandle;
const pools: ProxyPool[] = [];

function config(extra: { proxies?: string[]; cooldown?: [number, number] } = {}): Config {
  const [first, max] = extra.cooldown ?? [200, 800];
  return loadConfig({
    env: {},
    flags: {
      redis: { url: redis.url, keyPrefix: redis.keyPrefix },
      marketplaces: { us: { baseUrl: sim.urls.us! } },
      crawler: { proxies: extra.proxies ?? [], captchaCooldownMs: first, maxCaptchaCooldownMs: max },
    },
  });
}

async function pool(nodeId: string, cfg: Config): Promise<ProxyPool> {
  const p = createProxyPool({ redis: commands, keys: redisKeys(redis.keyPrefix), config: cfg, nodeId, marketplaces: ['us', 'de'], logger: silentLogger(), registryRefreshMs: 100, coolingRefreshMs: 50 });
  await p.start();
  pools.push(p);
  return p;
}

const env = (): NodeJS.ProcessEnv => ({ REDIS_URL: redis.url, DROMEDARY_REDIS_PREFIX: redis.keyPrefix, LOG_LEVEL: 'warn', DROMEDARY_BASE_URL_US: sim.urls.us! });

beforeAll(async () => {
  redis = await startTestRedis();
  commands = redis.client();
  proxies = await startLoopbackProxies(3);
  sim = await startSimulator({ seed: 51, products: 4, marketplaces: ['us'], pageBytes: 20_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await sim.close();
  await proxies.close();
  await redis.stop();
});

describe('the proxy pool', () => {
  it('cools a proxy in one storefront for every node, doubling the cool-down per episode up to the cap, and clears it after a later success', async () => {
    const url = proxies.proxies[0]!.url;
    const id = parseProxyUrl(url).id;
    const a = await pool('node-a', config({ proxies: [url, proxies.proxies[2]!.url] }));
    const b = await pool('node-b', config({ proxies: [url, proxies.proxies[2]!.url] }));
    const cooling = redisKeys(redis.keyPrefix).marketplace('us').proxyCooling;
    const episode = async (): Promise<number> => {
      const t = Date.now();
      await a.cool(id, 'us');
      // A robot check of a request that was already in flight does not add a strike.
      await b.cool(id, 'us');
      await waitFor('node b sees the cool-down', () => !b.usable(id, 'us'), { timeoutMs: 2_000, intervalMs: 10 });
      expect(b.usable(id, 'de'), 'other storefronts are not affected').toBe(true);
      expect(b.health('us')).toMatchObject({ healthy: 1, cooling: 1 });
      await waitFor('the cool-down ends', () => a.usable(id, 'us') && b.usable(id, 'us'), { timeoutMs: 5_000, intervalMs: 10 });
      return Date.now() - t;
    };
    const lengths = [await episode(), await episode(), await episode(), await episode()];
    expect(lengths[0]).toBeGreaterThanOrEqual(190);
    expect(lengths[1]).toBeGreaterThanOrEqual(390);
    expect(lengths[2]).toBeGreaterThanOrEqual(790);
    expect(lengths[3]!, 'capped at the longest cool-down').toBeLessThan(1_400);
    expect((await commands.hget(cooling, id))?.split('|')[1]).toBe('4');
    // A success of a request sent before the last cool-down ended says nothing about the proxy now.
    await a.succeeded(id, 'us', Date.now() - 2_000);
    expect(await commands.hget(cooling, id)).not.toBeNull();
    await a.succeeded(id, 'us', Date.now());
    expect(await commands.hget(cooling, id)).toBeNull();
  });

  it('picks up proxies added to and removed from the registry while it runs', async () => {
    const p = await pool('node-c', config());
    expect(p.list().map((e) => e.id)).toEqual(['direct']);
    const url = proxies.proxies[1]!.url;
    const add = await runCli(['admin', 'proxies', 'add', url, '--json'], { env: env() });
    expect(add.code, add.stderr).toBe(0);
    const { id } = parseProxyUrl(url);
    await waitFor('the pool uses the registered proxy', () => p.list().some((e) => e.id === id), { timeoutMs: 5_000 });
    expect(p.list().map((e) => e.id), 'no direct fetching once proxies exist').toEqual([id]);
    const rm = await runCli(['admin', 'proxies', 'remove', id], { env: env() });
    expect(rm.code, rm.stderr).toBe(0);
    await waitFor('the pool dropped it', () => p.list().every((e) => e.id !== id), { timeoutMs: 5_000 });
  });

  it('reaches a credentialed upstream through a local proxy-chain server that needs no credentials', async () => {
    const upstream = proxies.proxies[1]!;
    expect(upstream.url).toMatch(/\/\/u1:secret-1@/);
    const p = await pool('node-d', config({ proxies: [upstream.url] }));
    const [entry] = p.list();
    expect(entry!.fetchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(entry!.label).not.toContain('secret');
    const asin = sim.catalogue('us')[0]!.asin;
    const res = await gotScraping({ url: `${sim.urls.us}/dp/${asin}`, proxyUrl: entry!.fetchUrl!, retry: { limit: 0 } });
    expect(res.statusCode).toBe(200);
    expect(sim.requests({ limit: 1 })[0]!.ip, 'left from the upstream proxy address').toBe(upstream.ip);
  });
});

describe('dromedary admin proxies', () => {
  it('adds, lists (credentials masked, with cooling), tests and removes proxies; refuses bad URLs without changing anything', async () => {
    const [plain, secret] = [proxies.proxies[0]!.url, proxies.proxies[1]!.url];
    const bad = await runCli(['admin', 'proxies', 'add', plain, 'ftp://nope:21'], { env: env() });
    expect(bad.code).toBe(64);
    expect(await registeredProxies(commands, redisKeys(redis.keyPrefix)), 'nothing written').toEqual([]);
    expect((await runCli(['admin', 'proxies', 'add', plain, secret], { env: env() })).code).toBe(0);
    expect((await addProxy(commands, redisKeys(redis.keyPrefix), plain)).added, 'adding twice changes nothing').toBe(false);
    const [s] = await commands.time();
    await commands.hset(redisKeys(redis.keyPrefix).marketplace('us').proxyCooling, parseProxyUrl(secret).id, `${(Number(s) + 30) * 1000}|2`);
    const list = await runCli(['admin', 'proxies', 'list', '--json'], { env: env() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain('secret-1');
    const listed = JSON.parse(list.stdout) as { proxies: { id: string; label: string; source: string; cooling: Record<string, { strikes: number }> }[] };
    const registered = listed.proxies.filter((p) => p.source === 'registry');
    expect(registered.map((p) => p.id).sort()).toEqual([parseProxyUrl(plain).id, parseProxyUrl(secret).id].sort());
    expect(registered.find((p) => p.id === parseProxyUrl(secret).id)!.cooling.us!.strikes).toBe(2);
    const human = await runCli(['admin', 'proxies', 'list'], { env: env() });
    expect(human.stdout).toContain('u1:***@');

    const tested = await runCli(['admin', 'proxies', 'test', '--asin', sim.catalogue('us')[1]!.asin, '--json'], { env: env() });
    expect(tested.code, tested.stderr).toBe(0);
    const results = (JSON.parse(tested.stdout) as { results: { ok: boolean; status: number; page: string; latencyMs: number }[] }).results;
    expect(results.length).toBe(2);
    for (const r of results) expect(r).toMatchObject({ ok: true, status: 200, page: 'product' });

    const status = await createCoordinatorClient({
      redis: commands,
      keys: redisKeys(redis.keyPrefix),
      config: config(),
      proxyHealth: createProxyHealthSource({ redis: commands, keys: redisKeys(redis.keyPrefix) }),
    }).status(['us']);
    expect(status[0]!.proxies).toMatchObject({ cooling: 1, allCooling: false });
    expect(status[0]!.proxies!.healthy).toBeGreaterThanOrEqual(1);

    expect((await runCli(['admin', 'proxies', 'remove', plain, parseProxyUrl(secret).id], { env: env() })).code).toBe(0);
    expect(await registeredProxies(commands, redisKeys(redis.keyPrefix))).toEqual([]);
  });
});
