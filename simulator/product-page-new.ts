/**
 * The new product-page layout (2022 on): the buy box (`#corePrice_feature_div`, `#availability`,
 * seller in `#tabular-buybox` or in offer-display-features rows, a used accordion row) comes first
 * in the right column; the centre column repeats the price in `#apex_desktop` →
 * `#corePriceDisplay_desktop_feature_div` (`.priceToPay`, struck `.basisPrice` list price,
 * savings, coupons, unit prices, instalments), then variations and the product overview.
 */
import { type MarketplaceCode, getMarketplace } from '../config/index.js';
import { textPack } from './locale-text.js';
import type { SimOffer } from './market-state.js';
import { moneyStyle } from './money-format.js';
import {
  aPrice,
  aTextPrice,
  breadcrumbs,
  buyBoxInputs,
  bylineBlock,
  cartButtons,
  deliverTo,
  esc,
  imageBlock,
  inStockText,
  otherFormatsBlock,
  protectionPlans,
  reviewsBlock,
  sellerLink,
  titleBlock,
  twisterBlock,
} from './page-common.js';
import type { ProductPageModel } from './page-model.js';

/** The product-specific regions of a new-layout page, in page order. */
export interface NewPageFragments {
  readonly top: string;
  readonly right: string;
  readonly center: string;
}

function widget(id: string, name: string, asin: string, inner: string): string {
  return (
    `<div id="${id}" class="celwidget" data-feature-name="${name}" data-csa-c-type="widget" data-csa-c-content-id="${name}" ` +
    `data-csa-c-slot-id="${id}" data-csa-c-asin="${asin}" data-csa-c-is-in-initial-active-row="false">\n${inner}</div>\n`
  );
}

/** `#corePrice_feature_div`; inside an accordion row it names the row's buying option, as real pages do. */
function corePrice(model: ProductPageModel, o: SimOffer, option?: 'NEW' | 'SNS'): string {
  const p = model.product;
  const typed = option ? ` data-csa-c-buying-option-type="${option}"` : '';
  return widget(
    'corePrice_feature_div',
    'corePrice',
    p.asin,
    `<div data-csa-c-type="widget" data-csa-c-slot-id="apex_dp_offer_display" data-csa-c-content-id="apex_with_rio_cx"${typed}>\n` +
      `<div class="a-section a-spacing-micro">${aPrice(p.marketplace, o.price, { cls: 'aok-align-center' })}` +
      `<span id="taxInclusiveMessage" class="a-size-mini a-color-base aok-align-center aok-nowrap">  </span></div>\n</div>\n`,
  );
}

function availabilityBox(model: ProductPageModel, text: string, cls: string): string {
  return widget(
    'availabilityInsideBuyBox_feature_div',
    'availabilityInsideBuyBox',
    model.product.asin,
    `<div class="a-section a-spacing-none"><div id="availability" class="a-section a-spacing-base a-spacing-top-micro"> <span class="a-size-medium ${cls}"> ${esc(text)} </span> <br/></div></div>\n`,
  );
}

function tabular(model: ProductPageModel, o: SimOffer): string {
  const t = textPack(model.product.marketplace);
  const shipsFrom = o.fba ? (o.sellerKind === 'third_party' ? 'Amazon' : o.sellerName) : o.sellerName;
  const row = (label: string, value: string) =>
    `<div class="tabular-buybox-label" tabular-attribute-name="${esc(label)}"><div class="tabular-attribute-name"><span class="a-size-small a-color-tertiary">${esc(label)}</span> </div></div>\n` +
    `<div class="tabular-buybox-text" tabular-attribute-name="${esc(label)}"><div class="tabular-buybox-text a-spacing-none"><span class="a-size-small tabular-buybox-text-message">${value}</span> </div></div>\n`;
  return widget(
    'tabular_feature_div',
    'tabular',
    model.product.asin,
    `<div id="tabular-buybox" class="a-section a-spacing-base tabular-buybox"> <div class="tabular-buybox-container">\n` +
      row(t.shipsFrom, esc(shipsFrom)) +
      row(t.soldBy, sellerLink(o, model.product.asin)) +
      `</div></div>\n`,
  );
}

