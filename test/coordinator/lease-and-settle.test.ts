import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_ENTRY_FIELD, encodeIngestEnvelope, type IngestEnvelope, type LeaseBatch } from '../../contracts/index.js';
import { redisKeys } from '../../runtime/index.js';
import type { CoordinatorClient } from '../../coordinator/index.js';
import { stateBucket } from '../../coordinator/state-codec.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { coordinatorFor, makeAsins } from './coordinator-fixture.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

function envelopeFor(batch: LeaseBatch, asins: readonly string[], price = 1999): IngestEnvelope {
  const checkedAt = Date.now();
  return {
    v: 1,
    observations: asins.map((asin) => ({
      marketplace: batch.marketplace,
      asin,
      series: 'new',
      condition: 'new',
      sellerKind: 'amazon',
      price,
      previousPrice: null,
      previousCheckedAt: null,
      currency: 'USD',
      listPrice: null,
      isBuyBox: true,
      availability: 'in_stock',
      offerCount: 1,
      checkedAt,
      crawlerId: batch.workerId,
      checkId: `${batch.leaseId}.${asin}`,
    })),
    outcomes: asins.map((asin) => ({
      marketplace: batch.marketplace,
      asin,
      outcome: 'ok',
      httpStatus: 200,
      detail: '',
      checkedAt,
      crawlerId: batch.workerId,
      checkId: `${batch.leaseId}.${asin}`,
      durationMs: 10,
      bytes: 1000,
    })),
    products: [],
  };
}

async function leaseAll(client: CoordinatorClient, marketplace: 'us' | 'de' | 'fr', workerId: string, max: number): Promise<LeaseBatch> {
  const r = await client.lease({ marketplace, workerId, max });
  if (r.kind !== 'batch') throw new Error(`expected a batch, got ${r.kind}`);
  return r.batch;
}

describe('leasing', () => {
  it('hands each ASIN to exactly one worker under concurrent lessees', async () => {
    const { client: admin } = coordinatorFor(redis);
    const asins = makeAsins(3000, 'C1');
    await admin.schedule('us', asins);
    const workers = Array.from({ length: 8 }, (_, i) => ({ id: `w${i}`, ...coordinatorFor(redis) }));
    const seen: string[] = [];
    await Promise.all(
      workers.map(async (w) => {
        for (;;) {
          const r = await w.client.lease({ marketplace: 'us', workerId: w.id, max: 37 });
          if (r.kind !== 'batch') break;
          for (const item of r.batch.items) seen.push(item.asin);
        }
      }),
    );
    expect(seen.length).toBe(asins.length);
    expect(new Set(seen).size).toBe(asins.length);
    const [status] = await admin.status(['us']);
    expect(status?.leasedItems).toBe(asins.length);
    expect(status?.dueNow).toBe(0);
  });

  it('gives every leased ASIN a unique check id and a deadline leaseMs ahead', async () => {
    const { client } = coordinatorFor(redis, { leaseMs: 30_000 });
    await client.schedule('de', makeAsins(10, 'D1'));
    const before = Date.now();
    const batch = await leaseAll(client, 'de', 'w-ids', 10);
    expect(batch.items).toHaveLength(10);
    expect(new Set(batch.items.map((i) => i.checkId)).size).toBe(10);
    expect(batch.deadline).toBeGreaterThanOrEqual(before + 30_000 - 1_000);
    expect(batch.deadline).toBeLessThanOrEqual(Date.now() + 30_000 + 1_000);
  });
});

