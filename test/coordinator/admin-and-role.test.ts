import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IngestEnvelope, LeaseBatch } from '../../contracts/index.js';
import { freePort } from '../../runtime/index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { coordinatorFor, makeAsins } from './coordinator-fixture.js';

let redis: TestRedis;
let dataDir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  redis = await startTestRedis();
  dataDir = makeTempDir('drom-coord-admin-');
  env = { REDIS_URL: redis.url, DROMEDARY_REDIS_PREFIX: redis.keyPrefix, DROMEDARY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
});
afterAll(async () => {
  await redis.stop();
  removeTempDirs();
});

/** Whatever the CLI printed as JSON (shape asserted by each test). */
type ParsedJson = ReturnType<typeof JSON.parse>;

async function cli(args: readonly string[]): Promise<{ code: number | null; json: ParsedJson; stderr: string }> {
  const r = await runCli(args, { env });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    json = undefined;
  }
  return { code: r.code, json, stderr: r.stderr };
}

async function sql(query: string): Promise<Record<string, unknown>[]> {
  const r = await runCli(['sql', query], { env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function envelopeFor(batch: LeaseBatch, price: (asin: string) => number, checkedAt: number): IngestEnvelope {
  const obs = (asin: string, series: 'new' | 'used', p: number | null) => ({
    marketplace: batch.marketplace, asin, series, condition: series, sellerKind: 'amazon' as const, price: p,
    previousPrice: null, previousCheckedAt: null, currency: 'USD', listPrice: null, isBuyBox: series === 'new',
    availability: 'in_stock' as const, offerCount: 1, checkedAt, crawlerId: batch.workerId, checkId: `${batch.leaseId}.${asin}`,
  });
  return {
    v: 1,
    observations: batch.items.flatMap((i) => [obs(i.asin, 'new', price(i.asin)), obs(i.asin, 'used', null)]),
    outcomes: batch.items.map((i) => ({
      marketplace: batch.marketplace, asin: i.asin, outcome: 'ok' as const, httpStatus: 200, detail: '', checkedAt,
      crawlerId: batch.workerId, checkId: `${batch.leaseId}.${i.asin}`, durationMs: 5, bytes: 100,
    })),
    products: [],
  };
}

describe('dromedary admin', () => {
  it('adds a file of thousands of products, reporting bad lines by number and adding the rest once', async () => {
    const asins = makeAsins(3000, 'A1');
    const lines = asins.map((a, i) => (i % 3 === 0 ? `https://www.amazon.com/Slug-${i}/dp/${a}/ref=x?th=1` : i % 3 === 1 ? `https://www.amazon.com/gp/aw/d/${a}` : a));
    lines.splice(10, 0, 'not a product');
    lines.splice(500, 0, 'https://www.amazon.com/s?k=foo');
    lines.push(asins[0]!, `https://www.amazon.de/dp/${asins[1]}`);
    const file = join(dataDir, 'products.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await cli(['admin', 'add', '--file', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.problems.map((p: { where: string }) => p.where)).toEqual([`${file}:11`, `${file}:501`]);
    expect(r.json.results).toEqual([
      { marketplace: 'us', added: 3000, alreadyTracked: 0, scheduled: 3000 },
      { marketplace: 'de', added: 1, alreadyTracked: 0, scheduled: 1 },
    ]);
    expect(r.json.duplicates).toBe(1);
    const again = await cli(['admin', 'add', '--file', file, '--json']);
    expect(again.json.results[0]).toEqual({ marketplace: 'us', added: 0, alreadyTracked: 3000, scheduled: 0 });
    const status = await cli(['admin', 'status', '--marketplace', 'us', '--json']);
    expect(status.json.marketplaces[0]).toMatchObject({ marketplace: 'us', scheduled: 3000, dueNow: 3000 });
    const rows = await sql("SELECT state, count() AS n FROM catalog FINAL WHERE marketplace = 'us' GROUP BY state");
    expect(rows.map((r) => ({ state: r.state, n: Number(r.n) }))).toEqual([{ state: 'active', n: 3000 }]);
  });

  it('rejects bad input with a usage error and changes nothing', async () => {
    const before = (await coordinatorFor(redis).client.status(['us']))[0];
    for (const args of [
      ['admin', 'add', '--marketplace', 'zz', 'B0ZZZZZZZ1'],
      ['admin', 'add', 'not-a-product', 'https://example.com/dp/B0ZZZZZZZ2'],
      ['admin', 'add'],
      ['admin', 'pause', 'atlantis'],
      ['admin', 'requeue'],
      ['admin', 'status', '--marketplace', 'xx'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr).toMatch(/dromedary: /);
    }
    const after = (await coordinatorFor(redis).client.status(['us']))[0];
    expect(after?.scheduled).toBe(before?.scheduled);
  });

  it('removes products from the catalog and the schedule, pauses, resumes, requeues and drains', async () => {
    const [a, b] = makeAsins(2, 'A1') as [string, string];
    const removed = await cli(['admin', 'remove', a, `https://www.amazon.com/dp/${b}`, 'B0NOTHERE1', '--json']);
    expect(removed.json.results).toEqual([{ marketplace: 'us', removed: 2, notTracked: 1 }]);
    const rows = await sql(`SELECT asin, state FROM catalog FINAL WHERE marketplace = 'us' AND asin IN ('${a}', '${b}') ORDER BY asin`);
    expect(rows.map((r) => r.state)).toEqual(['removed', 'removed']);
    const { client } = coordinatorFor(redis);
    expect(await client.inspect('us', a)).toBeNull();
    expect((await cli(['admin', 'pause', 'us', '--json'])).json).toEqual({ marketplace: 'us', paused: true });
    expect(await client.lease({ marketplace: 'us', workerId: 'w' })).toEqual({ kind: 'paused' });
    await cli(['admin', 'resume', 'us']);
    const batch = await client.lease({ marketplace: 'us', workerId: 'node-x', max: 5 });
    expect(batch.kind).toBe('batch');
    const drained = await cli(['admin', 'drain', 'node-x', '--json']);
    expect(drained.json).toMatchObject({ workerId: 'node-x', leases: 1, items: 5 });
    expect(await client.lease({ marketplace: 'us', workerId: 'node-x' })).toEqual({ kind: 'draining' });
    const requeued = await cli(['admin', 'requeue', makeAsins(3, 'A1')[2]!, '--json']);
    expect(requeued.json.results).toEqual([{ marketplace: 'us', requeued: 1, leased: 0, missing: 0 }]);
  });
});

describe('dromedary coordinator', () => {
  it('returns the ASINs of a worker killed with SIGKILL to the schedule once its lease expires', async () => {
    const { client } = coordinatorFor(redis);
    const asins = makeAsins(30, 'K9');
    await client.schedule('it', asins);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/hold-lease.ts', import.meta.url)), redis.url, redis.keyPrefix, 'it', '30', '1500'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const held = await new Promise<string[]>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as string[])));
    expect(held.sort()).toEqual([...asins].sort());
    child.kill('SIGKILL');
    expect(await client.lease({ marketplace: 'it', workerId: 'survivor' })).toMatchObject({ kind: 'nothing_due' });
    const back = await waitFor('the killed worker\'s ASINs to come back', async () => {
      const r = await client.lease({ marketplace: 'it', workerId: 'survivor', max: 100 });
      return r.kind === 'batch' ? r.batch.items.map((i) => i.asin) : undefined;
    });
    expect(back.sort()).toEqual([...asins].sort());
    const [s] = await client.status(['it']);
    expect(s?.totals.expired_items).toBe(30);
  });

  it('runs the ingester and metrics, stops cleanly on SIGTERM, and the schedule is rebuilt from ClickHouse after Redis is lost', async () => {
    const { client: early } = coordinatorFor(redis);
    const gone = await early.lease({ marketplace: 'us', workerId: 'node-0', max: 1 });
    if (gone.kind !== 'batch') throw new Error(gone.kind);
    const goneAsin = gone.batch.items[0]!.asin;
    expect((await early.fail({ leaseId: gone.batch.leaseId, asin: goneAsin, kind: 'not_found' })).kind).toBe('recorded');
    const port = await freePort();
    const role: ChildProcess = spawnCli(['coordinator', '--metrics-port', String(port)], env);
    let stderr = '';
    role.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const { client, redis: conn } = coordinatorFor(redis);
    // Check some products: the acks' envelopes go through the stream into ClickHouse.
    const r = await client.lease({ marketplace: 'de', workerId: 'node-1', max: 10 });
    if (r.kind !== 'batch') throw new Error(r.kind);
    const checkedAt = Date.now() - 3_600_000 * 3;
    const price = (asin: string): number => 1000 + asin.charCodeAt(9);
    expect((await client.settle({ leaseId: r.batch.leaseId, envelope: envelopeFor(r.batch, price, checkedAt) })).kind).toBe('recorded');
    const checked = r.batch.items.map((i) => i.asin);
    expect(checked).toHaveLength(1);
    const metrics = await waitFor('metrics', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      return res?.ok ? res.text() : undefined;
    });
    expect(metrics).toMatch(/dromedary_schedule_size\{[^}]*marketplace="us"[^}]*\} 2997/);
    expect(metrics).toMatch(/dromedary_products_retired\{[^}]*marketplace="us"[^}]*\} 1/);
    expect(metrics).toMatch(/dromedary_schedule_checks_total\{[^}]*marketplace="de"[^}]*outcome="ok"[^}]*\} 1/);
    await waitFor('the ingester to store the prices', async () => {
      const rows = await sql("SELECT count() AS n FROM price_latest FINAL WHERE marketplace = 'de'");
      return Number(rows[0]?.n) === checked.length * 2 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    await waitFor('the retirement to reach the catalog', async () => {
      const rows = await sql(`SELECT state FROM catalog FINAL WHERE marketplace = 'us' AND asin = '${goneAsin}'`);
      return rows[0]?.state === 'retired' ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    role.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => role.once('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(0);

    const before = (await client.status(['us', 'de'])).map((s) => s.scheduled);
    await conn.flushall();
    const rebuilt = await cli(['admin', 'rebuild', '--json']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.json.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ marketplace: 'us', scheduled: 2997, existing: 0, retired: 1 }),
        expect.objectContaining({ marketplace: 'de', scheduled: 1, withPrices: 1 }),
      ]),
    );
    expect((await client.status(['us', 'de'])).map((s) => s.scheduled)).toEqual(before);
    expect(await client.retired('us')).toEqual([goneAsin]);
    // The checked products come back with their last prices, due after the shortest interval at the latest.
    await client.requeue('de', checked);
    const again = await client.lease({ marketplace: 'de', workerId: 'node-2', max: 10 });
    if (again.kind !== 'batch') throw new Error(again.kind);
    const byAsin = new Map(again.batch.items.map((i) => [i.asin, i.previous]));
    for (const asin of checked) {
      expect(byAsin.get(asin)).toEqual({
        new: { price: price(asin), checkedAt: Math.floor(checkedAt / 1000) * 1000 },
        used: { price: null, checkedAt: Math.floor(checkedAt / 1000) * 1000 },
      });
    }
  }, 150_000);
});
