/**
 * The opt-in browser mode: a PlaywrightCrawler driving the system Chromium checks leased ASINs
 * through a credentialed proxy (Chromium reaches it through the pool's local proxy-chain server) and
 * records the same prices the simulator served.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoordinatorClient, createCoordinatorClient } from '../../coordinator/index.js';
import { INGEST_ENTRY_FIELD, ingestEnvelopeSchema, type IngestEnvelope } from '../../contracts/index.js';
import { type CrawlerNode, startCrawlerNode } from '../../crawler/index.js';
import { type Redis, redisKeys, silentLogger } from '../../runtime/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { type LoopbackProxies, crawlConfig, startLoopbackProxies } from './crawl-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ASINS = 4;

let redis: TestRedis;
let commands: Redis;
let sim: SimulatorHandle;
let proxies: LoopbackProxies;
let coordinator: CoordinatorClient;
let node: CrawlerNode | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  commands = redis.client();
  sim = await startSimulator({ seed: 71, products: ASINS, marketplaces: ['de'], pageBytes: 60_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
  proxies = await startLoopbackProxies(2, { first: 10 });
}, 60_000);

afterAll(async () => {
  await node?.close();
  await proxies?.close();
  await sim?.close();
  await redis?.stop();
});

describe.skipIf(!existsSync(CHROMIUM))('browser mode', () => {
  it('checks leased ASINs with Chromium through a credentialed proxy and records the prices the pages showed', async () => {
    const proxy = proxies.proxies[1]!;
    expect(proxy.url).toContain('secret');
    const config = crawlConfig(
      { redisUrl: redis.url, keyPrefix: redis.keyPrefix, sim, marketplaces: ['de'], proxies: [proxy.url], marketplaceRate: 20, perProxyRate: 20, extra: { crawler: { browser: true, chromiumPath: CHROMIUM } } },
      'browser-node',
    );
    coordinator = createCoordinatorClient({ redis: commands, keys: redisKeys(redis.keyPrefix), config });
    await coordinator.schedule('de', sim.catalogue('de').map((p) => p.asin));
    node = await startCrawlerNode({ config, logger: silentLogger(), concurrency: 2, pinDeliveryLocation: false });
    await waitFor('every ASIN checked', async () => ((await coordinator.status(['de']))[0]?.totals.ok ?? 0) >= ASINS, { timeoutMs: 90_000, intervalMs: 200 });

    const log = sim.requests().filter((e) => e.marketplace === 'de');
    expect(log.length).toBeGreaterThanOrEqual(ASINS * 2);
    expect(new Set(log.map((e) => e.ip)), 'every request left through the proxy').toEqual(new Set([proxy.ip]));
    expect(log.filter((e) => e.served === 'other' || e.served === 'not_found'), 'no subresources fetched').toEqual([]);

    const envelopes: IngestEnvelope[] = [];
    for (const [, fields] of await commands.xrange(redisKeys(redis.keyPrefix).marketplace('de').ingestStream, '-', '+')) {
      envelopes.push(ingestEnvelopeSchema.parse(JSON.parse(fields[fields.indexOf(INGEST_ENTRY_FIELD) + 1]!)));
    }
    const outcomes = envelopes.flatMap((e) => e.outcomes).filter((o) => o.outcome === 'ok');
    expect(outcomes.length).toBe(ASINS);
    for (const o of outcomes) {
      const rid = /rid=(\S+)/.exec(o.detail)![1]!;
      const truth = sim.truth('de', o.asin, sim.requestFor(rid)!.time);
      const observed = envelopes.flatMap((e) => e.observations).filter((x) => x.checkId === o.checkId);
      expect(observed.length).toBeGreaterThan(0);
      for (const x of observed) expect(x.price, `${o.asin} ${x.series}`).toBe(truth.series[x.series].price);
    }
  }, 150_000);
});
