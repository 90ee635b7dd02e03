/**
 * `dromedary crawler-node` as an operator runs it: JSON logs without secrets or HTML, Prometheus
 * metrics, leases renewed while checks are slow, SIGTERM → hand back, flush, exit 0, and a drain
 * from `admin drain` ending the node the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { type CoordinatorClient, createCoordinatorClient } from '../../coordinator/index.js';
import { type Redis, redisKeys } from '../../runtime/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type LoopbackProxies, crawlConfigInput, startLoopbackProxies } from './crawl-fixture.js';

let redis: TestRedis;
let commands: Redis;
let sim: SimulatorHandle;
let proxies: LoopbackProxies;
let coordinator: CoordinatorClient;
let configFile: string;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  exit: Promise<number | null>;
}

function run(args: readonly string[], instanceId: string): Running {
  const child = spawnCli(args, { DROMEDARY_CONFIG: configFile, DROMEDARY_INSTANCE_ID: instanceId, LOG_LEVEL: 'info' });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, exit };
}

const ok = async (): Promise<number> => (await coordinator.status(['us']))[0]?.totals.ok ?? 0;

beforeAll(async () => {
  redis = await startTestRedis();
  commands = redis.client();
  // Slow answers (120 ms each) and a 1 s lease: a node that did not renew its leases would lose them.
  sim = await startSimulator({ seed: 61, products: 40, marketplaces: ['us'], pageBytes: 30_000, hostility: { rateLimit: false, dogPageProbability: 0, latencyMs: 120 } });
  proxies = await startLoopbackProxies(2);
  const dir = makeTempDir('drom-crawler-cli-');
  configFile = join(dir, 'config.json');
  const input = crawlConfigInput({
    redisUrl: redis.url,
    keyPrefix: redis.keyPrefix,
    sim,
    marketplaces: ['us'],
    proxies: proxies.proxies.map((p) => p.url),
    marketplaceRate: 8,
    perProxyRate: 4,
    extra: { coordinator: { leaseMs: 1_000, batchSize: 10 }, crawler: { concurrency: 4 }, metrics: { port: 0, host: '127.0.0.1' } },
  });
  writeFileSync(configFile, JSON.stringify(input));
  coordinator = createCoordinatorClient({ redis: commands, keys: redisKeys(redis.keyPrefix), config: loadConfig({ env: {}, file: configFile }) });
  await coordinator.schedule('us', sim.catalogue('us').map((p) => p.asin));
});

afterAll(async () => {
  await proxies?.close();
  await sim?.close();
  await redis?.stop();
  removeTempDirs();
});

describe('dromedary crawler-node', () => {
  it('serves its metrics, renews leases while checks are slow, logs JSON without secrets, and on SIGTERM hands back and exits 0', async () => {
    const node = run(['crawler-node', '--marketplaces', 'us', '--reader-workers', '0'], 'cli-node-1');
    try {
      await waitFor('a few checks', async () => (await ok()) >= 6, { timeoutMs: 60_000, intervalMs: 100 });
      const started = node.stdout().split('\n').find((l) => l.includes('"crawler node started"'));
      const port = (JSON.parse(started!) as { metricsPort: number }).metricsPort;
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // A sample of `name` with these labels (in any order, other labels allowed), and this value when given.
      const sample = (name: string, labels: Record<string, string>, value?: number): boolean =>
        metrics.split('\n').some((line) => {
          const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
          if (!m || m[1] !== name) return false;
          if (!Object.entries(labels).every(([k, v]) => m[2]!.split(',').includes(`${k}="${v}"`))) return false;
          return value === undefined || Number(m[3]) === value;
        });
      const wanted: [string, Record<string, string>, number?][] = [
        ['dromedary_crawler_checks_total', { marketplace: 'us', outcome: 'ok' }],
        ['dromedary_crawler_fetch_duration_seconds_bucket', { marketplace: 'us', kind: 'page' }],
        ['dromedary_crawler_fetched_bytes_total', { marketplace: 'us', kind: 'page' }],
        ['dromedary_crawler_decoded_bytes_total', { marketplace: 'us' }],
        ['dromedary_crawler_captchas_total', { marketplace: 'us' }],
        ['dromedary_crawler_proxies', { marketplace: 'us', state: 'healthy' }, 2],
        ['dromedary_crawler_proxies', { marketplace: 'us', state: 'cooling' }, 0],
        ['dromedary_crawler_leases_held', { marketplace: 'us' }],
        ['dromedary_crawler_checks_in_flight', { marketplace: 'us' }],
        ['dromedary_crawler_leases_lost_total', { marketplace: 'us' }],
        ['dromedary_crawler_marketplace_self_paused', { marketplace: 'us' }, 0],
      ];
      for (const [name, labels, value] of wanted) expect(sample(name, labels, value), `${name} ${JSON.stringify(labels)}`).toBe(true);
      expect(metrics).not.toMatch(/127\.0\.0\.1:\d+|secret|proxy_url|asin=/);
      // Checks take several lease lengths here; none was lost.
      await waitFor('more checks', async () => (await ok()) >= 15, { timeoutMs: 60_000, intervalMs: 100 });
      const [mid] = await coordinator.status(['us']);
      expect(mid!.totals.expired_leases ?? 0).toBe(0);
      expect(mid!.leasedItems).toBeGreaterThan(0);
    } finally {
      node.child.kill('SIGTERM');
    }
    expect(await node.exit).toBe(0);
    const [after] = await coordinator.status(['us']);
    expect(after!.leasedItems, 'nothing left leased').toBe(0);
    expect(after!.totals.expired_leases ?? 0).toBe(0);
    expect(after!.dueNow + (after!.totals.ok ?? 0)).toBeGreaterThanOrEqual(40);

    const lines = node.stdout().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line.slice(0, 200)).not.toThrow();
    expect(node.stdout()).not.toMatch(/secret-|<html|<div|cookie/i);
    expect(node.stdout()).toContain('"crawler node stopped"');
  }, 150_000);

  it('ends by itself, handing everything back, when told to drain', async () => {
    const node = run(['crawler', '--reader-workers', '0'], 'cli-node-2');
    await waitFor('leasing', async () => ((await coordinator.status(['us']))[0]?.leasedItems ?? 0) > 0, { timeoutMs: 60_000, intervalMs: 50 });
    await coordinator.drain('cli-node-2', { marketplaces: ['us'] });
    expect(await node.exit).toBe(0);
    expect(node.stdout()).toContain('"drained"');
    const [after] = await coordinator.status(['us']);
    expect(after!.leasedItems).toBe(0);
  }, 120_000);
});
