/**
 * The crawl cluster end to end, as separate processes: a coordinator (with the ingester and the
 * embedded ClickHouse) and three crawler nodes check 2,000 ASINs in three marketplaces through six
 * proxy-chain proxies leaving from 127.0.0.2–7, while the simulator's prices move every 4 s. One node
 * is killed with SIGKILL mid-batch; its leases expire (4 s) and the others take its ASINs over.
 * Everything recorded is read back from ClickHouse and compared with the simulator's truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { type MarketplaceCode, loadConfig } from '../../config/index.js';
import { type CoordinatorClient, createCoordinatorClient } from '../../coordinator/index.js';
import { type Redis, redisKeys, silentLogger } from '../../runtime/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { createClickHouse, selectRows } from '../../storage/index.js';
import { spawnCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type LoopbackProxies, crawlConfigInput, startLoopbackProxies } from './crawl-fixture.js';

const MARKETPLACES: readonly MarketplaceCode[] = ['us', 'de', 'jp'];
const TOTAL = 2_000;
const PER_MARKETPLACE = Math.ceil(TOTAL / MARKETPLACES.length);
const LEASE_MS = 4_000;
const VICTIM = 'crawler-2';

let redis: TestRedis;
let commands: Redis;
let sim: SimulatorHandle;
let proxies: LoopbackProxies;
let coordinator: CoordinatorClient;
let clickhouse: ClickHouseClient;
const processes = new Map<string, ChildProcess>();
const stderr = new Map<string, string>();
const scheduled = new Map<MarketplaceCode, string[]>();
/** The victim's leases as Redis held them after it died: ASINs not settled, and each lease's deadline. */
const orphaned: { marketplace: MarketplaceCode; asin: string; deadline: number }[] = [];
let killedAt = 0;
const exitCodes = new Map<string, number | null>();

function start(name: string, args: readonly string[], env: NodeJS.ProcessEnv): void {
  const child = spawnCli(args, env);
  processes.set(name, child);
  stderr.set(name, '');
  child.stderr?.on('data', (c: Buffer) => stderr.set(name, (stderr.get(name)! + c.toString()).slice(-20_000)));
  child.stdout?.on('data', () => undefined);
  child.once('exit', (code) => exitCodes.set(name, code));
}

async function checkedSoFar(): Promise<number> {
  const all = await coordinator.status([...MARKETPLACES]);
  return all.reduce((n, s) => n + (s.totals.ok ?? 0), 0);
}

async function victimLeases(): Promise<{ marketplace: MarketplaceCode; asin: string; deadline: number }[]> {
  const out: { marketplace: MarketplaceCode; asin: string; deadline: number }[] = [];
  for (const m of MARKETPLACES) {
    const k = redisKeys(redis.keyPrefix).marketplace(m);
    const workers = await commands.hgetall(k.key('lease-worker'));
    for (const [leaseId, worker] of Object.entries(workers)) {
      if (worker !== VICTIM) continue;
      const deadline = Number(await commands.zscore(k.key('leases'), leaseId));
      for (const asin of await commands.smembers(k.key(`lease:${leaseId}`))) out.push({ marketplace: m, asin, deadline });
    }
  }
  return out;
}

