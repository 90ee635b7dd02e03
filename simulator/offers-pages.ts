/**
 * Offer pages: the All Offers Display fragment (`/gp/aod/ajax?asin=…&pc=dp&pageno=N`), paginated,
 * with the pinned (featured) offer on page 1; and the old full-page `/gp/offer-listing/ASIN`.
 */
import { type MarketplaceCode, getMarketplace } from '../config/index.js';
import type { CatalogueProduct } from './catalogue.js';
import { textPack } from './locale-text.js';
import { moneyStyle } from './money-format.js';
import { aPrice, esc } from './page-common.js';
import type { OfferTruth, OffersTruth } from './page-model.js';

function conditionLabel(code: MarketplaceCode, o: OfferTruth): string {
  const t = textPack(code);
  switch (o.condition) {
    case 'new':
      return t.conditionNew;
    case 'used':
      return t.usedGrades[(o.grade ?? 'good') as keyof typeof t.usedGrades] ?? t.usedGrades.good;
    case 'refurbished':
      return t.renewed;
    case 'collectible':
      return t.collectible;
    default: {
      const never: never = o.condition;
      throw new Error(`unknown condition ${String(never)}`);
    }
  }
}

function shipsFromName(o: OfferTruth): string {
  return o.shipsFromAmazon ? (o.seller === 'third_party' ? 'Amazon' : o.sellerName) : o.sellerName;
}

function aodOfferInner(code: MarketplaceCode, asin: string, o: OfferTruth, index: number): string {
  const t = textPack(code);
  const style = moneyStyle(code);
  const delivery = o.shipping === 0 ? t.freeDelivery : t.deliveryCost(style.text(o.shipping));
  const sold =
    o.seller === 'amazon'
      ? `<span class="a-size-small a-color-base" aria-label="${esc(o.sellerName)}">${esc(o.sellerName)}</span>`
      : `<a class="a-size-small a-link-normal" tabindex="0" href="/gp/aag/main?ie=UTF8&amp;seller=${o.sellerId}&amp;isAmazonFulfilled=${o.shipsFromAmazon ? 1 : 0}&amp;asin=${asin}&amp;ref_=olp_merch_name_${index}" role="link">${esc(o.sellerName)}</a>`;
  const grid = (id: string, label: string, value: string) =>
    `<div id="${id}" class="a-section a-spacing-none a-padding-none"><div class="a-fixed-left-grid aod-margin-top-xs"><div class="a-fixed-left-grid-inner" style="padding-left:100px">` +
    `<div class="a-fixed-left-grid-col a-col-left" style="width:100px;margin-left:-100px;float:left;"><span class="a-size-small a-color-tertiary"> ${esc(label)} </span></div>` +
    `<div class="a-fixed-left-grid-col a-col-right" style="padding-left:0%;float:left;">${value}</div></div></div></div>\n`;
  return (
    `<div id="aod-offer-price" class="a-fixed-left-grid aod-padding-top-s"><div class="a-fixed-left-grid-inner" style="padding-left:0px"><div class="a-fixed-left-grid-col a-col-right" style="padding-left:0%;float:left;">\n` +
    `<div id="aod-price-${index}" class="a-section a-spacing-none aok-align-center aok-relative">${aPrice(code, o.price, { cls: 'aok-align-center centralizedApexPricePriceToPayMargin' })}</div>\n` +
    `<div id="mir-layout-DELIVERY_BLOCK"><div class="a-spacing-base" id="mir-layout-DELIVERY_BLOCK-slot-PRIMARY_DELIVERY_MESSAGE_LARGE"><span data-csa-c-delivery-price="${esc(o.shipping === 0 ? 'FREE' : style.text(o.shipping))}"> ${esc(delivery)} </span></div></div>\n` +
    `</div></div></div>\n` +
    `<div id="aod-offer-heading" class="a-section a-spacing-none"><h5> ${esc(conditionLabel(code, o))} </h5></div>\n` +
    grid('aod-offer-shipsFrom', t.shipsFrom, `<span class="a-size-small a-color-base"> ${esc(shipsFromName(o))} </span>`) +
    grid('aod-offer-soldBy', t.soldBy, sold)
  );
}

function aodOffer(code: MarketplaceCode, asin: string, o: OfferTruth, index: number): string {
  return `<div id="aod-offer" class="a-section a-spacing-none a-padding-base aod-information-block aod-clear-float" role="listitem">\n${aodOfferInner(code, asin, o, index)}</div>\n`;
}

/** The AOD fragment, page `pageNo` (1-based). Page 1 carries the product header and the pinned offer. */
export function aodFragment(p: CatalogueProduct, truth: OffersTruth, pageNo: number): string {
  const code = p.marketplace;
  const start = (pageNo - 1) * truth.pageSize;
  const slice = truth.offers.slice(start, start + truth.pageSize);
  const count = `<input type="hidden" id="aod-total-offer-count" name="aod-total-offer-count" value="${truth.totalOfferCount}"/>\n`;
  const offers = slice.map((o, i) => aodOffer(code, p.asin, o, start + i + 1)).join('');
  const more = start + truth.pageSize < truth.offers.length;
  const end = more
    ? `<div id="aod-pagination" data-page="${pageNo + 1}"><span class="a-declarative" data-action="aod-load-more">Show more results</span></div>\n`
    : `<div id="aod-end-of-results" class="a-section a-spacing-none a-padding-base aod-clear-float"><span class="a-size-base a-color-secondary">End of results</span></div>\n`;
  if (pageNo > 1) return `<div id="aod-paginated-offers" data-page="${pageNo}">\n${count}${offers}${end}</div>\n`;
  const pinned = truth.pinned
    ? `<div id="aod-pinned-offer" class="a-section a-spacing-none a-padding-base aod-information-block aod-clear-float" role="listitem">\n<div id="pinned-offer-top-id" class="a-section a-spacing-none">\n${aodOfferInner(code, p.asin, truth.pinned, 0)}</div>\n</div>\n`
    : '';
  return (
    `<div id="aod-container" class="a-section a-spacing-none" data-asin="${p.asin}">\n` +
    `<div id="aod-asin-block" class="a-section a-spacing-none"><div id="aod-asin-title" class="a-section a-spacing-none"><h5 id="aod-asin-title-text" class="a-size-base-plus"> ${esc(p.title)} </h5></div>` +
    `<img id="aod-asin-image-id" src="https://m.media-amazon.com/images/I/${p.imageId}._AC_SX38_SY50_CR,0,0,38,50_.jpg"></div>\n` +
    `<div id="aod-filter-component" class="a-section"><span id="aod-filter-offer-count-string" class="a-size-base">${truth.totalOfferCount} options</span></div>\n` +
    pinned +
    `<div id="aod-offer-list" class="a-section a-spacing-none">\n${count}${offers}</div>\n${end}</div>\n`
  );
}

