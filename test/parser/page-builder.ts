/**
 * Hand-written product page skeletons for the trap tests: just enough of Amazon's structure (ids,
 * classes) around the markup under test, with the noise real pages carry (scripts, carousels).
 */

/** Parts of a small product page. */
export interface PageParts {
  readonly asin?: string;
  readonly title?: string;
  /** Markup of the centre column (price blocks). */
  readonly center?: string;
  /** Markup of the buy box. */
  readonly buybox?: string;
  /** Markup below the fold (carousels, details). */
  readonly below?: string;
  /** Extra head markup (ue_mid, canonical). */
  readonly head?: string;
}

/** A complete, small product page. */
export function productPage(parts: PageParts): string {
  const asin = parts.asin ?? 'B0TEST0001';
  return `<!doctype html><html lang="en-us"><head><meta charset="utf-8"><title>Amazon.com: ${parts.title ?? 'Test Product'}</title>
<script>var ue_mid = 'ATVPDKIKX0DER', ue_pti = "${asin}";</script>${parts.head ?? ''}</head>
<body><div id="a-page"><div id="dp" class="home en_US"><div id="dp-container">
<div id="centerCol"><div id="title_feature_div"><h1 id="title"><span id="productTitle">${parts.title ?? 'Test Product'}</span></h1></div>
<div id="bylineInfo_feature_div"><a id="bylineInfo" href="/stores/Acme/page/X">Visit the Acme Store</a></div>
${parts.center ?? ''}</div>
<div id="rightCol"><div id="desktop_buybox"><div id="buybox"><form id="addToCart" method="post">
<input type="hidden" id="ASIN" name="ASIN" value="${asin}">
${parts.buybox ?? ''}</form></div></div></div>
</div>${parts.below ?? ''}<script>var noise = '<div id="productTitle">Script Title</div>';</script></div></div></body></html>`;
}

/** A new-layout price block (`corePriceDisplay_desktop_feature_div`) showing `price` as the price to pay. */
export function corePriceDisplay(price: string, extra = ''): string {
  return `<div id="apex_desktop"><div id="corePriceDisplay_desktop_feature_div" class="celwidget">
<div class="a-section a-spacing-none aok-align-center aok-relative">${extra}
<span class="a-price aok-align-center reinventPricePriceToPayMargin priceToPay" data-a-size="xl"><span class="a-offscreen">${price}</span><span aria-hidden="true">${price}</span></span>
</div></div></div>`;
}

/** A qualified buy box with an add-to-cart button and an Amazon or third-party seller. */
export function qualifiedBuybox(seller: string, availability = 'In Stock'): string {
  const merchant =
    seller === 'amazon'
      ? 'Ships from and sold by Amazon.com.'
      : `Sold by <a id="sellerProfileTriggerId" href="/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8&amp;seller=A1SELLER0001">${seller}</a> and Fulfilled by Amazon.`;
  return `<div id="qualifiedBuybox"><div id="availability" class="a-section"><span class="a-size-medium a-color-success">${availability}</span></div>
<div id="merchant-info" class="a-section">${merchant}</div>
<input type="submit" id="add-to-cart-button" value="Add to Cart"></div>`;
}