describe('settling', () => {
  it('appends exactly the envelope to the ingestion stream and reschedules the ASINs', async () => {
    const { client, redis: conn } = coordinatorFor(redis);
    await client.schedule('us', makeAsins(5, 'E1'));
    const batch = await leaseAll(client, 'us', 'w-env', 5);
    const asins = batch.items.map((i) => i.asin);
    const envelope = envelopeFor(batch, asins);
    const stream = redisKeys(redis.keyPrefix).marketplace('us').ingestStream;
    const before = await conn.xlen(stream);
    const r = await client.settle({ leaseId: batch.leaseId, envelope });
    expect(r).toMatchObject({ kind: 'recorded', dropped: [] });
    expect([...(r.kind === 'recorded' ? r.recorded : [])].sort()).toEqual([...asins].sort());
    expect(await conn.xlen(stream)).toBe(before + 1);
    const entries = await conn.xrange(stream, r.kind === 'recorded' ? r.streamId! : '-', '+');
    expect(entries[0]?.[1]).toEqual([INGEST_ENTRY_FIELD, encodeIngestEnvelope(envelope)]);
    for (const asin of asins) {
      const state = await client.inspect('us', asin);
      expect(state?.dueAt).toBeGreaterThan(Date.now() + 59 * 60_000);
    }
  });

  it('drops a late ack from a worker that lost its lease and appends nothing', async () => {
    const { client: a, redis: conn } = coordinatorFor(redis, { leaseMs: 100 });
    const { client: b } = coordinatorFor(redis, { leaseMs: 60_000 });
    const asins = makeAsins(4, 'F1');
    await a.schedule('de', asins);
    const lost = await leaseAll(a, 'de', 'slow', 4);
    // b reclaims the ASINs once a's lease has expired.
    const taken = await waitFor('the expired ASINs to be leased again', async () => {
      const r = await b.lease({ marketplace: 'de', workerId: 'fast', max: 4 });
      return r.kind === 'batch' ? r.batch : undefined;
    });
    expect(taken.items.map((i) => i.asin).sort()).toEqual([...asins].sort());
    const stream = redisKeys(redis.keyPrefix).marketplace('de').ingestStream;
    const before = await conn.xlen(stream);
    const late = await a.settle({ leaseId: lost.leaseId, envelope: envelopeFor(lost, asins, 1) });
    expect(late.kind).toBe('lease_lost');
    expect(await conn.xlen(stream)).toBe(before);
    const good = await b.settle({ leaseId: taken.leaseId, envelope: envelopeFor(taken, asins, 2) });
    expect(good.kind).toBe('recorded');
    expect(await conn.xlen(stream)).toBe(before + 1);
  });

  it('returns an expired lease exactly once when reapers race a late ack', async () => {
    const { client: admin, redis: conn } = coordinatorFor(redis);
    const reapers = Array.from({ length: 3 }, () => coordinatorFor(redis).client);
    const stream = redisKeys(redis.keyPrefix).marketplace('fr').ingestStream;
    const asins = makeAsins(20, 'G1');
    await admin.schedule('fr', asins);
    const [s0] = await admin.status(['fr']);
    let recorded = 0;
    let lost = 0;
    for (let round = 0; round < 30; round++) {
      await admin.requeue('fr', asins);
      const r = await admin.lease({ marketplace: 'fr', workerId: 'racer', max: 20, leaseMs: 1 + (round % 6) });
      if (r.kind !== 'batch') throw new Error(r.kind);
      const batch = r.batch;
      const held = batch.items.map((i) => i.asin);
      const streamBefore = await conn.xlen(stream);
      // Settle around the deadline so that both outcomes happen across rounds.
      await new Promise((resolve) => setTimeout(resolve, 3));
      const [ack] = await Promise.all([
        admin.settle({ leaseId: batch.leaseId, envelope: envelopeFor(batch, held) }),
        ...reapers.map((c) => c.reap('fr')),
      ]);
      const appended = (await conn.xlen(stream)) - streamBefore;
      if (ack.kind === 'recorded') {
        recorded++;
        expect(appended).toBe(1);
      } else {
        lost++;
        expect(appended).toBe(0);
      }
      await waitFor('the round to settle', async () => (await admin.status(['fr']))[0]?.leasedItems === 0);
    }
    const [s1] = await admin.status(['fr']);
    // Every ASIN is back on the schedule exactly once, and each lost round was counted once.
    expect(s1?.waiting).toBe(s0!.waiting);
    expect((s1?.totals.expired_items ?? 0) - (s0?.totals.expired_items ?? 0)).toBe(lost * 20);
    expect(recorded + lost).toBe(30);
  });

  it('carries the previous price of each series into the next lease', async () => {
    const { client } = coordinatorFor(redis);
    const [asin] = makeAsins(1, 'H1') as [string];
    await client.schedule('us', [asin]);
    const first = await leaseAll(client, 'us', 'w-prev', 1);
    expect(first.items[0]?.previous).toEqual({});
    const t1 = Date.now() - 5_000;
    await client.ack({ leaseId: first.leaseId, asin, checkedAt: t1, prices: { new: 1999, used: null, amazon: 2099 } });
    await client.requeue('us', [asin]);
    const second = await leaseAll(client, 'us', 'w-prev', 1);
    expect(second.items[0]?.previous).toEqual({
      new: { price: 1999, checkedAt: t1 },
      used: { price: null, checkedAt: t1 },
      amazon: { price: 2099, checkedAt: t1 },
    });
    const t2 = t1 + 1_000;
    await client.ack({ leaseId: second.leaseId, asin, checkedAt: t2, prices: { new: 1899 } });
    await client.requeue('us', [asin]);
    const third = await leaseAll(client, 'us', 'w-prev', 1);
    expect(third.items[0]?.previous).toEqual({
      new: { price: 1899, checkedAt: t2 },
      used: { price: null, checkedAt: t1 },
      amazon: { price: 2099, checkedAt: t1 },
    });
    await client.release(third.leaseId);
  });

  it('drops an ASIN settled twice but records the rest of the call', async () => {
    const { client, redis: conn } = coordinatorFor(redis);
    const asins = makeAsins(3, 'I1');
    await client.schedule('de', asins);
    const batch = await leaseAll(client, 'de', 'w-twice', 3);
    const [a0, a1, a2] = batch.items.map((i) => i.asin) as [string, string, string];
    expect((await client.ack({ leaseId: batch.leaseId, asin: a0, checkedAt: Date.now(), prices: { new: 5 } })).kind).toBe('recorded');
    const stream = redisKeys(redis.keyPrefix).marketplace('de').ingestStream;
    const before = await conn.xlen(stream);
    const r = await client.settle({ leaseId: batch.leaseId, envelope: envelopeFor(batch, [a0, a1, a2]) });
    expect(r).toMatchObject({ kind: 'recorded', dropped: [a0] });
    const entries = await conn.xrange(stream, '-', '+');
    expect(await conn.xlen(stream)).toBe(before + 1);
    const last = JSON.parse(entries.at(-1)![1][1]!) as IngestEnvelope;
    expect(last.outcomes.map((o) => o.asin).sort()).toEqual([a1, a2].sort());
  });

  it('rejects an envelope about ASINs that are not being settled, changing nothing', async () => {
    const { client } = coordinatorFor(redis);
    const asins = makeAsins(2, 'J1');
    await client.schedule('us', asins);
    const batch = await leaseAll(client, 'us', 'w-bad', 2);
    const envelope = envelopeFor(batch, batch.items.map((i) => i.asin));
    await expect(client.settle({ leaseId: batch.leaseId, checks: [{ asin: batch.items[0]!.asin, outcome: 'timeout' }], envelope })).rejects.toThrow(
      /not among the settled checks/,
    );
    const [s] = await client.status(['us']);
    expect(s?.leasedItems).toBeGreaterThanOrEqual(2);
    expect((await client.release(batch.leaseId)).kind).toBe('released');
  });

  it('renews a held lease and hands back unchecked ASINs as due now', async () => {
    const { client } = coordinatorFor(redis, { leaseMs: 1_000 });
    const asins = makeAsins(3, 'K1');
    await client.schedule('de', asins);
    const batch = await leaseAll(client, 'de', 'w-renew', 3);
    const renewed = await client.renew(batch.leaseId, 60_000);
    expect(renewed.kind).toBe('renewed');
    expect(renewed.kind === 'renewed' && renewed.deadline).toBeGreaterThan(batch.deadline + 50_000);
    expect(await client.release(batch.leaseId, [batch.items[0]!.asin])).toEqual({ kind: 'released', count: 1 });
    expect(await client.release(batch.leaseId)).toEqual({ kind: 'released', count: 2 });
    expect(await client.renew(batch.leaseId)).toEqual({ kind: 'lease_lost', reason: 'unknown' });
    const again = await leaseAll(client, 'de', 'w-renew2', 10);
    expect(again.items.map((i) => i.asin).sort()).toEqual(expect.arrayContaining([...asins].sort()));
    const state = await client.inspect('de', asins[0]!);
    expect(state?.failures).toBe(0);
  });
});