function offerDisplayFeatures(model: ProductPageModel, o: SimOffer): string {
  const t = textPack(model.product.marketplace);
  const asin = model.product.asin;
  const shipsFrom = o.fba ? (o.sellerKind === 'third_party' ? 'Amazon' : o.sellerName) : o.sellerName;
  const row = (id: string, name: string, feature: string, label: string, value: string) =>
    widget(
      id,
      name,
      asin,
      `<div class="offer-display-feature-label celwidget a-size-small a-spacing-mini" offer-display-feature-name="${feature}"><div class="a-spacing-none"><span class="a-size-small a-color-tertiary">${esc(label)}</span> </div></div>\n` +
        `<div class="offer-display-feature-text a-size-small a-spacing-mini" offer-display-feature-name="${feature}"><div class="offer-display-feature-text a-spacing-none odf-truncation-popover">` +
        `<span class="a-size-small offer-display-feature-text-message">${value}</span> </div></div>\n`,
    );
  return (
    `<div id="offer-display-features" class="a-section a-spacing-base offer-display-features"><div class=" offer-display-features-container" displayable-row-count="4">\n` +
    row('fulfillerInfoFeature_feature_div', 'fulfillerInfoFeature', 'desktop-fulfiller-info', t.shipsFrom, esc(shipsFrom)) +
    row('merchantInfoFeature_feature_div', 'merchantInfoFeature', 'desktop-merchant-info', t.soldBy, sellerLink(o, asin)) +
    row('returnsInfoFeature_feature_div', 'returnsInfoFeature', 'desktop-return-info', 'Returns', '30-day refund/replacement') +
    `</div></div>\n`
  );
}

function sellerRows(model: ProductPageModel, o: SimOffer): string {
  return model.product.variant === 'new-tabular' ? tabular(model, o) : offerDisplayFeatures(model, o);
}

function deliveryBlock(model: ProductPageModel, o: SimOffer): string {
  const t = textPack(model.product.marketplace);
  const msg = o.shipping === 0 ? t.freeDelivery : t.deliveryCost(moneyStyle(model.product.marketplace).text(o.shipping));
  const date = deliveryDate(model.product.marketplace, model.time);
  return (
    `<div id="deliveryBlockMessage" class="a-section a-spacing-none"><div id="mir-layout-DELIVERY_BLOCK"><div class="a-spacing-base" id="mir-layout-DELIVERY_BLOCK-slot-PRIMARY_DELIVERY_MESSAGE_LARGE">` +
    `<span data-csa-c-type="element" data-csa-c-content-id="DEXUnifiedCXPDM" data-csa-c-delivery-price="${esc(msg)}" data-csa-c-delivery-time="${esc(date)}"> ${esc(msg)} <span class="a-text-bold">${esc(date)}</span>. </span></div></div></div>\n` +
    deliverTo(model.product.marketplace) +
    '\n'
  );
}

const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** "Tuesday, March 4" in the storefront's language, three days after `time`. */
function deliveryDate(code: MarketplaceCode, time: number): string {
  let f = DATE_FORMATS.get(code);
  if (!f) {
    f = new Intl.DateTimeFormat(getMarketplace(code).locale, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
    DATE_FORMATS.set(code, f);
  }
  return f.format(new Date(time + 3 * 86_400_000));
}

function usedAccordionRow(model: ProductPageModel, o: SimOffer, index: number): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const grade = t.usedGrades[o.grade ?? 'good'];
  return (
    `<div id="usedAccordionRow" data-buying-option-index="${index}" class="a-box celwidget" data-a-accordion-row-name="usedAccordionRow"><div class="a-box-inner a-accordion-row-container">\n` +
    `<div aria-expanded="false" data-action="a-accordion" class="a-accordion-row-a11y a-accordion-row a-declarative accordion-header" role="button" tabindex="0"><i class="a-icon a-accordion-radio a-icon-radio-inactive"></i> <h5>\n` +
    `<div id="usedAccordionCaption_feature_div" class="celwidget"><div class="a-column a-span12 accordion-caption"><span class="a-text-bold">${esc(t.saveWithUsed(grade))}</span></div></div>\n` +
    `<div id="usedAccordionPrice_feature_div" class="celwidget"><div class="a-section a-spacing-none">${aPrice(p.marketplace, o.price, { size: 'l', cls: 'a-text-normal aok-align-center reinventPriceAccordionT2' })}</div></div>\n` +
    `</h5></div>\n<div class="a-accordion-inner accordion-row-content" style="display:none">\n` +
    `<div id="usedbuyBox" class="a-section"><input type="hidden" id="usedMerchantID" name="usedMerchantID" value="${o.sellerId}">\n` +
    `<div class="a-row"><strong>${esc(grade)}</strong></div>\n<div class="a-row">${esc(t.soldBy)} <a class="a-link-normal" href="/gp/help/seller/at-a-glance.html?ie=UTF8&amp;seller=${o.sellerId}">${esc(o.sellerName)}</a></div>\n` +
    `</div>\n</div>\n</div></div>\n`
  );
}

