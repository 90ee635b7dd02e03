import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { byId, get, offscreen, text } from './page-extract.js';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 11,
    products: 24,
    marketplaces: ['us', 'uk', 'de', 'fr', 'jp', 'in'],
    hostility: { rateLimit: false, dogPageProbability: 0 },
  });
});
afterAll(async () => {
  await sim?.close();
});

const HOSTS = { us: 'www.amazon.com', uk: 'www.amazon.co.uk', de: 'www.amazon.de', fr: 'www.amazon.fr', jp: 'www.amazon.co.jp', in: 'www.amazon.in' } as const;

describe('routing', () => {
  it('serves the same product page by Host header and by path prefix, in at least three storefronts', async () => {
    for (const mk of ['us', 'de', 'jp'] as const) {
      const p = sim.catalogue(mk)[0]!;
      const byHost = await get(`${sim.url}/dp/${p.asin}`, { host: HOSTS[mk] });
      const byPrefix = await get(`${sim.urls[mk]}/dp/${p.asin}`);
      expect(byHost.status).toBe(200);
      expect(byPrefix.status).toBe(200);
      for (const r of [byHost, byPrefix]) {
        expect(r.body).toContain(`<input type="hidden" id="ASIN" name="ASIN" value="${p.asin}">`);
        expect(text(byId(r.body, 'productTitle')!)).toBe(p.title);
      }
      const log = sim.requests({ limit: 2 });
      expect(log.map((e) => e.marketplace)).toEqual([mk, mk]);
    }
  });

  it('answers every product URL shape Amazon uses', async () => {
    const p = sim.catalogue('uk')[3]!;
    for (const path of [`/dp/${p.asin}`, `/gp/product/${p.asin}`, `/gp/aw/d/${p.asin}`, `/Some-Slug-Here/dp/${p.asin}/ref=sr_1_3?keywords=x&qid=1`, `/dp/${p.asin.toLowerCase()}?th=1`]) {
      const r = await get(`${sim.url}${path}`, { host: HOSTS.uk });
      expect(r.status, path).toBe(200);
      expect(r.body, path).toContain(`id="ASIN" name="ASIN" value="${p.asin}"`);
    }
  });

  it('answers unknown ASINs and unknown paths with the 404 dog page', async () => {
    const r = await get(`${sim.urls.us}/dp/B000000000`);
    expect(r.status).toBe(404);
    expect(r.body).toContain('Dogs of Amazon');
    expect(r.body).not.toContain('productTitle');
    const other = await get(`${sim.urls.us}/no/such/page`);
    expect(other.status).toBe(404);
    const notServed = await get(`${sim.url}/dp/${sim.catalogue('us')[0]!.asin}`, { host: 'www.amazon.com.br' });
    expect(notServed.status).toBe(404);
  });
});

