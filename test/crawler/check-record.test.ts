/** What a check records: observations carrying the previous price of their series, outcomes, no price for a failure. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOutcomeSchema, priceObservationSchema, productMetadataSchema } from '../../contracts/index.js';
import { type CheckContext, failureEntry, successEntry } from '../../crawler/index.js';
import { type ParsedOffers, type ProductPage, parseOffers, parsePage } from '../../parser/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';

let sim: SimulatorHandle;
let page: ProductPage;
let offers: ParsedOffers;
let asin: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 81, products: 30, marketplaces: ['uk'], pageBytes: 20_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
  // A product with a used offer, so several series have prices.
  for (const p of sim.catalogue('uk')) {
    const t = sim.truth('uk', p.asin);
    if (t.series.new.price !== null && t.series.used.price !== null && t.series.refurbished.price === null) {
      asin = p.asin;
      break;
    }
  }
  const get = (url: string) => Buffer.concat(sim.core.handle({ method: 'GET', host: undefined, url, ip: '10.0.0.9', acceptsGzip: false }).body!.chunks);
  const parsed = parsePage(get(`/uk/dp/${asin}`), { marketplace: 'uk' });
  if (parsed.kind !== 'product') throw new Error(parsed.kind);
  page = parsed;
  offers = parseOffers(get(`/uk/gp/aod/ajax?asin=${asin}&pc=dp&pageno=1`), { marketplace: 'uk' });
});
afterAll(async () => {
  await sim.close();
});

const ctx = (previous: CheckContext['previous']): CheckContext => ({
  marketplace: 'uk',
  asin,
  checkId: `uk.lease.${asin}`,
  previous,
  crawlerId: 'node-1',
  checkedAt: 1_700_000_000_000,
  durationMs: 321.6,
  bytes: 12_345,
  httpStatus: 200,
});

describe('a check’s record', () => {
  it('has one observation per series with an offer, each with the series’ previous price and time from the lease', () => {
    const e = successEntry(ctx({ new: { price: 1, checkedAt: 1_600_000_000_000 } }), page, offers, ['S1', 'S2']);
    const truth = sim.truth('uk', asin);
    expect(e.observations.length).toBeGreaterThanOrEqual(3);
    for (const o of e.observations) {
      expect(priceObservationSchema.safeParse(o).success).toBe(true);
      expect(o).toMatchObject({ asin, checkId: `uk.lease.${asin}`, crawlerId: 'node-1', checkedAt: 1_700_000_000_000, currency: 'GBP' });
      expect(o.price).toBe(truth.series[o.series].price);
    }
    const n = e.observations.find((o) => o.series === 'new')!;
    expect(n).toMatchObject({ previousPrice: 1, previousCheckedAt: 1_600_000_000_000, isBuyBox: true });
    expect(e.observations.find((o) => o.series === 'used')).toMatchObject({ previousPrice: null, previousCheckedAt: null });
    expect(e.check).toMatchObject({ outcome: 'ok', checkedAt: 1_700_000_000_000 });
    expect(crawlOutcomeSchema.parse(e.outcome)).toMatchObject({ outcome: 'ok', detail: 'rid=S1 aod=S2', durationMs: 322, bytes: 12_345 });
    expect(productMetadataSchema.safeParse(e.product).success).toBe(true);
  });

  it('records a series going to "no offer" only when it had a price before, and only when the offers were read', () => {
    const before = { refurbished: { price: 999, checkedAt: 1_600_000_000_000 }, collectible: { price: null, checkedAt: 1_600_000_000_000 } };
    const withOffers = successEntry(ctx(before), page, offers, []);
    expect(withOffers.observations.find((o) => o.series === 'refurbished')).toMatchObject({ price: null, previousPrice: 999, availability: 'out_of_stock' });
    expect(withOffers.observations.find((o) => o.series === 'collectible'), 'no offer before, none now: nothing to record').toBeUndefined();
    expect(withOffers.check.outcome === 'ok' && withOffers.check.prices.refurbished).toBeNull();
    const pageOnly = successEntry(ctx(before), page, null, []);
    expect(pageOnly.observations.find((o) => o.series === 'refurbished'), 'not looked at without the offers').toBeUndefined();
  });

  it('records a failed check as an outcome only, with a short reason and no HTML', () => {
    const e = failureEntry(ctx({}), 'captcha', 'RobotCheckError: <html><body>Robot Check</body></html>\n\u0000');
    expect(e.observations).toEqual([]);
    expect(e.product).toBeNull();
    expect(e.check).toEqual({ asin, outcome: 'captcha' });
    expect(e.outcome.outcome).toBe('captcha');
    expect(e.outcome.detail).not.toMatch(/[<>\u0000\n]/);
  });
});