function qualifiedBox(model: ProductPageModel, o: SimOffer): string {
  const p = model.product;
  return (
    `<div id="qualifiedBuybox" class="celwidget" data-feature-name="qualifiedBuybox">\n<div class="a-section"><form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n` +
    `<input type="hidden" name="items[0.base][asin]" value="${p.asin}">\n<input type="hidden" name="clientName" value="OffersX_OfferDisplay_DetailPage">\n` +
    buyBoxInputs(model, o) +
    `<div class="a-box-group"><div class="a-box a-last"><div class="a-box-inner">\n` +
    widget('apex_offerDisplay_desktop', 'apex_offerDisplay_desktop', p.asin, corePrice(model, o)) +
    deliveryBlock(model, o) +
    availabilityBox(model, inStockText(model), 'a-color-success') +
    cartButtons(p.marketplace) +
    sellerRows(model, o) +
    protectionPlans(model) +
    `</div></div></div>\n</form></div>\n</div>\n`
  );
}

function accordionBox(model: ProductPageModel, o: SimOffer, used: SimOffer | null): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const sns = p.variant === 'new-sns' && p.decorations.snsPct !== null && o.sellerKind === 'amazon';
  let rows = '';
  let idx = 0;
  if (sns) {
    const snsPrice = Math.round(o.price * (1 - p.decorations.snsPct / 100));
    rows +=
      `<div id="snsAccordionRowMiddle" data-buying-option-index="${idx++}" class="a-box a-accordion-active celwidget" data-a-accordion-row-name="snsAccordionRowMiddle"><div class="a-box-inner a-accordion-row-container">\n` +
      `<div aria-expanded="true" data-action="a-accordion" class="a-accordion-row-a11y a-accordion-row a-declarative accordion-header" role="button"><i class="a-icon a-accordion-radio a-icon-radio-active"></i> <h5>\n` +
      `<div id="snsCaptionAndDiscountPillAbbreviated_feature_div" class="celwidget"><div class="a-section a-spacing-none a-padding-none accordion-caption"><span id="sns-caption-and-icon"><span class="a-text-bold"> ${t.subscribeSave} </span></span></div></div>\n` +
      widget(
        'apex_offerDisplay_desktop',
        'apex_offerDisplay_desktop',
        p.asin,
        widget(
          'corePrice_feature_div',
          'corePrice',
          p.asin,
          `<div data-csa-c-type="widget" data-csa-c-slot-id="apex_dp_offer_display" data-csa-c-content-id="apex_with_rio_cx" data-csa-c-buying-option-type="SNS">\n` +
            `<div class="a-section a-spacing-none a-padding-none"><span id="subscriptionPrice" class="a-color-price header-price a-text-normal"><span id="sns-base-price"><div class="a-spacing-top-mini">` +
            `${aPrice(p.marketplace, snsPrice, { size: 'l', cls: 'a-text-normal aok-align-center reinventPriceAccordionT2' })}</div></span></span></div>\n</div>\n`,
        ),
      ) +
      `</h5></div>\n<div class="a-accordion-inner accordion-row-content">\n<div id="snsUpsellMessage_feature_div" class="celwidget"><span class="sns-delivery-buybox-upsell-message"> Save ${p.decorations.snsPct}% now and up to 15% on repeat deliveries. Cancel anytime. </span></div>\n` +
      availabilityBox(model, inStockText(model), 'a-color-success') +
      `</div>\n</div></div>\n`;
  }
  rows +=
    `<div id="newAccordionRow_${idx}" data-buying-option-index="${idx}" class="a-box${sns ? '' : ' a-accordion-active'} celwidget" data-a-accordion-row-name="newAccordionRow"><div class="a-box-inner a-accordion-row-container">\n` +
    `<div aria-expanded="${sns ? 'false' : 'true'}" data-action="a-accordion" class="a-accordion-row-a11y a-accordion-row a-declarative accordion-header" role="button"><i class="a-icon a-accordion-radio a-icon-radio-${sns ? 'inactive' : 'active'}"></i> <h5>\n` +
    `<div id="newAccordionCaption_feature_div" class="celwidget"><div class="a-column a-span12 accordion-caption"><span class="a-text-bold"> ${esc(sns ? t.oneTime : t.buyNew)} </span></div></div>\n` +
    widget('apex_offerDisplay_desktop', 'apex_offerDisplay_desktop', p.asin, corePrice(model, o, 'NEW')) +
    `</h5></div>\n<div class="a-accordion-inner accordion-row-content">\n<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n` +
    `<input type="hidden" name="items[0.base][customerVisiblePrice][amount]" value="${moneyStyle(p.marketplace).minorDigits === 0 ? o.price : (o.price / 100).toFixed(2)}">\n` +
    buyBoxInputs(model, o) +
    deliveryBlock(model, o) +
    (sns ? '' : availabilityBox(model, inStockText(model), 'a-color-success')) +
    cartButtons(p.marketplace, sns ? '-onetime' : '') +
    sellerRows(model, o) +
    protectionPlans(model) +
    `</form>\n</div>\n</div></div>\n`;
  idx++;
  if (used) rows += usedAccordionRow(model, used, idx);
  return `<div id="buyBoxAccordion" data-a-accordion-name="buybox-accordion" class="a-box-group a-accordion a-spacing-large" role="group">\n${rows}</div>\n`;
}

