import { afterAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { textPack } from '../../simulator/locale-text.js';
import { get, readProductPage } from './page-extract.js';

const started: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

async function sim(seed: number, extra: Parameters<typeof startSimulator>[0] = {}): Promise<SimulatorHandle> {
  const s = await startSimulator({ seed, products: 20, pageBytes: 30_000, hostility: { rateLimit: false, dogPageProbability: 0 }, ...extra });
  started.push(s);
  return s;
}

describe('ground truth', () => {
  it('equals what every served product page embeds, for several seeds, every storefront and both layouts', async () => {
    const variants = new Set<string>();
    const tally = { used: 0, list: 0, refurbished: 0, outOfStock: 0, unknown: 0, thirdParty: 0, amazon: 0 };
    for (const seed of [1, 2, 3]) {
      const s = await sim(seed);
      for (const mk of s.options.marketplaces) {
        for (const p of s.catalogue(mk)) {
          const r = await get(`${s.urls[mk]}/dp/${p.asin}`);
          const entry = s.requestFor(r.headers['x-amz-rid'] as string)!;
          const truth = s.pageTruth(mk, p.asin, entry.time);
          const seen = readProductPage(r.body, { unavailable: textPack(mk).unavailable });
          const where = `${mk} ${p.asin} ${p.variant} seed ${seed}`;
          expect(seen.asin, where).toBe(p.asin);
          expect(seen.title, where).toBe(truth.title);
          expect(seen.priceNew ?? null, where).toBe(truth.priceNew ?? truth.priceRefurbished);
          expect(seen.priceUsed, where).toBe(truth.priceUsed);
          expect(seen.listPrice, where).toBe(truth.listPrice);
          expect(seen.availability, where).toBe(truth.availability);
          if (truth.sellerName) expect(seen.sellerName ?? '', where).toContain(truth.sellerName);
          expect(entry.product, where).toEqual({
            layout: truth.layout,
            variant: truth.variant,
            priceNew: truth.priceNew,
            priceUsed: truth.priceUsed,
            priceRefurbished: truth.priceRefurbished,
            listPrice: truth.listPrice,
            availability: truth.availability,
            seller: truth.seller,
          });
          variants.add(`${truth.layout}:${truth.variant}`);
          if (truth.priceUsed !== null) tally.used++;
          if (truth.listPrice !== null) tally.list++;
          if (truth.priceRefurbished !== null) tally.refurbished++;
          if (truth.availability === 'out_of_stock') tally.outOfStock++;
          if (truth.availability === 'unknown') tally.unknown++;
          if (truth.seller === 'third_party') tally.thirdParty++;
          if (truth.seller === 'amazon') tally.amazon++;
        }
      }
    }
    expect(variants.size).toBeGreaterThanOrEqual(9);
    // The comparison covered every kind of value, not only the easy ones.
    for (const [k, n] of Object.entries(tally)) expect(n, k).toBeGreaterThan(0);
  });

  it('gives series truth consistent with the offers on the market', async () => {
    const s = await sim(4);
    for (const p of s.catalogue('us')) {
      const t = s.truth('us', p.asin);
      const all = [...(t.offers.pinned ? [t.offers.pinned] : []), ...t.offers.offers];
      const min = (pred: (o: (typeof all)[number]) => boolean) => {
        const list = all.filter(pred).map((o) => o.price);
        return list.length ? Math.min(...list) : null;
      };
      expect(t.series.amazon.price).toBe(min((o) => o.seller === 'amazon' && o.condition === 'new'));
      expect(t.series.new_3p.price).toBe(min((o) => o.seller === 'third_party' && o.condition === 'new'));
      expect(t.series.used.price).toBe(min((o) => o.condition === 'used'));
      expect(t.series.warehouse.price).toBe(min((o) => o.seller === 'warehouse'));
      expect(t.series.refurbished.price).toBe(min((o) => o.condition === 'refurbished'));
      expect(t.series.new.price).toBe(t.page.priceNew);
      expect(t.offers.totalOfferCount).toBe(all.length);
    }
  });

  it('is deterministic by seed: same seed, same catalogue and the same page; another seed, another catalogue', async () => {
    const T = Date.UTC(2025, 5, 1, 12);
    const a = await sim(9, { now: () => T });
    const b = await sim(9, { now: () => T });
    const c = await sim(10, { now: () => T });
    expect(a.catalogue()).toEqual(b.catalogue());
    expect(a.catalogue().map((p) => p.asin)).not.toEqual(c.catalogue().map((p) => p.asin));
    const p = a.catalogue('de')[2]!;
    const pa = await get(`${a.urls.de}/dp/${p.asin}`);
    const pb = await get(`${b.urls.de}/dp/${p.asin}`);
    expect(pa.body).toBe(pb.body);
    expect(a.truth('de', p.asin)).toEqual(b.truth('de', p.asin));
  });

  it('exposes the truth over HTTP with minor units and decimals', async () => {
    const s = await sim(5);
    const p = s.catalogue('jp')[0]!;
    const t = s.truth('jp', p.asin);
    const json = (await (await fetch(`${s.url}/__sim/truth/jp/${p.asin}?t=${t.time}`)).json()) as {
      series: Record<string, { price: number | null; priceDecimal: number | null }>;
      page: { priceNew: number | null; priceNewDecimal: number | null };
    };
    expect(json.series.new!.price).toBe(t.series.new.price);
    expect(json.series.new!.priceDecimal).toBe(t.series.new.price);
    const us = s.catalogue('us').find((x) => s.truth('us', x.asin).page.priceNew !== null)!;
    const tu = s.truth('us', us.asin);
    const ju = (await (await fetch(`${s.url}/__sim/truth/us/${us.asin}?t=${tu.time}`)).json()) as { page: { priceNewDecimal: number } };
    expect(ju.page.priceNewDecimal).toBe(tu.page.priceNew! / 100);
    const price = (await (await fetch(`${s.url}/__sim/price/us/${us.asin}/amazon?t=${tu.time}`)).json()) as { price: number | null };
    expect(price.price).toBe(tu.series.amazon.price);
    const cat = (await (await fetch(`${s.url}/__sim/catalogue?marketplace=de`)).json()) as { products: { asin: string }[] };
    expect(cat.products.map((x) => x.asin)).toEqual(s.catalogue('de').map((x) => x.asin));
    expect((await fetch(`${s.url}/__sim/truth/us/B000000000`)).status).toBe(404);
    expect((await fetch(`${s.url}/__sim/truth/zz/${us.asin}`)).status).toBe(400);
  });
});
