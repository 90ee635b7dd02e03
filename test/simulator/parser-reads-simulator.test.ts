/**
 * Cross-check: the project's parser reads every simulator layout, variant and storefront exactly as
 * the simulator's ground truth says, and reads its offer fragments as the offers truth says.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseOffers, parsePage } from '../../parser/index.js';
import { CAPTCHA_SHAPES, type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { get } from './page-extract.js';

const started: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

const SEEDS = [1, 2, 3, 4, 5];

async function sim(seed: number): Promise<SimulatorHandle> {
  const s = await startSimulator({ seed, products: 16, pageBytes: 60_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
  started.push(s);
  return s;
}

describe('the parser reads the simulator', () => {
  it('reads every product page as the truth says: kind, ASIN, prices per series, list price, availability, seller', async () => {
    const mismatches: string[] = [];
    let pages = 0;
    for (const seed of SEEDS) {
      const s = await sim(seed);
      for (const mk of s.options.marketplaces) {
        for (const p of s.catalogue(mk)) {
          const url = `${s.urls[mk]}/dp/${p.asin}`;
          const r = await get(url, { gzip: true });
          const truth = s.pageTruth(mk, p.asin, s.requestFor(r.headers['x-amz-rid'] as string)!.time);
          const parsed = parsePage(r.body, { marketplace: mk, statusCode: r.status });
          pages++;
          const where = `seed ${seed} ${mk} ${p.asin} ${truth.variant}`;
          if (parsed.kind !== 'product') {
            mismatches.push(`${where}: kind ${parsed.kind}`);
            continue;
          }
          const fields: [string, unknown, unknown][] = [
            ['asin', parsed.asin, truth.asin],
            ['priceNew', parsed.priceNew, truth.priceNew],
            ['priceUsed', parsed.priceUsed, truth.priceUsed],
            ['priceRefurbished', parsed.priceRefurbished, truth.priceRefurbished],
            ['listPrice', parsed.listPrice, truth.listPrice],
            ['availability', parsed.availability, truth.availability],
            ['seller', parsed.seller, truth.seller],
            ['layout', parsed.layout, truth.layout],
          ];
          for (const [name, got, want] of fields) if (got !== want) mismatches.push(`${where}: ${name} ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
        }
      }
    }
    expect(pages).toBe(SEEDS.length * 9 * 16);
    expect(mismatches).toEqual([]);
  });

  it('reads the offer fragments (every page) and the old offer listing as the offers truth says', async () => {
    const mismatches: string[] = [];
    const key = (o: { price: number; shipping: number | null; condition: string; seller: string; pinned: boolean }) =>
      `${o.price}/${o.shipping}/${o.condition}/${o.seller}${o.pinned ? '/pinned' : ''}`;
    for (const seed of SEEDS.slice(0, 3)) {
      const s = await sim(seed);
      for (const mk of s.options.marketplaces) {
        for (const p of s.catalogue(mk)) {
          const where = `seed ${seed} ${mk} ${p.asin}`;
          const first = await get(`${s.urls[mk]}/gp/aod/ajax?asin=${p.asin}&pc=dp&pageno=1`);
          const truth = s.offersTruth(mk, p.asin, s.requestFor(first.headers['x-amz-rid'] as string)!.time);
          const pages = Math.max(1, Math.ceil(truth.offers.length / truth.pageSize));
          const got: string[] = [];
          for (let page = 1; page <= pages; page++) {
            const url = `${s.urls[mk]}/gp/aod/ajax?asin=${p.asin}&pc=dp&pageno=${page}`;
            const r = page === 1 ? first : await get(url);
            const parsed = parseOffers(r.body, { marketplace: mk, url });
            if (parsed.source !== 'aod') mismatches.push(`${where} page ${page}: source ${parsed.source}`);
            if (parsed.asin !== p.asin) mismatches.push(`${where} page ${page}: asin ${parsed.asin}`);
            if (parsed.totalCount !== truth.totalOfferCount) mismatches.push(`${where} page ${page}: totalCount ${parsed.totalCount} ≠ ${truth.totalOfferCount}`);
            got.push(...parsed.offers.map((o) => key({ price: o.price, shipping: o.shipping, condition: o.condition, seller: o.sellerKind, pinned: o.isBuyBox })));
          }
          const want = [...(truth.pinned ? [{ ...truth.pinned, pinned: true }] : []), ...truth.offers.map((o) => ({ ...o, pinned: false }))].map(key);
          if (got.join(' ') !== want.join(' ')) mismatches.push(`${where} AOD: ${got.join(' ')} ≠ ${want.join(' ')}`);

          const listingUrl = `${s.urls[mk]}/gp/offer-listing/${p.asin}`;
          const listing = await get(listingUrl);
          const lt = s.offersTruth(mk, p.asin, s.requestFor(listing.headers['x-amz-rid'] as string)!.time);
          const parsedListing = parseOffers(listing.body, { marketplace: mk, url: listingUrl });
          const listed = [...(lt.pinned ? [lt.pinned] : []), ...lt.offers]
            .sort((a, b) => a.price + a.shipping - (b.price + b.shipping) || (a.id < b.id ? -1 : 1))
            .map((o) => key({ ...o, pinned: false }));
          const read = parsedListing.offers.map((o) => key({ price: o.price, shipping: o.shipping, condition: o.condition, seller: o.sellerKind, pinned: false }));
          if (parsedListing.source !== 'offer_listing' || read.join(' ') !== listed.join(' ')) mismatches.push(`${where} listing (${parsedListing.source}): ${read.join(' ')} ≠ ${listed.join(' ')}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('never reads a robot check or a dog page as a product', async () => {
    const s = await sim(6);
    const asin = s.catalogue('us')[0]!.asin;
    s.captchaStorm({ durationMs: 60_000 });
    const shapes = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const r = await get(`${s.urls.us}/dp/${asin}`);
      const parsed = parsePage(r.body, { marketplace: 'us', statusCode: r.status });
      expect(parsed.kind).toBe('captcha');
      shapes.add(s.requests({ limit: 1 })[0]!.captcha!.shape);
    }
    expect(shapes.size).toBe(CAPTCHA_SHAPES.length);
    s.reset();
    s.setHostility({ rateLimit: false, dogPageProbability: 1 });
    const dog = await get(`${s.urls.us}/dp/${asin}`);
    expect(parsePage(dog.body, { marketplace: 'us', statusCode: dog.status }).kind).toBe('error');
    s.setHostility({ dogPageProbability: 0 });
    const missing = await get(`${s.urls.us}/dp/B000000000`);
    expect(parsePage(missing.body, { marketplace: 'us', statusCode: missing.status }).kind).toBe('error');
  });
});