function usedOnlyBox(model: ProductPageModel, o: SimOffer): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const style = moneyStyle(p.marketplace);
  return (
    `<div id="usedOnlyBuybox" class="a-section a-spacing-medium"><div class="a-row a-spacing-medium"><div class="a-box"><div class="a-box-inner">\n` +
    `<div class="a-section a-spacing-none a-padding-none"><div id="usedBuySection" class="rbbHeader dp-accordion-row">\n` +
    `<div class="a-row a-grid-vertical-align a-grid-center" style="height:41px;"><div class="a-column a-span12 a-text-left"><span class="a-text-bold">${esc(t.buyUsed.replace(/:$/, ''))}</span> ` +
    `<span class="a-size-base a-color-price offer-price a-text-normal">${esc(style.text(o.price))}</span></div></div></div>\n` +
    `<div id="usedbuyBox" class="rbbContent dp-accordion-inner">\n<input type="hidden" id="usedMerchantID" name="usedMerchantID" value="${o.sellerId}">\n` +
    `<input type="hidden" name="items[0.base][asin]" value="${p.asin}">\n` +
    `<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n${buyBoxInputs(model, o)}</form>\n` +
    deliveryBlock(model, o) +
    `<div class="a-section a-spacing-base"><div class="a-row"><strong>\n${esc(t.usedGrades[o.grade ?? 'good'])} </strong></div>\n` +
    `<div class="a-row"> ${esc(t.soldBy)} <a id="sellerProfileTriggerId" data-is-ubb="true" class="a-link-normal" href="/gp/help/seller/at-a-glance.html?ie=UTF8&amp;seller=${o.sellerId}">${esc(o.sellerName)}</a> </div></div>\n` +
    cartButtons(p.marketplace, '-ubb') +
    `</div>\n</div></div></div></div></div>\n`
  );
}

function rightColumn(model: ProductPageModel): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const f = model.featured;
  let box: string;
  if (f) {
    const accordion = model.usedShown !== null || (p.variant === 'new-sns' && f.sellerKind === 'amazon');
    box = accordion ? accordionBox(model, f, model.usedShown) : qualifiedBox(model, f);
  } else if (model.usedOnly) {
    box = usedOnlyBox(model, model.usedOnly);
  } else if (model.truth.availability === 'unknown') {
    box =
      `<div id="unqualifiedBuyBox" class="celwidget"><div class="a-box"><div class="a-box-inner">\n<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n${buyBoxInputs(model, null)}</form>\n` +
      `<span class="a-button a-button-base"><span class="a-button-inner"><a id="buybox-see-all-buying-choices" href="/gp/offer-listing/${p.asin}/ref=dp_olp_NEW_mbc" class="a-button-text" role="button">${esc(t.allOffers)}</a></span></span>\n</div></div></div>\n`;
  } else {
    box =
      `<div id="outOfStock" class="a-box"><div class="a-box-inner">\n<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n${buyBoxInputs(model, null)}</form>\n` +
      availabilityBox(model, t.unavailable, 'a-color-price') +
      `<div class="a-section a-spacing-small a-text-center"><span class="a-size-base">${esc(t.unavailableMore)}</span></div>\n</div></div>\n`;
  }
  return `<div id="rightCol" class="a-column a-span4 a-span-last">\n<div id="desktop_buybox" class="celwidget">\n<div id="buybox">\n${box}</div>\n</div>\n</div>\n`;
}