/** The old full-page offer listing: every offer (optionally one condition), cheapest total first. */
export function offerListingPage(p: CatalogueProduct, offers: readonly OfferTruth[]): string {
  const code = p.marketplace;
  const m = getMarketplace(code);
  const t = textPack(code);
  const style = moneyStyle(code);
  const rows = offers
    .map((o, i) => {
      const shipping =
        o.shipping === 0
          ? `<span class="a-color-secondary">\n&amp; <b>FREE Shipping</b>\n</span>`
          : `<span class="a-color-secondary">\n+ <span class="olpShippingPrice">${esc(style.text(o.shipping))}</span>\n<span class="olpShippingPriceText">shipping</span>\n</span>`;
      const label = conditionLabel(code, o);
      const dash = label.indexOf(' - ');
      const cond =
        dash < 0
          ? `<span class="a-size-medium olpCondition a-text-bold">\n${esc(label)}\n</span>`
          : `<span id="olpUsed" class="a-size-medium olpCondition a-text-bold">\n${esc(label.slice(0, dash))}\n-\n<span id="offerSubCondition">\n${esc(label.slice(dash + 3))}\n</span>\n</span>`;
      const seller =
        o.seller === 'amazon'
          ? `<h3 class="a-spacing-none olpSellerName"><img alt="${esc(o.sellerName)}" src="https://images-na.ssl-images-amazon.com/images/G/01/marketplace/logos/amazon_logo._CB.gif"></h3>`
          : `<h3 class="a-spacing-none olpSellerName">\n<span class="a-size-medium a-text-bold"><a href="/gp/aag/main/ref=olp_merch_name_${i + 1}?ie=UTF8&amp;asin=${p.asin}&amp;isAmazonFulfilled=${o.shipsFromAmazon ? 1 : 0}&amp;seller=${o.sellerId}">${esc(o.sellerName)}</a></span>\n</h3>`;
      return (
        `<div class="a-row a-spacing-mini olpOffer" role="row">\n<div class="a-column a-span2 olpPriceColumn" role="gridcell">\n` +
        `<span class="a-size-large a-color-price olpOfferPrice a-text-bold">                ${esc(style.text(o.price))}                </span>\n` +
        `<p class="olpShippingInfo">\n${shipping}\n</p>\n</div>\n` +
        `<div class="a-column a-span3 olpConditionColumn" role="gridcell">\n<div id="offerCondition" class="a-section a-spacing-small">\n${cond}\n</div>\n</div>\n` +
        `<div class="a-column a-span3 olpDeliveryColumn" role="gridcell"><p class="a-spacing-mini olpAvailability"></p></div>\n` +
        `<div class="a-column a-span2 olpSellerColumn" role="gridcell">\n${seller}\n</div>\n` +
        `<div class="a-column a-span2 olpBuyColumn a-span-last" role="gridcell"><div class="a-button-stack"><form method="post" action="/gp/item-dispatch/ref=olp_atc_${o.condition}_${i + 1}" class="a-spacing-none">` +
        `<input type="hidden" name="itemCount" value="1"><input type="hidden" name="offeringID.1" value="${esc(o.id)}"></form></div></div>\n</div>\n<hr class="a-spacing-mini a-divider-normal">\n`
      );
    })
    .join('');
  return (
    `<!doctype html><html lang="${t.htmlLang}" class="a-no-js"><head>\n<meta charset="utf-8">\n<meta name="robots" content="noindex">\n` +
    `<title dir="ltr">${esc(`${t.storeTitleSuffix}: Buying Choices: ${p.title}`)}</title>\n<link rel="canonical" href="https://www.${m.domain}/gp/offer-listing/${p.asin}" />\n</head>\n<body>\n` +
    `<div id="olpProductImage" class="a-fixed-left-grid-col a-col-left"><a href="/dp/${p.asin}"><img alt="Return to product information" src="https://m.media-amazon.com/images/I/${p.imageId}._SS160_.jpg"></a></div>\n` +
    `<div id="olpProductDetails" class="a-fixed-left-grid-col a-col-right">\n<h1 class="a-size-large a-spacing-none" role="main">\n${esc(p.title)}\n</h1>\n</div>\n` +
    `<div id="olpOfferListColumn" class="a-fixed-left-grid-col a-col-right">\n<div id="olpOfferList" class="a-section olpOfferList">\n<div class="a-section a-padding-small">\n` +
    `<div aria-label="More buying choices" class="a-section a-spacing-double-large" role="grid">\n<hr class="a-spacing-mini a-divider-normal">\n${rows}</div>\n</div>\n</div>\n</div>\n</body></html>\n`
  );
}
