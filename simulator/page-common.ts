/** Markup pieces both product-page layouts share: escaping, `.a-price` elements, head, title, images, details. */
import { type MarketplaceCode, getMarketplace } from '../config/index.js';
import type { CatalogueProduct } from './catalogue.js';
import { textPack } from './locale-text.js';
import type { SimOffer } from './market-state.js';
import { moneyStyle } from './money-format.js';
import type { ProductPageModel } from './page-model.js';
import { slug } from './url-slug.js';
import { Rng } from './random.js';

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** The split, screen-visible spans of an `.a-price`. */
export function priceSpans(code: MarketplaceCode, minor: number): string {
  const p = moneyStyle(code).parts(minor);
  const symbol = `<span class="a-price-symbol">${esc(p.symbol)}</span>`;
  const whole = p.decimal
    ? `<span class="a-price-whole">${p.whole}<span class="a-price-decimal">${p.decimal}</span></span><span class="a-price-fraction">${p.fraction}</span>`
    : `<span class="a-price-whole">${p.whole}</span>`;
  return p.symbolAfter ? `${whole}${symbol}` : `${symbol}${whole}`;
}

export interface APriceOptions {
  size?: 'mini' | 's' | 'm' | 'l' | 'xl';
  /** Extra classes (e.g. `priceToPay`, `aok-align-center`). */
  cls?: string;
  color?: 'base' | 'price' | 'secondary';
  /** Leave `.a-offscreen` blank (a real-page quirk; the price is then in `.aok-offscreen`). */
  blankOffscreen?: boolean;
}

/** An `.a-price` element: the full price in `.a-offscreen`, the split spans for the eye. */
export function aPrice(code: MarketplaceCode, minor: number, o: APriceOptions = {}): string {
  const text = moneyStyle(code).text(minor);
  return (
    `<span class="a-price${o.cls ? ` ${o.cls}` : ''}" data-a-size="${o.size ?? 'xl'}" data-a-color="${o.color ?? 'base'}">` +
    `<span class="a-offscreen">${o.blankOffscreen ? ' ' : esc(text)}</span><span aria-hidden="true">${priceSpans(code, minor)}</span></span>`
  );
}

/** A struck `.a-text-price` (list price, "one-time price", per-unit price). */
export function aTextPrice(code: MarketplaceCode, minor: number, strike: boolean, size: 's' | 'mini' = 's'): string {
  const text = esc(moneyStyle(code).text(minor));
  return (
    `<span class="a-price a-text-price" data-a-size="${size}"${strike ? ' data-a-strike="true"' : ''} data-a-color="secondary">` +
    `<span class="a-offscreen">${text}</span><span aria-hidden="true">${text}</span></span>`
  );
}

