/**
 * The traps that make price trackers read the wrong price, each on a small hand-written page: the
 * price read must be the one-time price to pay, never a coupon, Subscribe & Save, savings, unit
 * price, instalment, struck price, or another variation's or product's price.
 */
import { describe, expect, it } from 'vitest';
import { parsePage, type ProductPage } from '../../parser/index.js';
import { corePriceDisplay, productPage, qualifiedBuybox } from './page-builder.js';

function product(html: string, marketplace = 'us' as const): ProductPage {
  const page = parsePage(html, { marketplace });
  if (page.kind !== 'product') throw new Error(`expected a product page, got ${page.kind}`);
  return page;
}

const SIMS_CAROUSEL = `<div id="sims-consolidated-1_feature_div"><div class="a-carousel"><li data-asin="B0OTHER001"><span class="a-price"><span class="a-offscreen">$5.00</span></span></li></div></div>`;

describe('price traps', () => {
  it('ignores a coupon', () => {
    const coupon = `<div id="promoPriceBlockMessage_feature_div"><span class="a-color-success">Save <span class="a-price"><span class="a-offscreen">$5.00</span></span> with coupon</span></div><div id="couponBadge">Coupon</div>`;
    const page = product(productPage({ center: coupon + corePriceDisplay('$19.99'), buybox: qualifiedBuybox('amazon') }));
    expect(page.priceNew).toBe(1999);
  });

  it('keeps a preselected Subscribe & Save price apart from the one-time price', () => {
    const rows = `<div id="buyBoxAccordion">
      <div id="snsAccordionRowMiddle" class="a-box a-accordion-active"><div id="corePrice_feature_div"><div data-csa-c-buying-option-type="SNS"><span id="sns-base-price"><span class="a-price"><span class="a-offscreen">$17.09</span></span></span></div></div></div>
      <div id="newAccordionRow_0" class="a-box"><div id="corePrice_feature_div"><div data-csa-c-buying-option-type="NEW"><span class="a-price"><span class="a-offscreen">$17.99</span></span></div></div>
        <div id="merchantInfoFeature_feature_div"><span class="offer-display-feature-text-message">Amazon.com</span></div></div>
    </div><input type="submit" id="add-to-cart-button">`;
    const page = product(productPage({ buybox: rows }));
    expect(page.priceNew).toBe(1799);
    expect(page.subscribeSavePrice).toBe(1709);
    expect(page.buyBox).toMatchObject({ price: 1799, condition: 'new', sellerKind: 'amazon' });
  });

  it('ignores a unit price printed before the price to pay', () => {
    const unit = `<span class="aok-relative"><span class="a-size-small aok-offscreen">$0.52 per ounce</span><span aria-hidden="true">(<span class="a-price a-text-price"><span class="a-offscreen">$0.52</span></span>/Ounce)</span></span>`;
    const block = `<div id="corePrice_feature_div">${unit}<span class="a-price"><span class="a-offscreen">$12.49</span></span></div>`;
    const page = product(productPage({ center: block, buybox: qualifiedBuybox('amazon') }));
    expect(page.priceNew).toBe(1249);
  });

  it('ignores a monthly payment offer', () => {
    const monthly = `<div id="installmentCalculator_feature_div"><span class="a-price"><span class="a-offscreen">$33.33</span></span>/mo (12 mo)</div>`;
    const page = product(productPage({ center: monthly + corePriceDisplay('$399.99'), buybox: qualifiedBuybox('amazon') }));
    expect(page.priceNew).toBe(39999);
  });

  it('ignores the savings amount and percentage', () => {
    const center = `<div id="price"><table class="a-lineitem">
      <tr><td>List Price:</td><td><span class="priceBlockStrikePriceString a-text-strike">$79.99</span></td></tr>
      <tr id="priceblock_dealprice_row"><td>Deal Price:</td><td><span id="priceblock_dealprice" class="a-size-medium a-color-price">$59.99</span></td></tr>
      <tr id="dealprice_savings"><td>You Save:</td><td class="priceBlockSavingsString">$20.00 (25%)</td></tr></table></div>`;
    const page = product(productPage({ center, buybox: qualifiedBuybox('amazon') }));
    expect(page.priceNew).toBe(5999);
    expect(page.listPrice).toBe(7999);
  });

  it('takes a struck price as the list price, never as the price', () => {
    const center = `<div id="price"><span id="priceblock_ourprice" class="a-text-strike">75,99 €</span><span id="priceblock_dealprice">64,59 €</span></div>`;
    const page = product(productPage({ center, buybox: qualifiedBuybox('Didaronline', 'En stock.') }), 'fr' as never);
    expect(page.priceNew).toBe(6459);
    expect(page.listPrice).toBe(7599);
    expect(page.seller).toBe('third_party');
  });

  it('reads the new layout list price from the basis price and not the price to pay', () => {
    const basis = `<span class="basisPrice">List Price: <span class="a-price a-text-price" data-a-strike="true"><span class="a-offscreen">$109.99</span></span></span>`;
    const page = product(productPage({ center: corePriceDisplay('$99.95', basis), buybox: qualifiedBuybox('amazon') }));
    expect(page.priceNew).toBe(9995);
    expect(page.listPrice).toBe(10999);
  });

  it('reads a variation range as no price, with the range kept apart', () => {
    const center = `<div id="price"><span id="priceblock_ourprice">$45.37 - $90.00</span></div>`;
    const buybox = `<div id="partialStateBuybox">To buy, select Size</div><input type="submit" id="add-to-cart-button">`;
    const page = product(productPage({ center, buybox, below: SIMS_CAROUSEL }));
    expect(page.priceNew).toBeNull();
    expect(page.priceRange).toEqual({ min: 4537, max: 9000 });
    expect(page.availability).toBe('unknown');
    expect(page.seller).toBe('unknown');
  });

  it("never takes another variation's or a related product's price when the item has none", () => {
    const twister = `<div id="twister"><ul><li id="size_name_0" data-defaultasin="B0SIBLING1"><span class="a-price"><span class="a-offscreen">$24.00</span></span></li></ul></div>`;
    const buybox = `<div id="outOfStock"><div id="availability"><span class="a-color-price">Currently unavailable.</span></div></div>`;
    const page = product(productPage({ center: twister, buybox, below: SIMS_CAROUSEL }));
    expect(page.priceNew).toBeNull();
    expect(page.buyBox).toBeNull();
    expect(page.availability).toBe('out_of_stock');
  });

  it('reads the page price, not the related products below it', () => {
    const page = product(productPage({ center: corePriceDisplay('$49.00'), buybox: qualifiedBuybox('Acme Direct'), below: SIMS_CAROUSEL }));
    expect(page.priceNew).toBe(4900);
    expect(page.buyBox).toMatchObject({ sellerKind: 'third_party', sellerName: 'Acme Direct' });
  });

  it('reads a renewed listing into the refurbished price, not the new one', () => {
    const page = product(productPage({ title: 'Phone 12, 64GB (Renewed)', center: corePriceDisplay('$249.00'), buybox: qualifiedBuybox('Renew Shop') }));
    expect(page.priceNew).toBeNull();
    expect(page.priceRefurbished).toBe(24900);
    expect(page.buyBox?.condition).toBe('refurbished');
  });
});