/** The centre column's price to pay: savings, `.priceToPay`, unit price, struck list price, instalments. */
function priceToPayDisplay(model: ProductPageModel, price: number, list: number | null, hidden: boolean): string {
  const p = model.product;
  const code = p.marketplace;
  const t = textPack(code);
  const style = moneyStyle(code);
  const pct = list !== null ? Math.round(((list - price) / list) * 100) : null;
  const offscreenText = pct !== null ? `${style.text(price)} with ${pct} percent savings` : style.text(price);
  let display =
    `<div class="a-section a-spacing-none aok-align-center aok-relative"> <span class="aok-offscreen">   ${esc(offscreenText)}    </span>` +
    (pct !== null ? `<span aria-hidden="true" class="a-size-large a-color-price savingPriceOverride aok-align-center reinventPriceSavingsPercentageMargin savingsPercentage">-${pct}%</span>` : '') +
    aPrice(code, price, { cls: 'aok-align-center reinventPricePriceToPayMargin priceToPay', blankOffscreen: hidden }) +
    `<span id="taxInclusiveMessage" class="a-size-mini a-color-base aok-align-center aok-nowrap">  </span>`;
  if (p.decorations.unitCount) {
    const unit = Math.round(price / p.decorations.unitCount);
    display += `<span class="aok-relative"><span class="a-size-mini aok-offscreen">${esc(style.text(unit))} ${esc(t.perCount)}</span><span aria-hidden="true" class="a-size-mini a-color-base aok-align-center pricePerUnit">(${aTextPrice(code, unit, false, 'mini')}${esc(t.perCount)})</span></span>`;
  }
  display += `</div>\n`;
  if (list !== null) {
    display +=
      `<div class="a-section a-spacing-small aok-align-center"><span><span class="aok-relative"><span class="a-size-small aok-offscreen"> ${esc(t.listPriceLabel)} ${esc(style.text(list))} </span>` +
      `<span aria-hidden="true" class="a-size-small a-color-secondary aok-align-center basisPrice">${esc(t.listPriceLabel)} ${aTextPrice(code, list, true)}</span></span></span></div>\n`;
  }
  if (p.decorations.monthlyMonths) {
    const per = Math.ceil(price / p.decorations.monthlyMonths);
    display += `<div id="installmentCalculator_feature_div" class="a-section"><span class="a-size-base">${esc(t.monthly(style.text(per), p.decorations.monthlyMonths))}</span></div>\n`;
  }
  return display;
}

/** Subscribe & Save preselected: its price to pay, with the one-time price shown struck beside it. */
function snsDisplay(model: ProductPageModel, oneTime: number, pctOff: number): string {
  const code = model.product.marketplace;
  const t = textPack(code);
  const style = moneyStyle(code);
  const snsPrice = Math.round(oneTime * (1 - pctOff / 100));
  return (
    `<span id="snsDetailPagePrice"><div class="a-section a-spacing-none a-padding-none"><span id="subscriptionPrice"><span id="sns-base-price">` +
    `<div class="a-section a-spacing-none aok-align-center aok-relative"> <span class="aok-offscreen"> ${esc(style.text(snsPrice))} with ${pctOff} percent savings </span>` +
    `<span aria-hidden="true" class="a-size-large a-color-price savingPriceOverride aok-align-center reinventPriceSavingsPercentageMargin savingsPercentage">-${pctOff}%</span>` +
    `${aPrice(code, snsPrice, { cls: 'aok-align-center reinventPricePriceToPayMargin priceToPay', blankOffscreen: true })}</div>\n` +
    `<div class="a-section a-spacing-small aok-align-center"><span><span class="aok-relative"><span class="a-size-small aok-offscreen"> ${esc(t.oneTime)} ${esc(style.text(oneTime))} </span>` +
    `<span aria-hidden="true" class="a-size-small a-color-secondary aok-align-center basisPrice">${esc(t.oneTime)} ${aTextPrice(code, oneTime, true)}</span></span></span></div>` +
    `</span></span></div></span>\n`
  );
}