/** A token generator for the page's session ids, CSRF tokens and offer listing ids. */
export function tokens(model: ProductPageModel): Rng {
  return new Rng(model.tokenSeed);
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%';

/** An offer-listing-id-looking token. */
export function offerListingId(rng: Rng): string {
  return rng.chars(TOKEN_CHARS, 96);
}

/** A `123-1234567-1234567` session id. */
export function sessionId(rng: Rng): string {
  return `${rng.int(100, 999)}-${rng.int(1000000, 9999999)}-${rng.int(1000000, 9999999)}`;
}

/** The product-specific part of `<head>`: title, canonical link, descriptions. */
export function headFragment(model: ProductPageModel): string {
  const p = model.product;
  const mk = getMarketplace(p.marketplace);
  const t = textPack(p.marketplace);
  const category = p.breadcrumb[0] ?? '';
  const title = `${t.storeTitleSuffix}: ${p.title}${category ? ` : ${category}` : ''}`;
  return (
    `\n<meta name="description" content="${esc(`${t.storeTitleSuffix}: ${p.title}`)}" />\n` +
    `<meta name="title" content="${esc(title)}" />\n` +
    `<title>${esc(title)}</title>\n` +
    `<link rel="canonical" href="https://www.${mk.domain}/${p.slug}/dp/${p.canonicalAsin}" />\n` +
    `<link rel="alternate" hreflang="${t.htmlLang}" href="https://www.${mk.domain}/dp/${p.canonicalAsin}" />\n`
  );
}

/** `#wayfinding-breadcrumbs_feature_div`, or its "Back to results" form, or nothing. */
export function breadcrumbs(p: CatalogueProduct): string {
  const t = textPack(p.marketplace);
  if (p.backToResultsOnly) {
    return (
      `<div id="wayfinding-breadcrumbs_feature_div" class="a-subheader a-breadcrumb feature" data-feature-name="wayfinding-breadcrumbs">\n<ul class="a-unordered-list a-horizontal a-size-small">\n` +
      `<li class="a-breadcrumb-divider"><span class="a-list-item a-color-tertiary">\n&lsaquo;\n</span></li>\n<li><span class="a-list-item">\n` +
      `<a id="breadcrumb-back-link" class="a-link-normal a-color-tertiary" href="/s?k=${encodeURIComponent(p.slug.toLowerCase())}" onclick="if(history.length > 1) { history.back(); return false; }">\n${esc(t.backToResults)}\n</a>\n` +
      `</span></li>\n</ul>\n</div>\n`
    );
  }
  if (p.breadcrumb.length === 0) return '';
  const items = p.breadcrumb.map(
    (c, i) =>
      `<li><span class="a-list-item">\n<a class="a-link-normal a-color-tertiary" href="/${esc(slug(c))}/b/ref=dp_bc_aui_C_${i + 1}?ie=UTF8&amp;node=${1000 + i * 7919 + c.length}">\n ${esc(c)}\n</a>\n</span></li>`,
  );
  return (
    `<div id="wayfinding-breadcrumbs_feature_div" class="a-subheader a-breadcrumb feature" data-feature-name="wayfinding-breadcrumbs">\n` +
    `<ul class="a-unordered-list a-horizontal a-size-small">\n` +
    items.join(`\n<li class="a-breadcrumb-divider"><span class="a-list-item a-color-tertiary">\n&rsaquo;\n</span></li>\n`) +
    `\n</ul>\n</div>\n`
  );
}

/** `#imgTagWrapperId` with `#landingImage`. */
export function imageBlock(p: CatalogueProduct): string {
  const base = `https://m.media-amazon.com/images/I/${p.imageId}`;
  const dyn = [[679, 679], [522, 522], [385, 385], [342, 342]]
    .map(([w, h]) => `&quot;${base}._AC_SX${w}_.jpg&quot;:[${w},${h}]`)
    .join(',');
  return (
    `<div id="imageBlock_feature_div" class="celwidget" data-feature-name="imageBlock">\n<div id="imageBlock" class="a-section imageBlockRearch">\n` +
    `<div id="main-image-container" class="a-dynamic-image-container"><ul class="a-unordered-list a-nostyle a-horizontal list maintain-height"><li class="image item itemNo0 maintain-height selected"><span class="a-list-item">\n` +
    `<div id="imgTagWrapperId" class="imgTagWrapper">\n<img alt="${esc(p.title)}" src="${base}._AC_SX679_.jpg" data-old-hires="${base}._AC_SL1500_.jpg" class="a-dynamic-image a-stretch-horizontal" id="landingImage" data-a-dynamic-image="{${dyn}}" style="max-width:679px;max-height:679px;">\n</div>\n` +
    `</span></li></ul></div>\n</div>\n</div>\n`
  );
}

/** `#title_feature_div` with `#productTitle`. */
export function titleBlock(p: CatalogueProduct): string {
  return (
    `<div id="title_feature_div" class="celwidget" data-feature-name="title" data-csa-c-asin="${p.asin}">\n<div id="titleSection" class="a-section a-spacing-none">\n` +
    `<h1 id="title" class="a-size-large a-spacing-none">\n<span id="productTitle" class="a-size-large product-title-word-break">\n        ${esc(p.title)}\n       </span>\n</h1>\n</div>\n</div>\n`
  );
}

/** `#bylineInfo`: the brand link (store link in the new layout) or the author line of a book. */
export function bylineBlock(p: CatalogueProduct, layout: 'old' | 'new'): string {
  const t = textPack(p.marketplace);
  let inner: string;
  if (p.author !== null) {
    inner =
      `<div id="bylineInfo" class="a-section a-spacing-micro bylineHidden feature"><span class="author notFaded" data-width=""><a class="a-link-normal" href="/s?i=stripbooks&amp;field-author=${encodeURIComponent(p.author)}">` +
      `${esc(t.byAuthor(p.author))}</a> <span class="contribution" spacing="none"><span class="a-color-secondary">${esc(t.authorRole)}</span></span></span></div>`;
  } else {
    const shown = p.kind === 'renewed' ? 'Amazon Renewed' : (p.brand ?? '');
    const text = layout === 'new' ? t.visitStore(shown) : shown;
    inner = `<div class="a-section a-spacing-none"><a id="bylineInfo" class="a-link-normal" href="/stores/${encodeURIComponent(shown)}/page/${p.asin}?ref_=ast_bln">${esc(text)}</a></div>`;
  }
  return `<div id="bylineInfo_feature_div" class="celwidget" data-feature-name="bylineInfo">\n${inner}\n</div>\n`;
}

/** `#averageCustomerReviews`. */
export function reviewsBlock(p: CatalogueProduct): string {
  return (
    `<div id="averageCustomerReviews_feature_div" class="celwidget" data-feature-name="averageCustomerReviews">\n<div id="averageCustomerReviews" class="a-spacing-none" data-asin="${p.asin}" data-ref="dpx_acr_pop_">\n` +
    `<span class="a-declarative" data-action="acrStarsLink-click-metrics"><span id="acrPopover" class="reviewCountTextLinkedHistogram noUnderline" title="${p.rating} out of 5 stars">` +
    `<i class="a-icon a-icon-star a-star-${Math.round(p.rating)}"><span class="a-icon-alt">${p.rating} out of 5 stars</span></i></span></span>\n` +
    `<a id="acrCustomerReviewLink" class="a-link-normal" href="#customerReviews"><span id="acrCustomerReviewText" class="a-size-base">${group(p.reviewCount, ',')} ratings</span></a>\n</div>\n</div>\n`
  );
}

/** The variation selector: sibling swatches (their prices are not this product's) and the parent ASIN trap. */
export function twisterBlock(model: ProductPageModel): string {
  const p = model.product;
  if (!p.parentAsin) return '';
  const swatches = p.siblingAsins
    .map((s, i) => {
      const price = Math.round(p.basePrice * (0.8 + 0.15 * i));
      return (
        `<li id="size_name_${i + 1}" data-defaultasin="${s}" data-dp-url="/dp/${s}/ref=twister_${p.asin}?_encoding=UTF8&amp;psc=1" class="swatchAvailable">` +
        `<span class="a-list-item"><span class="a-button a-button-toggle"><span class="a-button-inner"><button class="a-button-text" type="button">` +
        `<div class="twisterTextDiv text"><p class="a-text-left a-size-base">${['S', 'M', 'L', 'XL'][i] ?? 'XXL'}</p></div>` +
        `<div class="twisterSlotDiv"><p class="a-spacing-none a-text-left a-size-mini twisterSwatchPrice">${esc(moneyStyle(p.marketplace).text(price))}</p></div>` +
        `</button></span></span></span></li>`
      );
    })
    .join('\n');
  return (
    `<div id="twister_feature_div" class="celwidget" data-feature-name="twister">\n` +
    `<form id="twister" method="post" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-section a-spacing-small">\n` +
    `<span id="twisterNonJsData">\n<input type="hidden" name="ASIN" value="${p.parentAsin}">\n<input type="hidden" name="twisterDimKeys" value="size_name">\n<input type="hidden" name="noOfDims" value="1">\n</span>\n` +
    `<div id="variation_size_name" class="a-section a-spacing-small"><ul class="a-unordered-list a-nostyle a-button-list a-horizontal">\n${swatches}\n</ul></div>\n</form>\n` +
    `<script type="text/javascript">\nP.register('twister-js-init-dpx-data', function() {\n  var dataToReturn = {\n    "currentAsin" : "${p.asin}",\n    "parentAsin" : "${p.parentAsin}",\n` +
    `    "dimensionToAsinMap" : {${p.siblingAsins.map((s, i) => `"${i}":"${s}"`).join(',')}}\n  };\n  return dataToReturn;\n});\n</script>\n</div>\n`
  );
}

/** Formats and prices of a book's other editions (other ASINs: never this page's price). */
export function otherFormatsBlock(p: CatalogueProduct): string {
  if (p.otherFormats.length === 0) return '';
  const style = moneyStyle(p.marketplace);
  const items = p.otherFormats
    .map(
      (f) =>
        `<li class="swatchElement unselected"><span class="a-list-item"><span class="a-button a-spacing-mini a-button-toggle format"><span class="a-button-inner">` +
        `<a href="/dp/${f.asin}/ref=tmm_${f.format.toLowerCase()}_swatch_0" class="a-button-text" role="button"><span>${esc(f.format)}</span><br>` +
        `<span class="a-color-secondary"><span class="a-size-base a-color-price a-color-price">${esc(style.text(f.price))}</span></span></a></span></span></span></li>`,
    )
    .join('\n');
  return `<div id="tmmSwatches" class="a-row nonJSFormats">\n<ul class="a-unordered-list a-nostyle a-button-list a-horizontal">\n${items}\n</ul>\n</div>\n`;
}

function group(n: number, sep: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

function rankText(code: MarketplaceCode, rank: number, category: string): string {
  if (code === 'de') return `Nr. ${group(rank, '.')} in ${category}`;
  if (code === 'jp') return `- ${group(rank, ',')}位${category}`;
  if (code === 'fr') return `${group(rank, '\u202f')} en ${category}`;
  if (code === 'it' || code === 'es') return `${group(rank, '.')} en ${category}`;
  return `#${group(rank, ',')} in ${category}`;
}

/** The product details: ASIN, brand (where the byline does not show it), best sellers rank. */
export function detailsBlock(model: ProductPageModel, layout: 'old' | 'new'): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const category = p.breadcrumb[0] ?? p.kind;
  const rank = p.salesRank !== null ? rankText(p.marketplace, p.salesRank, category) : null;
  if (layout === 'old') {
    const li = (k: string, v: string) => `<li><span class="a-list-item"><span class="a-text-bold">${esc(k)} &rlm; : &lrm;</span> <span>${v}</span></span></li>`;
    return (
      `<div id="detailBulletsWrapper_feature_div" data-feature-name="detailBullets" class="a-section feature detail-bullets-wrapper bucket">\n` +
      `<div id="detailBullets_feature_div">\n<ul class="a-unordered-list a-nostyle a-vertical a-spacing-none detail-bullet-list">\n` +
      (p.brand ? li(t.brandLabel, esc(p.brand)) + '\n' : '') +
      li('ASIN', p.asin) +
      `\n</ul>\n</div>\n` +
      (rank ? `<ul class="a-unordered-list a-nostyle a-vertical a-spacing-none detail-bullet-list"><li id="SalesRank"><span class="a-list-item"><span class="a-text-bold">${esc(t.bestSellersRank)}:</span> ${esc(rank)} (<a href="/gp/bestsellers/ref=pd_zg_ts">See Top 100</a>)</span></li></ul>\n` : '') +
      `</div>\n`
    );
  }
  const tr = (k: string, v: string) => `<tr><th class="a-color-secondary a-size-base prodDetSectionEntry"> ${esc(k)} </th><td class="a-size-base prodDetAttrValue"> ${v} </td></tr>`;
  return (
    `<div id="prodDetails" class="a-section">\n<table id="productDetails_detailBullets_sections1" class="a-keyvalue prodDetTable" role="presentation">\n` +
    tr('ASIN', p.asin) +
    '\n' +
    (rank ? tr(t.bestSellersRank, `<span><span> ${esc(rank)} (<a href="/gp/bestsellers/ref=pd_zg_ts">See Top 100</a>)</span><br></span>`) + '\n' : '') +
    tr('Customer Reviews', `${p.rating} out of 5 stars`) +
    `\n</table>\n</div>\n`
  );
}

/** "Deliver to …" line. */
export function deliverTo(code: MarketplaceCode): string {
  const mk = getMarketplace(code);
  return `<div id="contextualIngressPt"><div id="contextualIngressPtPin"></div><span id="contextualIngressPtLabel" class="cip-a-size-small"><div id="contextualIngressPtLabel_deliveryShortLine"><span>Deliver to&nbsp;</span><span>${esc(mk.deliveryPostcode)}&zwnj;</span></div></span></div>`;
}

/** The seller name a page links for an offer. */
export function sellerLink(o: SimOffer, asin: string): string {
  return `<a href="/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8&amp;seller=${o.sellerId}&amp;asin=${asin}&amp;ref_=dp_merchant_link${o.fba ? '&amp;isAmazonFulfilled=1' : ''}" id="sellerProfileTriggerId">${esc(o.sellerName)}</a>`;
}

/** The hidden inputs every buy-box form carries (the page's own ASIN among them). */
export function buyBoxInputs(model: ProductPageModel, o: SimOffer | null): string {
  const r = tokens(model);
  const sid = sessionId(r);
  return (
    `<input type="hidden" id="session-id" name="session-id" value="${sid}">\n` +
    `<input type="hidden" id="ASIN" name="ASIN" value="${model.product.asin}">\n` +
    `<input type="hidden" id="offerListingID" name="offerListingID" value="${o ? offerListingId(r) : ''}">\n` +
    `<input type="hidden" id="isMerchantExclusive" name="isMerchantExclusive" value="0">\n` +
    `<input type="hidden" id="merchantID" name="merchantID" value="${o ? o.sellerId : ''}">\n` +
    `<input type="hidden" id="isAddon" name="isAddon" value="0">\n<input type="hidden" id="nodeID" name="nodeID" value="">\n` +
    `<input type="hidden" id="sellingCustomerID" name="sellingCustomerID" value="">\n<input type="hidden" id="qid" name="qid" value="">\n` +
    `<input type="hidden" id="sr" name="sr" value="">\n<input type="hidden" id="storeID" name="storeID" value="">\n` +
    `<input type="hidden" id="tagActionCode" name="tagActionCode" value="">\n<input type="hidden" id="viewID" name="viewID" value="glance">\n` +
    `<input type="hidden" id="rsid" name="rsid" value="${sid}">\n<input type="hidden" name="wlPopCommand" value="">\n`
  );
}

/** The quantity dropdown and cart buttons. */
export function cartButtons(code: MarketplaceCode, suffix = ''): string {
  const t = textPack(code);
  const options = Array.from({ length: 30 }, (_, i) => `<option value="${i + 1}"${i === 0 ? ' selected' : ''}>${i + 1}\n</option>`).join('\n');
  return (
    `<div id="selectQuantity${suffix}" class="a-section a-spacing-none a-padding-none"><span class="a-dropdown-container"><label for="quantity" class="a-native-dropdown">Qty:</label>` +
    `<select name="quantity" autocomplete="off" id="quantity${suffix}" tabIndex="0" class="a-native-dropdown">\n${options}\n</select></span></div>\n` +
    `<div class="a-button-stack">\n<span id="submit.add-to-cart${suffix}" class="a-button a-spacing-small a-button-primary a-button-icon"><span class="a-button-inner"><i class="a-icon a-icon-cart"></i>` +
    `<input id="add-to-cart-button${suffix}" name="submit.add-to-cart" title="${esc(t.addToCart)}" class="a-button-input" type="submit" value="${esc(t.addToCart)}"><span class="a-button-text" aria-hidden="true">${esc(t.addToCart)}</span></span></span>\n` +
    `<span id="submit.buy-now${suffix}" class="a-button a-button-oneclick a-button-icon onml-buy-now-button"><span class="a-button-inner"><i class="a-icon a-icon-buynow"></i>` +
    `<input id="buy-now-button${suffix}" name="submit.buy-now" title="${esc(t.buyNow)}" class="a-button-input" type="submit"><span class="a-button-text" aria-hidden="true">${esc(t.buyNow)}</span></span></span>\n</div>\n`
  );
}

/** Protection plans offered with the item (their prices are not the item's). */
export function protectionPlans(model: ProductPageModel): string {
  const p = model.product;
  if (p.decorations.protectionPlans.length === 0 || !model.featured) return '';
  const t = textPack(p.marketplace);
  const style = moneyStyle(p.marketplace);
  const items = p.decorations.protectionPlans
    .map(
      (price, i) =>
        `<div class="abbListItem"><input type="hidden" name="asin.${i + 1}" value="B0PLAN${i}X${p.asin.slice(-2)}">` +
        `<div data-a-input-name="offeringID.${i + 1}" class="a-checkbox"><label for="mbb-offeringID-${i + 1}"><input id="mbb-offeringID-${i + 1}" type="checkbox" name="offeringID.${i + 1}" value="1"><i class="a-icon a-icon-checkbox"></i>` +
        `<span class="a-label a-checkbox-label">${i + 2}-Year Protection for <span class="a-color-price offer-price a-text-normal">${esc(style.oldText(price))}</span></span></label></div></div>`,
    )
    .join('\n');
  return `<div id="abbWrapper" class="js-abbNew a-section"><fieldset class="forScreenreaders"><span class="nonacw-label a-text-bold">${esc(t.protectionPlan)}</span><br>\n${items}\n</fieldset></div>\n`;
}

/** Availability sentence of a featured offer. */
export function inStockText(model: ProductPageModel): string {
  const t = textPack(model.product.marketplace);
  return model.stockLeft !== null ? t.onlyLeft(model.stockLeft) : t.inStock;
}
