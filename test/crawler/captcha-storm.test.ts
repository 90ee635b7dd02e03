/**
 * A CAPTCHA storm on one storefront: the crawler nodes back off (each robot check cools its proxy in
 * that storefront with exponential back-off shared through Redis; with every proxy cooling the
 * marketplace pauses itself, visible in `admin status` and the metrics), and recover when the storm
 * is over. No robot check is ever recorded as a price: every recorded price traces back (through
 * the storefront's request id kept with the check's outcome) to a real product page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import { type CoordinatorClient, type CoordinatorRole, createCoordinatorClient, startCoordinator } from '../../coordinator/index.js';
import { type CrawlerNode, createProxyHealthSource, startCrawlerNode } from '../../crawler/index.js';
import { type Redis, redisKeys, silentLogger } from '../../runtime/index.js';
import { type RequestLogEntry, type SimulatorHandle, requestIdFor, startSimulator } from '../../simulator/index.js';
import { createClickHouse, selectRows } from '../../storage/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type LoopbackProxies, crawlConfig, startLoopbackProxies, storefrontRequests } from './crawl-fixture.js';

const MK: MarketplaceCode = 'us';
const ASINS = 40;
const STORM_MS = 3_000;

let redis: TestRedis;
let commands: Redis;
let sim: SimulatorHandle;
let proxies: LoopbackProxies;
let role: CoordinatorRole;
let coordinator: CoordinatorClient;
let clickhouse: ClickHouseClient;
const nodes: CrawlerNode[] = [];
const seen = { paused: false, allCooling: false, selfPausedMetric: false, maxStrikes: 0 };
let storm = { from: 0, until: 0 };

const okChecks = (): Promise<number> => coordinator.status([MK]).then(([s]) => s?.totals.ok ?? 0);

beforeAll(async () => {
  redis = await startTestRedis();
  commands = redis.client();
  sim = await startSimulator({
    seed: 31,
    products: ASINS,
    marketplaces: [MK],
    pageBytes: 30_000,
    requestLogSize: 50_000,
    hostility: { rateLimit: { ratePerSec: 20, burst: 20, cooldownMs: 5_000 }, dogPageProbability: 0 },
  });
  proxies = await startLoopbackProxies(3);
  const options = {
    redisUrl: redis.url,
    keyPrefix: redis.keyPrefix,
    sim,
    marketplaces: [MK],
    proxies: proxies.proxies.map((p) => p.url),
    marketplaceRate: 12,
    perProxyRate: 4,
    dataDir: makeTempDir('drom-storm-'),
  };
  const base = crawlConfig(options, 'coordinator');
  role = await startCoordinator({ config: base, logger: silentLogger() });
  clickhouse = await createClickHouse(base, { logger: silentLogger() });
  coordinator = createCoordinatorClient({ redis: commands, keys: redisKeys(redis.keyPrefix), config: base, proxyHealth: createProxyHealthSource({ redis: commands, keys: redisKeys(redis.keyPrefix) }) });
  await coordinator.schedule(MK, sim.catalogue(MK).map((p) => p.asin).slice(0, ASINS));
  for (const id of ['storm-a', 'storm-b']) {
    const config = crawlConfig({ ...options, extra: { metrics: { port: 0, host: '127.0.0.1' } } }, id);
    nodes.push(
      await startCrawlerNode({
        config,
        logger: silentLogger(),
        concurrency: 6,
        readerWorkers: 0,
        pinDeliveryLocation: false,
        // Checks that failed on robot checks come back quickly (the default is a minute).
        policy: { blockedRetryMs: 300 },
      }),
    );
  }
  await waitFor('some checks before the storm', async () => (await okChecks()) >= 8, { timeoutMs: 30_000 });

  storm = { from: Date.now(), until: sim.captchaStorm({ marketplace: MK, durationMs: STORM_MS }).until };
  // Watch the cluster while the storm lasts (each view polled on its own, so none misses a short pause).
  const metricsUrl = `http://127.0.0.1:${nodes[0]!.metricsServer!.port}/metrics`;
  const watch = async (look: () => Promise<void>): Promise<void> => {
    while (Date.now() < storm.until) {
      await look();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await Promise.all([
    watch(async () => {
      const [status] = await coordinator.status([MK]);
      seen.allCooling ||= status?.proxies?.allCooling === true;
    }),
    watch(async () => {
      seen.paused ||= nodes.some((n) => n.stats()[MK]?.selfPaused === true);
      const metrics = await (await fetch(metricsUrl)).text();
      seen.selfPausedMetric ||= /dromedary_crawler_marketplace_self_paused\{[^}]*marketplace="us"[^}]*\} 1/.test(metrics);
    }),
    watch(async () => {
      for (const raw of Object.values(await commands.hgetall(redisKeys(redis.keyPrefix).marketplace(MK).proxyCooling))) {
        seen.maxStrikes = Math.max(seen.maxStrikes, Number(raw.split('|')[1]));
      }
    }),
  ]);
  await waitFor('every ASIN checked after the storm', async () => (await okChecks()) >= ASINS, { timeoutMs: 60_000, intervalMs: 200 });
  await waitFor(
    'every check ingested',
    async () => {
      const [row] = await selectRows<{ n: string }>(clickhouse, "SELECT count() AS n FROM crawl_outcomes WHERE outcome = 'ok'");
      return Number(row?.n ?? 0) >= ASINS;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}, 180_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await clickhouse?.close();
  await role?.close();
  await proxies?.close();
  await sim?.close();
  await redis?.stop();
  removeTempDirs();
});

describe('a CAPTCHA storm', () => {
  it('makes the cluster back off: proxies cool with growing cool-downs and the marketplace pauses itself, in status and metrics', () => {
    expect(seen.paused, 'a node paused the marketplace').toBe(true);
    expect(seen.allCooling, 'admin status said every proxy was cooling').toBe(true);
    expect(seen.selfPausedMetric, 'the metrics said the marketplace paused itself').toBe(true);
    // Backing off, as the storefront sees it: during the storm the nodes sent far fewer requests than
    // their budget allowed (12/s for the marketplace, 4/s per proxy), on every proxy. (Gaps between
    // single probes are not compared: the simulator shares this process with the embedded ClickHouse,
    // whose queries can hold the event loop and shift the logged arrival times.)
    const during = storefrontRequests(sim).filter((e) => e.time >= storm.from && e.time < storm.until);
    expect(during.length).toBeLessThan((12 * STORM_MS) / 1000 / 2);
    for (const p of proxies.proxies) {
      const probes = during.filter((e) => e.ip === p.ip).length;
      expect(probes, `${p.ip} probed during the storm`).toBeGreaterThanOrEqual(2);
      expect(probes, `${p.ip} probes`).toBeLessThanOrEqual((4 * STORM_MS) / 1000 / 2);
    }
    // The cool-downs grew: some proxy went through at least three episodes (300 ms, 600 ms, 1.2 s).
    expect(seen.maxStrikes).toBeGreaterThanOrEqual(3);
  });

  it('recovers when the storm ends: every ASIN is checked, and nothing is paused any more', async () => {
    expect(await okChecks()).toBe(ASINS);
    const after = storefrontRequests(sim).filter((e) => e.time >= storm.until + 100);
    expect(after.some((e) => e.served === 'product')).toBe(true);
    await waitFor('nodes resumed', () => nodes.every((n) => n.stats()[MK]?.selfPaused === false), { timeoutMs: 10_000 });
  });

  it('records no robot check as a price: every price row belongs to a check whose pages were real pages', async () => {
    const log = storefrontRequests(sim);
    const byRid = new Map<string, RequestLogEntry>(log.map((e) => [requestIdFor(e.seq), e]));
    const captchaRids = new Set(log.filter((e) => e.served === 'captcha').map((e) => requestIdFor(e.seq)));
    expect(captchaRids.size).toBeGreaterThan(0);

    const outcomes = await selectRows<{ asin: string; outcome: string; detail: string; t: string; check_id: string }>(
      clickhouse,
      'SELECT asin, toString(outcome) AS outcome, detail, toString(toUnixTimestamp(checked_at)) AS t, check_id FROM crawl_outcomes',
    );
    const ok = outcomes.filter((o) => o.outcome === 'ok');
    expect(new Set(ok.map((o) => o.asin)).size).toBe(ASINS);
    expect(ok.length, 'one successful check per ASIN').toBe(ASINS);
    for (const o of ok) {
      const rids = [...o.detail.matchAll(/(?:rid|aod)=(\S+)/g)].map((m) => m[1]!);
      expect(rids.length, o.detail).toBeGreaterThanOrEqual(2);
      for (const rid of rids) {
        expect(captchaRids.has(rid), `${o.asin} check used a robot-check answer`).toBe(false);
        expect(['product', 'offers']).toContain(byRid.get(rid)?.served);
      }
    }
    // Failed checks were recorded as outcomes, never as prices.
    expect(outcomes.some((o) => o.outcome === 'captcha' || o.outcome === 'ok')).toBe(true);
    const okAt = new Map(ok.map((o) => [o.asin, o.t]));
    const prices = await selectRows<{ asin: string; t: string; n: string }>(
      clickhouse,
      'SELECT asin, toString(toUnixTimestamp(checked_at)) AS t, count() AS n FROM price_points GROUP BY asin, t',
    );
    expect(prices.length).toBeGreaterThan(0);
    for (const p of prices) expect(p.t, `price rows of ${p.asin} come from its successful check`).toBe(okAt.get(p.asin));
  });
});
