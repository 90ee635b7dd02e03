/** One best offer per price series, from a product page and optional offers. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOffers, parsePage, seriesPrices, type ProductPage } from '../../parser/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { corePriceDisplay, productPage, qualifiedBuybox } from './page-builder.js';

const PAGES = resolve(PROJECT_ROOT, '..', 'shared', 'amazon-pages', 'pages');
const FIXTURES = join(PROJECT_ROOT, 'test', 'parser', 'fixtures');

function product(html: string | Buffer, marketplace: 'us' | 'uk' = 'us'): ProductPage {
  const page = parsePage(html, { marketplace });
  if (page.kind !== 'product') throw new Error(page.kind);
  return page;
}

const bySeries = (rows: ReturnType<typeof seriesPrices>) => Object.fromEntries(rows.map((r) => [r.series, r]));

describe('series prices', () => {
  it('returns every series once, null where the page shows no offer', () => {
    const rows = seriesPrices(product(productPage({ center: corePriceDisplay('$19.99'), buybox: qualifiedBuybox('Acme Direct') })));
    expect(rows.map((r) => r.series)).toEqual(['new', 'amazon', 'new_3p', 'used', 'warehouse', 'refurbished', 'collectible']);
    const s = bySeries(rows);
    expect(s['new']).toMatchObject({ price: 1999, sellerKind: 'third_party', isBuyBox: true, condition: 'new' });
    expect(s['new_3p']).toMatchObject({ price: 1999, isBuyBox: true });
    expect(s['amazon']?.price).toBeNull();
    expect(s['used']?.price).toBeNull();
  });

  it('keeps the featured new price as "new" and takes the lowest of each seller kind from the offers', () => {
    const page = product(productPage({ asin: 'B0TESTAOD1', center: corePriceDisplay('$24.99'), buybox: qualifiedBuybox('amazon') }));
    const offers = parseOffers(readFileSync(join(FIXTURES, 'aod-us-page1.html')), { marketplace: 'us', url: '/gp/aod/ajax?asin=B0TESTAOD1' });
    const s = bySeries(seriesPrices(page, offers));
    expect(s['new']).toMatchObject({ price: 2499, isBuyBox: true, sellerKind: 'amazon', offerCount: 2 });
    expect(s['amazon']).toMatchObject({ price: 2499, isBuyBox: true });
    expect(s['new_3p']).toMatchObject({ price: 2100, isBuyBox: false, sellerKind: 'third_party' });
    expect(s['used']).toMatchObject({ price: 2250, sellerKind: 'warehouse', offerCount: 1 });
    expect(s['warehouse']).toMatchObject({ price: 2250 });
    expect(s['refurbished']).toMatchObject({ price: 1875, condition: 'refurbished' });
    expect(s['collectible']).toMatchObject({ price: 4500 });
  });

  it.skipIf(!existsSync(PAGES))('reads a real page: Amazon new, warehouse used, counts from the page summaries', () => {
    const s = bySeries(seriesPrices(product(readFileSync(join(PAGES, 'us-B0057OC5O8-old-new-used.html')))));
    expect(s['new']).toMatchObject({ price: 899, sellerKind: 'amazon', isBuyBox: true, offerCount: 2 });
    expect(s['amazon']).toMatchObject({ price: 899 });
    expect(s['used']).toMatchObject({ price: 718, sellerKind: 'warehouse', offerCount: 3 });
    expect(s['warehouse']).toMatchObject({ price: 718 });
  });

  it.skipIf(!existsSync(PAGES))('falls back to "N used from X" when the page features no used offer', () => {
    const page = product(readFileSync(join(PAGES, 'uk-1849757097-old-book-new-used.html')), 'uk');
    const s = bySeries(seriesPrices(page));
    expect(s['used']).toMatchObject({ price: 850, isBuyBox: false });
    const noUsedSection = { ...page, offers: page.offers.filter((o) => o.condition !== 'used') };
    expect(bySeries(seriesPrices(noUsedSection))['used']).toMatchObject({ price: 528, offerCount: 15 });
  });
});
