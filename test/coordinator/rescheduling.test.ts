import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketplaceCode } from '../../config/index.js';
import type { CoordinatorClient } from '../../coordinator/index.js';
import type { LeaseBatch } from '../../contracts/index.js';
import { redisKeys } from '../../runtime/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { coordinatorFor, makeAsins } from './coordinator-fixture.js';

const HOUR = 3_600_000;
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function leaseOne(client: CoordinatorClient, marketplace: MarketplaceCode, max = 100): Promise<LeaseBatch> {
  const r = await client.lease({ marketplace, workerId: 'w', max });
  if (r.kind !== 'batch') throw new Error(`expected a batch, got ${r.kind}`);
  return r.batch;
}

/** Acks every ASIN of a fresh lease with `price(asin)` and returns each ASIN's next interval, ms. */
async function ackAll(client: CoordinatorClient, marketplace: MarketplaceCode, asins: readonly string[], price: (asin: string) => number): Promise<number[]> {
  await client.requeue(marketplace, asins);
  const batch = await leaseOne(client, marketplace, asins.length);
  const checkedAt = Date.now();
  const r = await client.settle({
    leaseId: batch.leaseId,
    checks: batch.items.map((i) => ({ asin: i.asin, outcome: 'ok' as const, checkedAt, prices: { new: price(i.asin) } })),
  });
  expect(r.kind).toBe('recorded');
  const now = Date.now();
  return Promise.all(asins.map(async (a) => ((await client.inspect(marketplace, a))?.dueAt ?? 0) - now));
}

describe('rescheduling after a successful check', () => {
  it('checks the most tracked products hourly and untracked stable ones within the longest interval', async () => {
    const { client } = coordinatorFor(redis);
    const hot = makeAsins(50, 'H0');
    const cold = makeAsins(50, 'C0');
    await client.schedule('us', hot);
    await client.schedule('uk', cold);
    expect(await client.setTrackerCounts('us', hot.map((asin) => ({ asin, count: 500 })))).toEqual({ updated: 50, unknown: [] });
    for (let i = 0; i < 2; i++) {
      const hotIntervals = await ackAll(client, 'us', hot, () => 1000);
      for (const ms of hotIntervals) {
        expect(ms).toBeGreaterThan(HOUR - 5_000);
        expect(ms).toBeLessThanOrEqual(HOUR * 1.05);
      }
      const coldIntervals = await ackAll(client, 'uk', cold, () => 1000);
      for (const ms of coldIntervals) {
        expect(ms).toBeGreaterThan(6 * HOUR * 0.95 - 5_000);
        expect(ms).toBeLessThanOrEqual(6 * HOUR);
      }
      // Jitter spreads them: not all on the same millisecond.
      expect(new Set(coldIntervals).size).toBeGreaterThan(10);
    }
  });

  it('checks volatile products more often than stable ones, within the bounds', async () => {
    const { client } = coordinatorFor(redis);
    const asins = makeAsins(20, 'V0');
    await client.schedule('de', asins);
    let intervals: number[] = [];
    for (let round = 0; round < 6; round++) intervals = await ackAll(client, 'de', asins, () => 1000 + round);
    for (const ms of intervals) {
      expect(ms).toBeGreaterThanOrEqual(HOUR - 5_000);
      expect(ms).toBeLessThan(3 * HOUR);
    }
    for (let round = 0; round < 12; round++) intervals = await ackAll(client, 'de', asins, () => 7);
    for (const ms of intervals) expect(ms).toBeGreaterThan(5 * HOUR);
  });

  it('brings a product forward when it gains trackers', async () => {
    const { client } = coordinatorFor(redis);
    const asins = makeAsins(5, 'T0');
    await client.schedule('fr', asins);
    await ackAll(client, 'fr', asins, () => 1);
    const r = await client.setTrackerCounts('fr', [...asins.map((asin) => ({ asin, count: 1_000 })), { asin: 'B000000000', count: 3 }]);
    expect(r).toEqual({ updated: 5, unknown: ['B000000000'] });
    for (const a of asins) {
      const s = await client.inspect('fr', a);
      expect(s?.trackers).toBe(1_000);
      expect((s?.dueAt ?? 0) - Date.now()).toBeLessThanOrEqual(HOUR * 1.05);
    }
  });
});