/** `#apex_desktop`: the price display of the centre column (one per buying option when the buy box has rows). */
function apexDesktop(model: ProductPageModel): string {
  const p = model.product;
  const f = model.featured;
  const t = textPack(p.marketplace);
  const style = moneyStyle(p.marketplace);
  if (!f) return widget('apex_desktop', 'apex_desktop', p.asin, `<div class="a-section a-spacing-none"></div>\n`);
  const sns = p.variant === 'new-sns' && p.decorations.snsPct !== null && f.sellerKind === 'amazon';
  const deal = model.deal
    ? widget('dealBadge_feature_div', 'dealBadge', p.asin, `<div class="a-section a-spacing-small"><span class="a-size-small dealBadgeTextColor a-text-bold">Limited time deal</span></div>\n`)
    : '';
  const display = (inner: string) => widget('corePriceDisplay_desktop_feature_div', 'corePriceDisplay_desktop', p.asin, inner);
  const prices = sns
    ? `<div id="apex_desktop_snsAccordionRowMiddle" style="">\n${display(snsDisplay(model, f.price, p.decorations.snsPct))}</div>\n` +
      `<div id="apex_desktop_newAccordionRow" style="display:none;">\n${display(priceToPayDisplay(model, f.price, null, false))}</div>\n`
    : display(priceToPayDisplay(model, f.price, model.listPriceShown, p.variant === 'new-odf-hidden'));
  let coupon = '';
  const c = p.decorations.coupon;
  if (c) {
    const label = c.kind === 'amount' ? t.couponAmount(style.text(c.minor)) : t.couponPercent(c.pct);
    coupon = widget(
      'promoPriceBlockMessage_feature_div',
      'promoPriceBlockMessage',
      p.asin,
      `<div class="a-section a-spacing-none"><span class="couponBadge">Coupon</span> <label id="couponText" class="a-size-base a-color-success">${esc(label)}</label> <span class="a-size-base a-color-secondary">Terms</span></div>\n`,
    );
  }
  return widget('apex_desktop', 'apex_desktop', p.asin, `<div class="offersConsistencyEnabled">\n${deal}${prices}${coupon}</div>\n`);
}

function productOverview(model: ProductPageModel): string {
  const p = model.product;
  if (!p.brand) return '';
  const t = textPack(p.marketplace);
  return widget(
    'productOverview_feature_div',
    'productOverview',
    p.asin,
    `<div class="a-section a-spacing-small a-spacing-top-small"><table class="a-normal a-spacing-micro">\n` +
      `<tr class="a-spacing-small po-brand"><td class="a-span3"><span class="a-size-base a-text-bold">${esc(t.brandLabel)}</span></td><td class="a-span9"><span class="a-size-base po-break-word">${esc(p.brand)}</span></td></tr>\n` +
      `</table></div>\n`,
  );
}

function centerColumn(model: ProductPageModel): string {
  const p = model.product;
  return (
    `<div id="leftCol" class="a-column a-span3">\n${imageBlock(p)}</div>\n` +
    `<div id="centerCol" class="a-column a-span4 a-text-left centerColumn">\n` +
    titleBlock(p) +
    bylineBlock(p, 'new') +
    reviewsBlock(p) +
    `<hr class="a-spacing-small a-divider-normal"/>\n` +
    apexDesktop(model) +
    otherFormatsBlock(p) +
    twisterBlock(model) +
    productOverview(model) +
    `</div>\n`
  );
}

/** The regions of a new-layout page. */
export function renderNewProduct(model: ProductPageModel): NewPageFragments {
  return {
    top: `<div id="dp" class="${model.product.kind} en_US">\n<div id="dp-container" class="a-container" role="main">\n${breadcrumbs(model.product)}<div id="ppd">\n`,
    right: rightColumn(model),
    center: `${centerColumn(model)}</div>\n`,
  };
}
