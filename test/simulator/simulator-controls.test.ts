import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { textPack } from '../../simulator/locale-text.js';
import { get, readProductPage } from './page-extract.js';

let sim: SimulatorHandle;
let clock = Date.UTC(2025, 2, 3, 8);
const EPOCH = 60_000;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 31,
    products: 30,
    marketplaces: ['us', 'uk', 'de'],
    pageBytes: 20_000,
    priceEpochMs: EPOCH,
    requestLogSize: 50,
    now: () => clock,
    hostility: { rateLimit: false, dogPageProbability: 0 },
  });
});
afterAll(async () => {
  await sim?.close();
});

async function page(mk: 'us' | 'uk' | 'de', asin: string) {
  const r = await get(`${sim.urls[mk]}/dp/${asin}`);
  return readProductPage(r.body, { unavailable: textPack(mk).unavailable });
}

describe('prices over time', () => {
  it('are a pure function of time: flat within an epoch, moving now and then across epochs', () => {
    let moved = 0;
    let outOfStock = 0;
    for (const p of sim.catalogue('us')) {
      const base = clock - (clock % EPOCH);
      expect(sim.priceAt('us', p.asin, 'new', base)).toEqual(sim.priceAt('us', p.asin, 'new', base + EPOCH - 1));
      const seen = new Set<number | null>();
      for (let e = 0; e < 300; e++) {
        const t = sim.priceAt('us', p.asin, 'amazon', base + e * EPOCH);
        seen.add(t.price);
        if (sim.priceAt('us', p.asin, 'new', base + e * EPOCH).price === null) outOfStock++;
      }
      if (seen.size > 2) moved++;
    }
    expect(moved).toBeGreaterThan(3);
    expect(outOfStock).toBeGreaterThan(0);
  });
});

describe('controls', () => {
  it('forces a drop from now, which the page, the truth and the log all show', async () => {
    const p = sim.catalogue('us').find((x) => sim.pageTruth('us', x.asin).priceNew !== null)!;
    const before = sim.pageTruth('us', p.asin).priceNew!;
    const r = sim.forceDrop({ marketplace: 'us', asin: p.asin, percent: 30 });
    expect(r.price).toBeLessThan(before);
    expect(sim.pageTruth('us', p.asin).priceNew).toBe(r.price);
    expect(sim.priceAt('us', p.asin, 'new').price).toBe(r.price);
    expect((await page('us', p.asin)).priceNew).toBe(r.price);
    expect(sim.requests({ limit: 1 })[0]!.product!.priceNew).toBe(r.price);
    clock += 10 * EPOCH;
    expect((await page('us', p.asin)).priceNew).toBe(r.price);
  });

  it('forces a price over HTTP, for a limited time', async () => {
    const p = sim.catalogue('de').find((x) => sim.pageTruth('de', x.asin).priceNew !== null)!;
    const res = await fetch(`${sim.url}/__sim/drop`, {
      method: 'POST',
      body: JSON.stringify({ marketplace: 'de', asin: p.asin, priceDecimal: 12.34, durationMs: 3 * EPOCH }),
    });
    expect(res.status).toBe(200);
    expect((await page('de', p.asin)).priceNew).toBe(1234);
    clock += 4 * EPOCH;
    expect((await page('de', p.asin)).priceNew).not.toBe(1234);
    const bad = await fetch(`${sim.url}/__sim/drop`, { method: 'POST', body: JSON.stringify({ marketplace: 'de', asin: p.asin }) });
    expect(bad.status).toBe(400);
  });

  it('takes a product out of stock and restocks it', async () => {
    const p = sim.catalogue('uk').find((x) => sim.pageTruth('uk', x.asin).availability === 'in_stock')!;
    const out = await fetch(`${sim.url}/__sim/stock-out`, { method: 'POST', body: JSON.stringify({ marketplace: 'uk', asin: p.asin }) });
    expect(out.status).toBe(200);
    const oos = await page('uk', p.asin);
    expect(oos.availability).toBe('out_of_stock');
    expect(oos.priceNew).toBeNull();
    expect(sim.pageTruth('uk', p.asin).availability).toBe('out_of_stock');
    sim.restock({ marketplace: 'uk', asin: p.asin });
    const back = await page('uk', p.asin);
    expect(back.availability).toBe('in_stock');
    expect(back.priceNew ?? back.priceUsed).not.toBeNull();
  });

  it('keeps a bounded request log and per-IP counters, readable over HTTP; reset clears controls and logs', async () => {
    sim.reset();
    const p = sim.catalogue('us')[4]!;
    for (let i = 0; i < 60; i++) await get(`${sim.urls.us}/dp/${p.asin}`, { localAddress: '127.0.0.5' });
    const log = (await (await fetch(`${sim.url}/__sim/requests?ip=127.0.0.5&limit=1000`)).json()) as { capacity: number; entries: { seq: number; served: string }[] };
    expect(log.capacity).toBe(50);
    expect(log.entries.length).toBe(50);
    expect(log.entries.every((e) => e.served === 'product')).toBe(true);
    const clients = (await (await fetch(`${sim.url}/__sim/clients`)).json()) as { clients: { ip: string; requests: number; ratePerSec: number }[] };
    const c = clients.clients.find((x) => x.ip === '127.0.0.5')!;
    expect(c.requests).toBe(60);
    expect(c.ratePerSec).toBe(6);

    const dropped = sim.catalogue('us').find((x) => sim.pageTruth('us', x.asin).priceNew !== null)!;
    const natural = sim.pageTruth('us', dropped.asin).priceNew;
    sim.forceDrop({ marketplace: 'us', asin: dropped.asin, price: 100 });
    expect((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(sim.pageTruth('us', dropped.asin).priceNew).toBe(natural);
    expect(sim.requests().length).toBe(0);
    expect(sim.clients()).toEqual([]);
  });
});