describe('identity traps', () => {
  it("reads the page's own ASIN, not the parent's hidden input nor a sibling's canonical link", () => {
    const html = productPage({ asin: 'B07L4F8LJW', head: '<link rel="canonical" href="https://www.amazon.com/Some-Slug/dp/B07CMTXCCP">', center: corePriceDisplay('$34.99') })
      .replace('<input type="hidden" id="ASIN"', '<input type="hidden" name="ASIN" value="B07L8VWTY9"><input type="hidden" id="ASIN"')
      .replace('ue_pti = "B07L4F8LJW"', 'ue_pti = "B07L4F8LJW", parentAsin = "B07L8VWTY9"');
    const page = product(html);
    expect(page.asin).toBe('B07L4F8LJW');
    expect(page.parentAsin).toBe('B07L8VWTY9');
    expect(page.canonicalAsin).toBe('B07CMTXCCP');
  });

  it('reads the title from the page, not from markup inside a script', () => {
    const page = product(productPage({ title: 'Real Title', center: corePriceDisplay('$1.00') }));
    expect(page.title).toBe('Real Title');
  });

  it('falls back to the URL for the ASIN when the page names none', () => {
    const html = productPage({ center: corePriceDisplay('$1.00') }).replace(/ue_pti = "[^"]*"/, '').replace(/<input type="hidden" id="ASIN"[^>]*>/, '');
    const page = parsePage(html, { marketplace: 'us', url: 'https://www.amazon.com/dp/B0URLASIN1?th=1' });
    expect(page.kind === 'product' && page.asin).toBe('B0URLASIN1');
  });
});

describe('page kinds', () => {
  it('reads the 404 dog page as an error, not a product', () => {
    const html = `<html><head><title>Page Not Found</title></head><body><a href="/ref=cs_404_logo"><img src="https://images-na.ssl-images-amazon.com/images/G/01/error/logo._TTD_.png"></a>
      <b>Looking for something?</b> We're sorry. The Web address you entered is not a functioning page on our site.
      <a href="/dogsofamazon/ref=cs_404_d"><img src="https://images-na.ssl-images-amazon.com/images/G/01/error/28._TTD_.jpg" alt="Dogs of Amazon"></a></body></html>`;
    for (const statusCode of [404, 200]) expect(parsePage(html, { marketplace: 'us', statusCode })).toMatchObject({ kind: 'error', errorKind: 'not_found' });
  });

  it('reads an unrecognised page as unknown, or as an error when its status says so', () => {
    const html = '<html><head><title>Hello</title></head><body><p>Nothing here</p></body></html>';
    expect(parsePage(html, { marketplace: 'us' })).toMatchObject({ kind: 'unknown', reason: 'not_amazon' });
    expect(parsePage(html, { marketplace: 'us', statusCode: 503 })).toMatchObject({ kind: 'error', errorKind: 'server_error' });
  });

  it('reads a robot check served inside a page that also mentions products as a captcha', () => {
    const html = `<html><head><title dir="ltr">Amazon.com</title><script>var ue_sn = "opfcaptcha.amazon.com";</script></head><body>
      <h4>Enter the characters you see below</h4><form method="get" action="/errors/validateCaptcha"><img src="https://images-na.ssl-images-amazon.com/captcha/abc/Captcha_xyz.jpg"><input id="captchacharacters" name="field-keywords"></form></body></html>`;
    expect(parsePage(html, { marketplace: 'us', statusCode: 200 })).toMatchObject({ kind: 'captcha', variant: 'image' });
  });
});