describe('pages', () => {
  it('serves both layouts with the real pages’ data regions', async () => {
    const layouts = new Set<string>();
    for (const p of sim.catalogue('us')) {
      const r = await get(`${sim.urls.us}/dp/${p.asin}`);
      layouts.add(p.layout);
      if (p.layout === 'old') {
        expect(r.body).toContain('id="centerCol"');
        expect(r.body).not.toContain('id="corePriceDisplay_desktop_feature_div"');
        if (sim.pageTruth('us', p.asin).priceNew !== null && p.variant !== 'old-book') expect(r.body).toMatch(/id="priceblock_(?:ourprice|dealprice|saleprice)"/);
      } else {
        expect(r.body).toContain('id="apex_desktop"');
        expect(r.body).not.toMatch(/id="priceblock_/);
        if (sim.pageTruth('us', p.asin).priceNew !== null) {
          expect(r.body).toContain('id="corePrice_feature_div"');
          expect(r.body).toContain('priceToPay');
        }
      }
    }
    expect([...layouts].sort()).toEqual(['new', 'old']);
  });

  it('writes prices the way each storefront does', async () => {
    const seen = { de: false, fr: false, jp: false, in: false, ukSplit: false };
    for (const mk of ['de', 'fr', 'jp', 'in', 'uk'] as const) {
      for (const p of sim.catalogue(mk)) {
        const truth = sim.pageTruth(mk, p.asin);
        if (truth.priceNew === null) continue;
        const r = await get(`${sim.urls[mk]}/dp/${p.asin}`);
        if (p.layout === 'new') {
          const shown = offscreen(byId(byId(r.body, 'qualifiedBuybox') ?? byId(r.body, 'newAccordionRow_0') ?? byId(r.body, 'newAccordionRow_1') ?? '', 'corePrice_feature_div'));
          expect(shown).toBeDefined();
          if (mk === 'de') {
            expect(shown).toMatch(/^\d{1,3}(\.\d{3})*,\d{2}\u00a0€$/);
            seen.de = true;
          }
          if (mk === 'fr') {
            expect(shown).toMatch(/^\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€$/);
            seen.fr = true;
          }
          if (mk === 'jp') {
            expect(shown).toMatch(/^￥\d{1,3}(,\d{3})*$/);
            expect(Number(shown!.replace(/\D/g, ''))).toBe(truth.priceNew);
            seen.jp = true;
          }
          if (mk === 'in') {
            expect(shown).toMatch(/^₹(\d{1,2},)?(\d{2},)*\d{0,3}\.\d{2}$|^₹\d{1,3}\.\d{2}$/);
            seen.in = true;
          }
        } else if (mk === 'uk' && p.variant === 'old-split') {
          const block = byId(r.body, 'priceblock_ourprice')!;
          expect(block).toContain('price-info-superscript');
          expect(text(block)).toMatch(/^£ \d+ \d{2}$/);
          seen.ukSplit = true;
        }
      }
    }
    expect(seen).toEqual({ de: true, fr: true, jp: true, in: true, ukSplit: true });
  });

  it('formats Indian prices with Indian digit grouping', async () => {
    const { moneyStyle } = await import('../../simulator/index.js');
    expect(moneyStyle('in').text(23709700)).toBe('₹2,37,097.00');
    expect(moneyStyle('de').text(129900)).toBe('1.299,00\u00a0€');
    expect(moneyStyle('fr').text(129900)).toBe('1\u202f299,00\u00a0€');
    expect(moneyStyle('jp').text(1290)).toBe('￥1,290');
  });

  it('serves realistic page sizes with the data regions away from the top', async () => {
    const sizes: number[] = [];
    for (const p of sim.catalogue('us').slice(0, 8)) {
      const r = await get(`${sim.urls.us}/dp/${p.asin}`);
      sizes.push(r.body.length);
      const title = r.body.indexOf('id="productTitle"');
      expect(title / r.body.length).toBeGreaterThan(0.1);
      expect(title / r.body.length).toBeLessThan(0.6);
    }
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(500_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000_000);
    expect(new Set(sizes).size).toBeGreaterThan(1);
  });

  it('gzips when asked, as concatenated members that decode to the identical page', async () => {
    const p = sim.catalogue('fr')[5]!;
    const plain = await get(`${sim.urls.fr}/dp/${p.asin}`);
    const zipped = await get(`${sim.urls.fr}/dp/${p.asin}`, { gzip: true });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.wireBytes).toBeLessThan(plain.wireBytes / 3);
    expect(zipped.body).toBe(plain.body);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.wireBytes);
    // Decoding with fetch (undici) too, as crawlers and browsers do.
    const viaFetch = await (await fetch(`${sim.urls.fr}/dp/${p.asin}`, { headers: { 'accept-encoding': 'gzip' } })).text();
    expect(viaFetch).toBe(plain.body);
  });
});

describe('offers', () => {
  it('serves the All Offers Display fragment with its pinned offer, offer blocks and total count, paginated', async () => {
    const withMany = sim.catalogue('us').find((p) => sim.offersTruth('us', p.asin).offers.length >= 3)!;
    const truth = sim.offersTruth('us', withMany.asin);
    const r = await get(`${sim.urls.us}/gp/aod/ajax?asin=${withMany.asin}&pc=dp&pageno=1`);
    expect(r.status).toBe(200);
    expect(r.body).toContain(`id="aod-total-offer-count" name="aod-total-offer-count" value="${truth.totalOfferCount}"`);
    if (truth.pinned) expect(minorOf(offscreen(byId(byId(r.body, 'aod-pinned-offer')!, 'aod-offer-price')))).toBe(truth.pinned.price);
    const blocks = r.body.split('<div id="aod-offer" ').slice(1);
    expect(blocks.length).toBe(Math.min(10, truth.offers.length));
    blocks.forEach((b, i) => {
      expect(minorOf(offscreen(byId(b, 'aod-offer-price')))).toBe(truth.offers[i]!.price);
      expect(text(byId(b, 'aod-offer-heading')!).length).toBeGreaterThan(0);
      expect(b).toContain('id="aod-offer-soldBy"');
      expect(b).toContain('id="aod-offer-shipsFrom"');
    });
    const page2 = await get(`${sim.urls.us}/gp/aod/ajax?asin=${withMany.asin}&pc=dp&pageno=2`);
    expect(page2.body.split('<div id="aod-offer" ').length - 1).toBe(Math.max(0, truth.offers.length - 10));
    expect(page2.body).not.toContain('aod-pinned-offer');
  });

  it('serves the old offer-listing page with every offer, cheapest total first', async () => {
    const p = sim.catalogue('uk').find((x) => sim.offersTruth('uk', x.asin).totalOfferCount >= 2)!;
    const t = sim.offersTruth('uk', p.asin);
    const r = await get(`${sim.urls.uk}/gp/offer-listing/${p.asin}/ref=dp_olp_all_mbc?ie=UTF8&condition=all`);
    expect(r.status).toBe(200);
    const prices = [...r.body.matchAll(/olpOfferPrice a-text-bold">\s*([^<]*?)\s*</g)].map((m) => minorOf(m[1]));
    const expected = [...(t.pinned ? [t.pinned] : []), ...t.offers].sort((a, b) => a.price + a.shipping - (b.price + b.shipping)).map((o) => o.price);
    expect(prices.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(expected.sort((a, b) => a - b));
  });
});

function minorOf(s: string | undefined): number | null {
  return s === undefined ? null : Number(s.replace(/\D/g, ''));
}