describe('failures', () => {
  it('backs off exponentially up to the cap and flags attention after K consecutive product failures', async () => {
    const { client } = coordinatorFor(redis, { failureBackoffMs: 40, maxFailureBackoffMs: 160, attentionAfterFailures: 3 });
    const [asin] = makeAsins(1, 'X0') as [string];
    await client.schedule('it', [asin]);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = await waitFor('the product to be due again', async () => {
        const r = await client.lease({ marketplace: 'it', workerId: 'w', max: 1 });
        return r.kind === 'batch' ? r.batch : undefined;
      }, { intervalMs: 5 });
      await client.fail({ leaseId: batch.leaseId, asin, kind: i % 2 === 0 ? 'timeout' : 'parse_failure' });
      delays.push(((await client.inspect('it', asin))?.dueAt ?? 0) - Date.now());
      const flagged = (await client.attention('it')).includes(asin);
      expect(flagged).toBe(i + 1 >= 3);
    }
    const expected = [40, 80, 160, 160, 160];
    delays.forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(expected[i]!);
      expect(d).toBeGreaterThan(expected[i]! - 30);
    });
    expect((await client.status(['it']))[0]?.attention).toBe(1);
    // A success clears the failures and the flag.
    const batch = await waitFor('due again', async () => {
      const r = await client.lease({ marketplace: 'it', workerId: 'w', max: 1 });
      return r.kind === 'batch' ? r.batch : undefined;
    }, { intervalMs: 5 });
    await client.ack({ leaseId: batch.leaseId, asin, checkedAt: Date.now(), prices: { new: 10 } });
    expect(await client.attention('it')).toEqual([]);
    expect((await client.inspect('it', asin))?.failures).toBe(0);
  });

  it('retries a captcha or block soon without counting it against the product', async () => {
    const { client } = coordinatorFor(redis, { attentionAfterFailures: 1 }, { policy: { blockedRetryMs: 20_000 } });
    const asins = makeAsins(2, 'Y0');
    await client.schedule('es', asins);
    const batch = await leaseOne(client, 'es');
    await client.settle({ leaseId: batch.leaseId, checks: [{ asin: asins[0]!, outcome: 'captcha' }, { asin: asins[1]!, outcome: 'blocked' }] });
    for (const a of asins) {
      const s = await client.inspect('es', a);
      expect(s?.failures).toBe(0);
      expect((s?.dueAt ?? 0) - Date.now()).toBeLessThanOrEqual(20_000);
      expect((s?.dueAt ?? 0) - Date.now()).toBeGreaterThan(15_000);
    }
    expect(await client.attention('es')).toEqual([]);
    const [status] = await client.status(['es']);
    expect(status?.recent.byOutcome).toMatchObject({ captcha: 1, blocked: 1 });
    expect(status?.recent.captchaRate).toBe(0.5);
  });

  it('retires a product Amazon no longer has, and tracks it again when added again', async () => {
    const { client } = coordinatorFor(redis);
    const [gone, kept] = makeAsins(2, 'N0') as [string, string];
    await client.schedule('ca', [gone, kept]);
    const batch = await leaseOne(client, 'ca');
    await client.settle({ leaseId: batch.leaseId, checks: [{ asin: gone, outcome: 'not_found' }, { asin: kept, outcome: 'ok', checkedAt: Date.now(), prices: {} }] });
    expect(await client.inspect('ca', gone)).toBeNull();
    expect(await client.retired('ca')).toEqual([gone]);
    const [status] = await client.status(['ca']);
    expect(status).toMatchObject({ retired: 1, scheduled: 1 });
    await client.requeue('ca', [kept]);
    expect((await leaseOne(client, 'ca')).items.map((i) => i.asin)).toEqual([kept]);
    expect(await client.schedule('ca', [gone])).toEqual({ added: 1, existing: 0 });
    expect(await client.retired('ca')).toEqual([]);
  });
});

