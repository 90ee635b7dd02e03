/**
 * Offer listings: the All Offers Display fragment (hand-written from Amazon's markup: no genuine
 * sample is public) and the old full-page offer listing (a genuine page), read into offers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOffers, parsePage } from '../../parser/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'parser', 'fixtures');
const REAL_LISTING = resolve(PROJECT_ROOT, '..', 'shared', 'amazon-pages', 'pages', 'us-0001982389-offer-listing-used.html');

describe('All Offers Display fragment', () => {
  const url = 'https://www.amazon.com/gp/aod/ajax?asin=B0TESTAOD1&pc=dp&pageno=1';

  it('reads the pinned offer as the buy box and every listed offer with condition, seller and delivery', () => {
    const parsed = parseOffers(readFileSync(join(FIXTURES, 'aod-us-page1.html')), { marketplace: 'us', url });
    expect(parsed.source).toBe('aod');
    expect(parsed.asin).toBe('B0TESTAOD1');
    expect(parsed.totalCount).toBe(4);
    expect(parsed.offers.map((o) => [o.price, o.shipping, o.condition, o.subCondition, o.sellerKind, o.isBuyBox])).toEqual([
      [2499, 0, 'new', null, 'amazon', true],
      [2250, 0, 'used', 'Like New', 'warehouse', false],
      [2100, 599, 'new', null, 'third_party', false],
      [1875, 349, 'refurbished', 'Excellent', 'third_party', false],
      [4500, null, 'collectible', 'Very Good', 'third_party', false],
    ]);
    expect(parsed.offers[2]).toMatchObject({ sellerName: 'Gadget Corner', sellerId: 'A1GADGETCORNR' });
  });

  it('never takes the struck list price of an offer for its price', () => {
    const parsed = parseOffers(readFileSync(join(FIXTURES, 'aod-us-page1.html')), { marketplace: 'us', url });
    expect(parsed.offers.map((o) => o.price)).not.toContain(2999);
  });

  it('reads a German fragment: 1.299,00 €, "Gebraucht - Wie neu", free and paid delivery', () => {
    const parsed = parseOffers(readFileSync(join(FIXTURES, 'aod-de-page1.html')), { marketplace: 'de', url: 'https://www.amazon.de/gp/aod/ajax?asin=B0TESTAOD2&pc=dp&pageno=1' });
    expect(parsed.asin).toBe('B0TESTAOD2');
    expect(parsed.offers.map((o) => [o.price, o.shipping, o.condition, o.subCondition, o.sellerKind, o.isBuyBox])).toEqual([
      [129900, 0, 'new', null, 'third_party', true],
      [118990, 499, 'used', 'Wie neu', 'warehouse', false],
    ]);
  });

  it('is an offer listing, not a product, when given to parsePage', () => {
    const page = parsePage(readFileSync(join(FIXTURES, 'aod-us-page1.html')), { marketplace: 'us', url });
    expect(page.kind).toBe('offer_listing');
    expect(page.truncated).toBe(false);
  });

  it('reads a product page as no offers', () => {
    expect(parseOffers('<html><body><div id="productTitle">X</div></body></html>', { marketplace: 'us' })).toMatchObject({ source: 'none', offers: [] });
  });
});

describe.skipIf(!existsSync(REAL_LISTING))('old full-page offer listing (genuine page)', () => {
  it('reads the ten used offers with prices, delivery, sub-conditions and sellers', () => {
    const parsed = parseOffers(readFileSync(REAL_LISTING), { marketplace: 'us' });
    expect(parsed.source).toBe('offer_listing');
    expect(parsed.asin).toBe('0001982389');
    expect(parsed.totalCount).toBe(10);
    expect(parsed.offers.map((o) => o.price)).toEqual([599, 599, 200, 599, 599, 599, 295, 300, 1212, 800]);
    expect(parsed.offers.every((o) => o.condition === 'used' && o.sellerKind === 'third_party' && o.sellerName)).toBe(true);
    expect(parsed.offers[2]).toMatchObject({ shipping: 399, subCondition: 'Good', sellerName: 'ALEXTHEFATDAWG-US' });
    expect(parsed.offers[0]?.shipping).toBe(0);
  });
});
