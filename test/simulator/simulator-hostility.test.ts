import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { get } from './page-extract.js';

let sim: SimulatorHandle;
let clock = Date.UTC(2025, 0, 6, 9);

beforeAll(async () => {
  sim = await startSimulator({
    seed: 21,
    products: 10,
    marketplaces: ['us', 'de', 'jp'],
    pageBytes: 20_000,
    now: () => clock,
    hostility: { rateLimit: { ratePerSec: 1, burst: 5, cooldownMs: 30_000 }, dogPageProbability: 0, captcha503Share: 0.5 },
  });
});
afterAll(async () => {
  await sim?.close();
});

function shapeOf(body: string): string {
  if (body.includes('<title dir="ltr">Robot Check</title>')) return 'image';
  if (body.includes('Enter the characters you see below')) return 'opf';
  if (body.includes('Click the button below to continue shopping')) return 'continue';
  if (body.includes('window.gokuProps')) return 'waf';
  return 'none';
}

describe('per-client-IP rate limit', () => {
  it('answers a client over its rate with robot checks, as 200 and as 503, in the real shapes, while other IPs are served', async () => {
    const asin = sim.catalogue('us')[0]!.asin;
    const statuses = new Map<number, number>();
    const shapes = new Set<string>();
    let products = 0;
    for (let i = 0; i < 40; i++) {
      const r = await get(`${sim.urls.us}/dp/${asin}`, { localAddress: '127.0.0.2' });
      if (r.body.includes('id="productTitle"')) {
        products++;
        continue;
      }
      expect(r.body).not.toContain('productTitle');
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      shapes.add(shapeOf(r.body));
    }
    expect(products).toBe(5);
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(shapes.has('none')).toBe(false);
    expect(shapes.size).toBeGreaterThanOrEqual(3);
    const other = await get(`${sim.urls.us}/dp/${asin}`, { localAddress: '127.0.0.3' });
    expect(other.status).toBe(200);
    expect(other.body).toContain('id="productTitle"');
    const log = sim.requests({ ip: '127.0.0.2' });
    expect(log.filter((e) => e.served === 'captcha').map((e) => e.captcha!.reason)).toContain('rate');
    const stats = sim.clients().find((c) => c.ip === '127.0.0.2')!;
    expect(stats.requests).toBe(40);
    expect(stats.served.captcha).toBe(35);
    expect(stats.blockedUntil).toBeGreaterThan(clock);
  });

  it('keeps robot-checking the client through its cool-down, then serves it again', async () => {
    const asin = sim.catalogue('de')[1]!.asin;
    clock += 10_000; // tokens refilled, but the cool-down (30 s) is still running
    const during = await get(`${sim.urls.de}/dp/${asin}`, { localAddress: '127.0.0.2' });
    expect(shapeOf(during.body)).not.toBe('none');
    expect(sim.requests({ limit: 1 })[0]!.captcha!.reason).toBe('cooldown');
    clock += 25_000;
    const after = await get(`${sim.urls.de}/dp/${asin}`, { localAddress: '127.0.0.2' });
    expect(after.status).toBe(200);
    expect(after.body).toContain('id="productTitle"');
  });
});

describe('storms, dog pages and latency', () => {
  it('robot-checks every request of one storefront during a CAPTCHA storm, and only until it ends', async () => {
    sim.setHostility({ rateLimit: false });
    const de = sim.catalogue('de')[0]!.asin;
    const jp = sim.catalogue('jp')[0]!.asin;
    const res = await fetch(`${sim.url}/__sim/captcha-storm`, { method: 'POST', body: JSON.stringify({ marketplace: 'de', durationMs: 5000, status: 503 }) });
    expect(res.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const r = await get(`${sim.urls.de}/dp/${de}`, { localAddress: '127.0.0.4' });
      expect(r.status).toBe(503);
      expect(shapeOf(r.body)).not.toBe('none');
    }
    expect((await get(`${sim.urls.jp}/dp/${jp}`, { localAddress: '127.0.0.4' })).body).toContain('id="productTitle"');
    clock += 6000;
    expect((await get(`${sim.urls.de}/dp/${de}`, { localAddress: '127.0.0.4' })).body).toContain('id="productTitle"');
  });

  it('serves 503 dog pages with the configured probability, and none at probability 0', async () => {
    sim.setHostility({ rateLimit: false, dogPageProbability: 0.3 });
    const asin = sim.catalogue('us')[2]!.asin;
    let dogs = 0;
    for (let i = 0; i < 200; i++) {
      const r = await get(`${sim.urls.us}/dp/${asin}`);
      if (r.body.includes('Dogs of Amazon')) {
        expect(r.status).toBe(503);
        expect(r.body).toContain('Sorry! Something went wrong!');
        dogs++;
      }
    }
    expect(dogs).toBeGreaterThan(30);
    expect(dogs).toBeLessThan(90);
    sim.setHostility({ dogPageProbability: 0 });
    for (let i = 0; i < 50; i++) expect((await get(`${sim.urls.us}/dp/${asin}`)).status).toBe(200);
  });

  it('delays responses by the configured latency', async () => {
    sim.setHostility({ latencyMs: 150 });
    const start = performance.now();
    const r = await get(`${sim.urls.us}/dp/${sim.catalogue('us')[3]!.asin}`);
    expect(r.status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    sim.setHostility({ latencyMs: 0 });
  });
});