describe('operator controls', () => {
  it('pauses and resumes a marketplace', async () => {
    const { client } = coordinatorFor(redis);
    await client.schedule('jp', makeAsins(3, 'P0'));
    await client.pause('jp');
    expect(await client.lease({ marketplace: 'jp', workerId: 'w' })).toEqual({ kind: 'paused' });
    expect((await client.status(['jp']))[0]?.paused).toBe(true);
    await client.resume('jp');
    expect((await client.lease({ marketplace: 'jp', workerId: 'w' })).kind).toBe('batch');
  });

  it('refuses leases while the ingestion stream is full and shrinks them as it fills', async () => {
    const { client, redis: conn } = coordinatorFor(redis, {}, { maxStreamLength: 10 });
    await client.schedule('in', makeAsins(100, 'Q0'));
    const stream = redisKeys(redis.keyPrefix).marketplace('in').ingestStream;
    for (let i = 0; i < 9; i++) await conn.xadd(stream, '*', 'e', '{}');
    const small = await client.lease({ marketplace: 'in', workerId: 'w', max: 50 });
    expect(small.kind === 'batch' && small.batch.items.length).toBe(25);
    await conn.xadd(stream, '*', 'e', '{}');
    expect(await client.lease({ marketplace: 'in', workerId: 'w', max: 50 })).toEqual({ kind: 'back_pressure', streamLength: 10, maxStreamLength: 10 });
    await conn.xtrim(stream, 'MAXLEN', 0);
    const full = await client.lease({ marketplace: 'in', workerId: 'w', max: 50 });
    expect(full.kind === 'batch' && full.batch.items.length).toBe(50);
  });

  it('drains a worker: its leases come back and it is told to stop leasing', async () => {
    const { client } = coordinatorFor(redis);
    const asins = makeAsins(10, 'R0');
    await client.schedule('mx', asins);
    const a = await client.lease({ marketplace: 'mx', workerId: 'node-a', max: 4 });
    const b = await client.lease({ marketplace: 'mx', workerId: 'node-b', max: 6 });
    expect(a.kind === 'batch' && b.kind === 'batch').toBe(true);
    expect(await client.drain('node-a', { marketplaces: ['mx'] })).toEqual({ leases: 1, items: 4 });
    expect(await client.lease({ marketplace: 'mx', workerId: 'node-a' })).toEqual({ kind: 'draining' });
    const c = await client.lease({ marketplace: 'mx', workerId: 'node-c', max: 10 });
    expect(c.kind === 'batch' && c.batch.items.map((i) => i.asin).sort()).toEqual(a.kind === 'batch' && a.batch.items.map((i) => i.asin).sort());
    if (a.kind === 'batch') expect((await client.ack({ leaseId: a.batch.leaseId, asin: a.batch.items[0]!.asin, checkedAt: Date.now(), prices: {} })).kind).toBe('lease_lost');
    await client.drain('node-a', { marketplaces: ['mx'], clear: true });
    expect((await client.lease({ marketplace: 'mx', workerId: 'node-a' })).kind).toBe('nothing_due');
  });

  it('requeues named ASINs and every ASIN needing attention', async () => {
    const { client } = coordinatorFor(redis, { attentionAfterFailures: 1 });
    const asins = makeAsins(4, 'S0');
    await client.schedule('au', asins);
    const batch = await leaseOne(client, 'au');
    await client.settle({
      leaseId: batch.leaseId,
      checks: [
        { asin: asins[0]!, outcome: 'http_error' },
        { asin: asins[1]!, outcome: 'http_error' },
        { asin: asins[2]!, outcome: 'ok', checkedAt: Date.now(), prices: {} },
        { asin: asins[3]!, outcome: 'ok', checkedAt: Date.now(), prices: {} },
      ],
    });
    expect((await client.lease({ marketplace: 'au', workerId: 'w' })).kind).toBe('nothing_due');
    expect(await client.requeue('au', 'attention')).toEqual({ requeued: 2, leased: 0, missing: 0 });
    expect(await client.requeue('au', [asins[2]!, 'B0ZZZZZZZZ'])).toEqual({ requeued: 1, leased: 0, missing: 1 });
    expect((await leaseOne(client, 'au')).items.map((i) => i.asin).sort()).toEqual([asins[0], asins[1], asins[2]].sort());
  });

  it('reports the schedule in status', async () => {
    const { client } = coordinatorFor(redis, {}, { policy: { overdueAfterMs: 1 } });
    await client.schedule('sg', makeAsins(30, 'U0'));
    const batch = await leaseOne(client, 'sg', 10);
    await client.settle({ leaseId: batch.leaseId, checks: batch.items.slice(0, 4).map((i) => ({ asin: i.asin, outcome: 'ok' as const, checkedAt: Date.now(), prices: {} })) });
    await waitFor('the ASINs to become overdue', async () => ((await client.status(['sg']))[0]?.overdue ?? 0) === 20);
    const [s] = await client.status(['sg']);
    expect(s).toMatchObject({ marketplace: 'sg', scheduled: 30, waiting: 24, dueNow: 20, overdue: 20, leases: 1, leasedItems: 6, paused: false, proxies: null });
    expect(s?.oldestLagMs).toBeGreaterThan(0);
    expect(s?.recent.byOutcome.ok).toBe(4);
    expect(s?.recent.successRate).toBe(1);
    expect(s?.totals).toMatchObject({ leased: 10, ok: 4 });
    expect(await client.marketplaces()).toContain('sg');
  });
});
