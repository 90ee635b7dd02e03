/**
 * Bad input never crashes the parser or hangs it: empty, binary, oversized, truncated, and markup
 * built to make naive scanners backtrack or recurse. (Each case runs under the test timeout; a hang
 * fails the test.)
 */
import { describe, expect, it } from 'vitest';
import { parseOffers, parsePage } from '../../parser/index.js';
import { corePriceDisplay, productPage, qualifiedBuybox } from './page-builder.js';

describe('bad input', () => {
  it('reads an empty or blank body as unknown/empty', () => {
    for (const body of ['', '   \n\t ', Buffer.alloc(0)]) expect(parsePage(body, { marketplace: 'us' })).toMatchObject({ kind: 'unknown', reason: 'empty' });
  });

  it('reads binary data as unknown/binary', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...Array.from({ length: 2000 }, (_, i) => i % 256)]);
    expect(parsePage(png, { marketplace: 'us' })).toMatchObject({ kind: 'unknown', reason: 'binary' });
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, ...Array.from({ length: 500 }, () => 7)]);
    expect(parsePage(gzip, { marketplace: 'us' }).kind).toBe('unknown');
  });

  it('refuses a body over the size cap without reading it', () => {
    const big = 'a'.repeat(1001);
    expect(parsePage(big, { marketplace: 'us', maxBytes: 1000 })).toMatchObject({ kind: 'unknown', reason: 'too_large' });
    expect(parseOffers(big, { marketplace: 'us', maxBytes: 1000 })).toMatchObject({ source: 'none', offers: [] });
  });

  it('flags a truncated page and reads what it can', () => {
    const html = productPage({ center: corePriceDisplay('$19.99'), buybox: qualifiedBuybox('amazon') });
    const cut = html.slice(0, html.indexOf('<div id="rightCol">') + 30);
    const page = parsePage(cut, { marketplace: 'us' });
    expect(page.kind).toBe('product');
    expect(page.truncated).toBe(true);
    expect(page.kind === 'product' && page.title).toBe('Test Product');
    expect(parsePage(html, { marketplace: 'us' }).truncated).toBe(false);
  });

  it('survives every prefix of a product page', () => {
    const html = productPage({ center: corePriceDisplay('$19.99'), buybox: qualifiedBuybox('amazon') });
    for (let n = 0; n <= html.length; n += 37) expect(() => parsePage(html.slice(0, n), { marketplace: 'us' })).not.toThrow();
  });

  it('survives unclosed elements, stray end tags and deep nesting', () => {
    const deep = `${'<div>'.repeat(200_000)}x`;
    const cases = [
      productPage({ center: `<div id="corePrice_feature_div">${deep}` }),
      productPage({ center: `${'</div>'.repeat(50_000)}${corePriceDisplay('$1.00')}` }),
      productPage({ center: `<div id="price"><span id="priceblock_ourprice">${'<span>'.repeat(100_000)}$5.00` }),
      `<div id="productTitle">${'<'.repeat(1_000_000)}`,
      `<html><body>${'<div id="a" '.repeat(200_000)}</body></html>`,
      productPage({ below: `<ul><li id="SalesRank">#1 in ${deep}<a href="/gp/bestsellers/x/123">Y</a></li></ul>`, center: corePriceDisplay('$1.00') }),
      productPage({ below: `<div id="mbc">${'<span>'.repeat(100_000)}<span id="mbc-price-1">$3.00</span></div>`, center: corePriceDisplay('$1.00') }),
    ];
    for (const html of cases) expect(() => parsePage(html, { marketplace: 'us' })).not.toThrow();
  }, 60_000);

  it('does not backtrack on long number runs, quotes, comments or unterminated tags', () => {
    const digits = Array.from({ length: 200_000 }, (_, i) => (i % 3 === 0 ? ',' : '1')).join('');
    const cases = [
      productPage({ center: `<div id="price"><span id="priceblock_ourprice">${digits}</span></div>`, buybox: qualifiedBuybox('amazon') }),
      productPage({ center: `<div id="olp_feature_div"><a href="/gp/offer-listing/B0TEST0001?condition=new">${digits} new from ${digits}</a></div>` }),
      `<html><head><title${' x'.repeat(500_000)}</head></html>`,
      `<html>${'<!--'.repeat(200_000)}</html>`,
      `<html>${'<script>'.repeat(100_000)}</html>`,
      `<html>${'"'.repeat(500_000)} id="productTitle"</html>`,
      `<html>${'/captcha/'.repeat(100_000)}</html>`,
      `<div id="x" class="${'a '.repeat(300_000)}">`,
      `<a id="mbc-price-1">${'9 '.repeat(300_000)}</a>`,
    ];
    for (const html of cases) {
      expect(() => parsePage(html, { marketplace: 'us' })).not.toThrow();
      expect(() => parsePage(Buffer.from(html), { marketplace: 'de' })).not.toThrow();
      expect(() => parseOffers(html, { marketplace: 'us' })).not.toThrow();
    }
  }, 60_000);

  it('rejects an unknown marketplace with a clear error (a caller mistake, not page content)', () => {
    expect(() => parsePage('<html></html>', { marketplace: 'xx' as never })).toThrow(/unknown marketplace "xx"/);
  });
});