beforeAll(async () => {
  redis = await startTestRedis();
  commands = redis.client();
  sim = await startSimulator({
    seed: 41,
    products: PER_MARKETPLACE,
    marketplaces: [...MARKETPLACES],
    pageBytes: 25_000,
    priceEpochMs: 4_000,
    requestLogSize: 200_000,
    // A real per-IP limit the nodes must stay under (10/s per proxy per marketplace, 30/s per IP).
    hostility: { rateLimit: { ratePerSec: 40, burst: 40, cooldownMs: 10_000 }, dogPageProbability: 0.005 },
  });
  proxies = await startLoopbackProxies(6);
  const dataDir = makeTempDir('drom-cluster-');
  const input = crawlConfigInput({
    redisUrl: redis.url,
    keyPrefix: redis.keyPrefix,
    sim,
    marketplaces: MARKETPLACES,
    proxies: proxies.proxies.map((p) => p.url),
    marketplaceRate: 70,
    perProxyRate: 10,
    dataDir,
    extra: { coordinator: { leaseMs: LEASE_MS, batchSize: 20 }, crawler: { concurrency: 12 } },
  });
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(input));
  const env = { DROMEDARY_CONFIG: configFile, LOG_LEVEL: 'warn' };

  const config = loadConfig({ env: {}, file: configFile });
  coordinator = createCoordinatorClient({ redis: commands, keys: redisKeys(redis.keyPrefix), config });
  let left = TOTAL;
  for (const m of MARKETPLACES) {
    const asins = sim.catalogue(m).map((p) => p.asin).slice(0, Math.min(PER_MARKETPLACE, left));
    left -= asins.length;
    scheduled.set(m, asins);
    await coordinator.schedule(m, asins);
  }

  start('coordinator', ['coordinator'], { ...env, DROMEDARY_INSTANCE_ID: 'coordinator' });
  // Two nodes read pages on a worker thread (the default on this machine), one on its event loop.
  for (const i of [1, 2, 3]) start(`crawler-${i}`, ['crawler', ...(i === 3 ? ['--reader-workers', '0'] : [])], { ...env, DROMEDARY_INSTANCE_ID: `crawler-${i}` });

  // Mid-batch: once a quarter is done, kill the victim while it holds leases.
  await waitFor('a quarter of the checks', async () => (await checkedSoFar()) >= TOTAL / 4, { timeoutMs: 120_000, intervalMs: 200 });
  await waitFor('the victim holding leases', async () => (await victimLeases()).length > 0, { timeoutMs: 20_000, intervalMs: 10 });
  processes.get(VICTIM)!.kill('SIGKILL');
  killedAt = Date.now();
  await waitFor('the victim gone', () => exitCodes.has(VICTIM), { timeoutMs: 10_000 });
  orphaned.push(...(await victimLeases()));

  await waitFor('every ASIN checked', async () => (await checkedSoFar()) >= TOTAL, { timeoutMs: 150_000, intervalMs: 250 });
  for (const name of ['crawler-1', 'crawler-3']) processes.get(name)!.kill('SIGTERM');
  await waitFor('crawlers stopped', () => exitCodes.has('crawler-1') && exitCodes.has('crawler-3'), { timeoutMs: 60_000 });

  // The coordinator's process holds the embedded ClickHouse; this one reaches it through its bridge.
  clickhouse = await createClickHouse(loadConfig({ env: {}, file: configFile }), { logger: silentLogger() });
  await waitFor(
    'every check ingested',
    async () => {
      const [row] = await selectRows<{ n: string }>(clickhouse, "SELECT count() AS n FROM crawl_outcomes WHERE outcome = 'ok'");
      return Number(row?.n ?? 0) >= TOTAL;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}, 400_000);

afterAll(async () => {
  await clickhouse?.close();
  for (const [name, child] of processes) {
    if (!exitCodes.has(name)) child.kill('SIGTERM');
  }
  await waitFor('processes stopped', () => [...processes.keys()].every((n) => exitCodes.has(n)), { timeoutMs: 30_000 }).catch(() => {
    for (const child of processes.values()) child.kill('SIGKILL');
  });
  await proxies?.close();
  await sim?.close();
  await redis?.stop();
  removeTempDirs();
}, 60_000);

interface OutcomeRow {
  marketplace: MarketplaceCode;
  asin: string;
  outcome: string;
  detail: string;
  checked_ms: string;
  crawler_id: string;
  check_id: string;
}

interface PriceRow {
  marketplace: MarketplaceCode;
  asin: string;
  series: string;
  price: number | null;
}

const outcomeRows = (): Promise<OutcomeRow[]> =>
  selectRows<OutcomeRow>(
    clickhouse,
    'SELECT toString(marketplace) AS marketplace, asin, toString(outcome) AS outcome, detail, toString(toUnixTimestamp64Milli(checked_at)) AS checked_ms, toString(crawler_id) AS crawler_id, check_id FROM crawl_outcomes',
  );

describe('a coordinator and three crawler node processes', () => {
  it('check every one of 2,000 ASINs in 3 marketplaces exactly once, and every recorded price is the simulator’s truth at that instant', async () => {
    const outcomes = await outcomeRows();
    const ok = outcomes.filter((o) => o.outcome === 'ok');
    // Every ASIN checked, each exactly once (a recorded check is never made or recorded again).
    const okByAsin = new Map<string, OutcomeRow[]>();
    for (const o of ok) okByAsin.set(`${o.marketplace} ${o.asin}`, [...(okByAsin.get(`${o.marketplace} ${o.asin}`) ?? []), o]);
    const wanted = [...scheduled].flatMap(([m, asins]) => asins.map((a) => `${m} ${a}`));
    expect(wanted.length).toBe(TOTAL);
    expect(wanted.filter((k) => okByAsin.get(k)?.length !== 1)).toEqual([]);
    expect(ok.length).toBe(TOTAL);
    expect(new Set(outcomes.map((o) => o.check_id)).size, 'no check recorded twice').toBe(outcomes.length);
    expect(new Set(ok.map((o) => o.crawler_id)).size, 'all three nodes did work').toBe(3);

    const prices = await selectRows<PriceRow>(
      clickhouse,
      'SELECT toString(marketplace) AS marketplace, asin, toString(series) AS series, price FROM price_points',
    );
    const rowsPerSeries = new Map<string, number>();
    for (const p of prices) rowsPerSeries.set(`${p.marketplace} ${p.asin} ${p.series}`, (rowsPerSeries.get(`${p.marketplace} ${p.asin} ${p.series}`) ?? 0) + 1);
    expect([...rowsPerSeries].filter(([, n]) => n !== 1), 'one row per series per check').toEqual([]);

    // The price of each row is the truth at the instant the storefront served the page it came from
    // (found through the request ids kept with the outcome). A check reads the product page and then
    // the offers fragment; when a price epoch ends between the two, a series is right if it matches
    // the truth at either instant.
    const mismatches: string[] = [];
    let straddling = 0;
    let compared = 0;
    for (const p of prices) {
      const o = okByAsin.get(`${p.marketplace} ${p.asin}`)![0]!;
      const rids = [...o.detail.matchAll(/(?:rid|aod)=(\S+)/g)].map((m) => m[1]!);
      const served = rids.map((r) => sim.requestFor(r));
      if (served.some((s) => !s || (s.served !== 'product' && s.served !== 'offers'))) {
        mismatches.push(`${p.marketplace} ${p.asin}: not traced to real pages (${o.detail})`);
        continue;
      }
      const times = served.map((s) => s!.time);
      const truths = times.map((t) => sim.truth(p.marketplace, p.asin, t));
      const epochs = new Set(truths.map((t) => t.epoch));
      const expected = truths.map((t) => t.series[p.series as keyof typeof t.series].price);
      compared++;
      if (epochs.size > 1) straddling++;
      const okPrice = epochs.size === 1 ? p.price === expected[0] : expected.includes(p.price);
      if (!okPrice) mismatches.push(`${p.marketplace} ${p.asin} ${p.series}: recorded ${p.price}, truth ${expected.join(' / ')} (epochs ${[...epochs].join(',')})`);
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(TOTAL);
    // Prices did move during the run (several epochs); most checks read both pages in one epoch.
    const epochsSeen = new Set(ok.map((o) => Math.floor(Number(o.checked_ms) / 4_000)));
    expect(epochsSeen.size).toBeGreaterThan(3);
    expect(straddling).toBeLessThan(compared / 2);
  });

  it('hands the ASINs a node held when it was killed -9 to the other nodes after its lease expired: nothing lost, nothing twice', async () => {
    expect(exitCodes.get(VICTIM)).toBeNull();
    expect(orphaned.length, 'the victim died holding leased ASINs').toBeGreaterThan(0);
    const outcomes = await outcomeRows();
    for (const { marketplace, asin, deadline } of orphaned) {
      const checks = outcomes.filter((o) => o.marketplace === marketplace && o.asin === asin && o.outcome === 'ok');
      expect(checks.length, `${marketplace} ${asin} checked once`).toBe(1);
      expect(checks[0]!.crawler_id).not.toBe(VICTIM);
      expect(Number(checks[0]!.checked_ms), 'checked after the lease expired').toBeGreaterThanOrEqual(deadline);
    }
    const totals = (await coordinator.status([...MARKETPLACES])).reduce((n, s) => n + (s.totals.expired_leases ?? 0), 0);
    expect(totals).toBeGreaterThanOrEqual(1);
    expect(killedAt).toBeGreaterThan(0);
  });

  it('stops the surviving nodes cleanly on SIGTERM (exit code 0, nothing left leased)', async () => {
    expect(exitCodes.get('crawler-1'), stderr.get('crawler-1')).toBe(0);
    expect(exitCodes.get('crawler-3'), stderr.get('crawler-3')).toBe(0);
    const statuses = await coordinator.status([...MARKETPLACES]);
    expect(statuses.map((s) => s.leasedItems)).toEqual(MARKETPLACES.map(() => 0));
  });
});