describe('the timing wheel', () => {
  it('never leases an ASIN before its due time, even within the current second', async () => {
    const { client } = coordinatorFor(redis);
    const now = Date.now();
    const [soon, later] = makeAsins(2, 'L1') as [string, string];
    await client.schedule('br', [{ asin: soon, dueAt: now + 150 }, { asin: later, dueAt: now + 60_000 }]);
    const first = await client.lease({ marketplace: 'br', workerId: 'w-wheel' });
    expect(first.kind).toBe('nothing_due');
    expect(first.kind === 'nothing_due' && first.nextDueAt).toBeLessThanOrEqual(now + 150);
    const batch = await waitFor('the first ASIN to fall due', async () => {
      const r = await client.lease({ marketplace: 'br', workerId: 'w-wheel' });
      return r.kind === 'batch' ? r.batch : undefined;
    }, { intervalMs: 5 });
    expect(Date.now()).toBeGreaterThanOrEqual(now + 150);
    expect(batch.items.map((i) => i.asin)).toEqual([soon]);
    expect((await client.inspect('br', later))?.dueAt).toBe(now + 60_000);
    expect((await client.inspect('br', soon))?.dueAt).toBeNull();
  });

  it('keeps an ASIN removed and added again while leased on the schedule exactly once', async () => {
    const { client } = coordinatorFor(redis);
    const asins = makeAsins(3, 'M1');
    await client.schedule('nl', asins);
    const r = await client.lease({ marketplace: 'nl', workerId: 'w-readd', max: 3 });
    if (r.kind !== 'batch') throw new Error(`expected a batch, got ${r.kind}`);
    expect(await client.unschedule('nl', asins)).toEqual({ removed: 3, missing: 0 });
    expect(await client.inspect('nl', asins[0]!)).toBeNull();
    // asins[0] comes back while still leased; asins[1] stays removed; asins[2] is requeued (nothing to do: gone).
    expect(await client.schedule('nl', [asins[0]!])).toEqual({ added: 1, existing: 0 });
    expect(await client.requeue('nl', [asins[2]!])).toEqual({ requeued: 0, leased: 0, missing: 1 });
    expect((await client.lease({ marketplace: 'nl', workerId: 'w-readd2' })).kind).toBe('nothing_due');
    expect(await client.release(r.batch.leaseId)).toEqual({ kind: 'released', count: 3 });
    const again = await client.lease({ marketplace: 'nl', workerId: 'w-readd2', max: 10 });
    expect(again.kind === 'batch' && again.batch.items.map((i) => i.asin)).toEqual([asins[0]]);
    const [s] = await client.status(['nl']);
    expect(s).toMatchObject({ waiting: 0, leasedItems: 1 });
    expect(await client.inspect('nl', asins[1]!)).toBeNull();
  });

  it('records a check the same way whether or not its prices equal the state', async () => {
    // Settle compares a check's price fields with the state's as one string first; a state of the older
    // 11-field layout always goes through the general path. Pairs of ASINs with the same state, one in
    // each layout, settled with the same check, must end with the same state.
    const { client, redis: conn } = coordinatorFor(redis, {}, { policy: { volatilityAlpha: 0.3 } });
    const keys = redisKeys(redis.keyPrefix).marketplace('be');
    const bucket = (asin: string): string => `${keys.key('')}s:${stateBucket(asin)}`;
    const t0 = Date.now() - 3_600_000;
    const T = String(t0);
    const state = (...f: string[]): string[] => f;
    const cases = [
      // unchanged: prices stay, volatility decays, failures reset
      { fields: state('3', '2', '500', T, '1999', '-', '', '', '', '', ''), prices: { new: 1999, amazon: null }, same: true },
      { fields: state('0', '0', '0', '0', '', '', '', '', '', '', ''), prices: {}, same: true },
      { fields: state('7', '0', '999', T, '-', '', '', '450', '', '', '12'), prices: { new: null, used: 450, collectible: 12 }, same: true },
      // changed, a series not looked at (marked with its time), an already marked one, never checked
      { fields: state('1', '0', '200', T, '1000', '', '', '', '', '', ''), prices: { new: 1100 }, same: false },
      { fields: state('1', '1', '200', T, '1000', '950', '', '', '', '', ''), prices: { new: 1000 }, same: false },
      { fields: state('1', '0', '200', T, '1000', '950@123', '', '', '', '', ''), prices: { amazon: 900 }, same: false },
      { fields: state('0', '0', '0', '0', '1000', '', '', '', '', '', ''), prices: {}, same: false },
      // a first check: nothing seen before
      { fields: state('2', '0', '0', '0', '', '', '', '', '', '', ''), prices: { new: 1500, used: 700 }, same: false },
    ];
    const asins = makeAsins(cases.length * 2, 'U1');
    await client.schedule('be', asins);
    const r = await client.lease({ marketplace: 'be', workerId: 'w-same', max: 100 });
    if (r.kind !== 'batch') throw new Error(r.kind);
    for (const [i, c] of cases.entries()) {
      const [current, older] = [asins[2 * i]!, asins[2 * i + 1]!];
      const due = (await conn.hget(bucket(current), current))!.split('|')[11];
      await conn.hset(bucket(current), current, [...c.fields, due].join('|'));
      await conn.hset(bucket(older), older, c.fields.join('|'));
      // Flagged, as a product with failures would be.
      if (c.fields[1] !== '0') await conn.sadd(keys.key('attention'), current, older);
    }
    expect(await client.attention('be')).toHaveLength(4);
    const checkedAt = Date.now();
    const settled = await client.settle({
      leaseId: r.batch.leaseId,
      checks: asins.map((asin, j) => ({ asin, outcome: 'ok' as const, checkedAt, prices: cases[Math.floor(j / 2)]!.prices })),
    });
    expect(settled.kind).toBe('recorded');
    const after: string[][] = [];
    for (const [i, c] of cases.entries()) {
      const [current, older] = [asins[2 * i]!, asins[2 * i + 1]!];
      const a = (await conn.hget(bucket(current), current))!.split('|');
      const b = (await conn.hget(bucket(older), older))!.split('|');
      expect(a.slice(0, 11), `case ${i}`).toEqual(b.slice(0, 11));
      expect([a[0], a[1], a[3]], `case ${i}`).toEqual([c.fields[0], '0', String(checkedAt)]);
      if (c.same) expect(a.slice(4, 11), `case ${i}`).toEqual(c.fields.slice(4, 11));
      expect(Number(a[11])).toBeGreaterThan(checkedAt);
      after.push(a);
    }
    expect(after.map((a) => Number(a[2]))).toEqual([350, 0, 699, Math.floor(200 * 0.7 + 300 + 0.5), 140, 440, 0, 0]);
    expect(after[4]!.slice(4, 6)).toEqual(['1000', `950@${T}`]);
    expect(after[5]!.slice(4, 6)).toEqual([`1000@${T}`, '900']);
    expect(after[6]!.slice(4, 6)).toEqual(['1000', '']);
    expect(after[7]!.slice(4, 11).join('|')).toBe('1500|||700|||');
    expect(await client.attention('be')).toEqual([]);
  });

  it('moves a schedule of the older layout (a due sorted set) onto the wheel', async () => {
    const { client, redis: conn } = coordinatorFor(redis);
    const asins = makeAsins(3, 'N1');
    await client.schedule('se', asins);
    // Rewrite them into the older layout: 11-field states and the due sorted set.
    const prefix = redisKeys(redis.keyPrefix).marketplace('se').key('');
    const wheel = redisKeys(redis.keyPrefix).marketplace('se').key('wheel');
    for (const slot of await conn.zrange(wheel, '0', '-1')) await conn.del(`${prefix}w:${slot}`);
    await conn.del(wheel);
    const now = Date.now();
    for (const [i, asin] of asins.entries()) {
      const bucket = `${prefix}s:${stateBucket(asin)}`;
      await conn.hset(bucket, asin, `${i}|0|0|0|1999||||||`);
      await conn.zadd(`${prefix}due`, i === 2 ? now + 3_600_000 : now - 1_000, asin);
    }
    const [before] = await client.status(['se']);
    expect(before).toMatchObject({ waiting: 3, dueNow: 2 });
    const r = await client.lease({ marketplace: 'se', workerId: 'w-legacy', max: 10 });
    expect(r.kind === 'batch' && r.batch.items.map((i) => i.asin).sort()).toEqual([asins[0], asins[1]]);
    expect(r.kind === 'batch' && r.batch.items[0]?.previous.new).toBeUndefined();
    expect(await conn.exists(`${prefix}due`)).toBe(0);
    expect(await client.inspect('se', asins[2]!)).toMatchObject({ trackers: 2, dueAt: now + 3_600_000 });
  });
});
