/** Prices in every storefront's format, read into integer minor units. */
import { describe, expect, it } from 'vitest';
import { getMarketplace } from '../../config/index.js';
import { minorToDecimal, numberToMinor, readPriceText } from '../../parser/index.js';
import { readPriceElement } from '../../parser/money.js';
import { parseFragment } from '../../parser/dom-query.js';

const price = (text: string, mk: string) => readPriceText(text, getMarketplace(mk));

describe('reading printed prices', () => {
  it.each([
    ['$1,299.00', 'us', 129900],
    ['CDN$ 28.80', 'ca', 2880],
    ['EUR 79,99', 'de', 7999],
    ['1.299,00 €', 'de', 129900],
    ['1.679,00€', 'es', 167900],
    ['1\u00a0299,00\u00a0€', 'fr', 129900],
    ['1\u202f299,00\u202f€', 'fr', 129900],
    ['1 299,00 €', 'fr', 129900],
    ['£ 34 99', 'uk', 3499],
    ['￥1,980', 'jp', 1980],
    ['¥ 690', 'jp', 690],
    ['₹ 2,37,097.00', 'in', 23709700],
    ['237,097.00', 'in', 23709700],
    ['₺55,90', 'tr', 5590],
    ['EUR 1,106.18', 'de', 110618],
    ['1.106,18 €', 'de', 110618],
    ['$8', 'us', 800],
    ['$1,299', 'us', 129900],
  ])('reads %j on %s as %i minor units', (text, mk, minor) => {
    expect(price(text, mk)).toEqual({ kind: 'price', minor });
  });

  it('never turns €1,106.18 into €1.11 whichever separator the storefront prefers', () => {
    for (const mk of ['de', 'fr', 'it', 'es', 'us', 'uk']) expect(price('1,106.18', mk)).toEqual({ kind: 'price', minor: 110618 });
  });

  it('reads a variation range as a range, not as a price', () => {
    expect(price('$45.37 - $90.00', 'us')).toEqual({ kind: 'range', min: 4537, max: 9000 });
    expect(price('45,37 € – 90,00 €', 'de')).toEqual({ kind: 'range', min: 4537, max: 9000 });
  });

  it('gives none for text without a number', () => {
    expect(price('Lower price available on select options', 'us')).toEqual({ kind: 'none' });
    expect(price('', 'us')).toEqual({ kind: 'none' });
  });

  it('does not glue a price to a following count ("$8.99 2 new")', () => {
    expect(price('$8.99 2 new', 'us')).toEqual({ kind: 'price', minor: 899 });
  });

  it('converts minor units back to decimals (yen unchanged)', () => {
    expect(minorToDecimal(129900, 2)).toBe(1299);
    expect(minorToDecimal(3499, 2)).toBe(34.99);
    expect(minorToDecimal(690, 0)).toBe(690);
    expect(minorToDecimal(null, 2)).toBeNull();
    expect(numberToMinor('2,37,097.00', 2)).toBe(23709700);
  });
});

describe('reading price elements', () => {
  const el = (html: string) => parseFragment(html)!;

  it('reads pounds and pence split into spans with no decimal point', () => {
    const html = '<span id="priceblock_ourprice"><span class="price-info-superscript">£</span><span class="price-large">34</span><span class="price-info-superscript">99</span></span>';
    expect(readPriceElement(el(html), getMarketplace('uk'))).toEqual({ kind: 'price', minor: 3499 });
  });

  it('reads a rupee price whose symbol is an icon', () => {
    const html = '<span id="priceblock_ourprice"><span class="currencyINR">&nbsp;&nbsp;</span> 2,37,097.00</span>';
    expect(readPriceElement(el(html), getMarketplace('in'))).toEqual({ kind: 'price', minor: 23709700 });
  });

  it('reads the visible whole and fraction when the offscreen copy is empty', () => {
    const html = '<span class="a-price priceToPay"><span class="a-offscreen"> </span><span aria-hidden="true"><span class="a-price-symbol">$</span><span class="a-price-whole">1,099<span class="a-price-decimal">.</span></span><span class="a-price-fraction">95</span></span></span>';
    expect(readPriceElement(el(html), getMarketplace('us'))).toEqual({ kind: 'price', minor: 109995 });
  });

  it('reads a yen price without decimals from its spans', () => {
    const html = '<span class="a-price"><span class="a-offscreen"></span><span aria-hidden="true"><span class="a-price-symbol">￥</span><span class="a-price-whole">12,800</span></span></span>';
    expect(readPriceElement(el(html), getMarketplace('jp'))).toEqual({ kind: 'price', minor: 12800 });
  });

  it('reads a German price from its spans (decimal comma inside the whole part)', () => {
    const html = '<span class="a-price"><span aria-hidden="true"><span class="a-price-whole">1.299<span class="a-price-decimal">,</span></span><span class="a-price-fraction">00</span><span class="a-price-symbol">€</span></span></span>';
    expect(readPriceElement(el(html), getMarketplace('de'))).toEqual({ kind: 'price', minor: 129900 });
  });
});
