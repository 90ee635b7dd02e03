/**
 * The old product-page layout (2017–2020): `#price` table with `#priceblock_*`, `#availability`,
 * `#merchant-info`, `#olp_feature_div` in the centre column; the buy-box form (and the new/used
 * accordion) in the right column, which on these pages comes after the centre column.
 */
import type { MarketplaceCode } from '../config/index.js';
import { textPack } from './locale-text.js';
import type { SimOffer } from './market-state.js';
import { moneyStyle } from './money-format.js';
import {
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
  titleBlock,
  twisterBlock,
} from './page-common.js';
import type { ProductPageModel } from './page-model.js';

/** The product-specific regions of an old-layout page, in page order. */
export interface OldPageFragments {
  readonly top: string;
  readonly center: string;
  readonly right: string;
}

function priceRow(id: string, label: string, valueHtml: string, extraCls = ''): string {
  return (
    `<tr id="${id}_row">\n<td id="${id}_lbl" class="a-color-secondary a-size-base a-text-right a-nowrap">${esc(label)}</td>\n<td class="a-span12">\n` +
    `<span id="${id}" class="a-size-medium a-color-price${extraCls}">${valueHtml}</span>\n` +
    `<span id="${id.replace('priceblock_', '')}_shippingmessage"><span id="price-shipping-message" class="a-size-base a-color-base"><b>FREE Shipping</b> on orders over 25.</span></span>\n</td>\n</tr>\n`
  );
}

function oldPriceText(code: MarketplaceCode, minor: number): string {
  const style = moneyStyle(code);
  const text = esc(style.oldText(minor));
  return style.oldIconCurrency ? `<span class="currencyINR">&nbsp;&nbsp;</span>${text}` : text;
}

function splitPrice(code: MarketplaceCode, minor: number): string {
  const p = moneyStyle(code).parts(minor);
  const sym = `<span class="a-size-small price-info-superscript">\n${esc(p.symbol)}\n</span>\n`;
  const whole = `<span class="price-large">\n${p.whole}\n</span>\n`;
  const frac = p.fraction ? `<span class="a-size-small price-info-superscript">\n${p.fraction}\n</span>\n` : '';
  const inner = p.symbolAfter ? whole + frac + sym : sym + whole + frac;
  return `<div class="a-section a-spacing-none">\n${inner}<div class="a-section a-spacing-none inlineBlock">\n</div>\n</div>\n`;
}

/** `#price`: the list price row, then the price row of the variant (deal / sale / ours / split). */
function priceTable(model: ProductPageModel): string {
  const p = model.product;
  const f = model.featured;
  if (!f || p.variant === 'old-book') return '';
  const t = textPack(p.marketplace);
  const style = moneyStyle(p.marketplace);
  let rows = '';
  if (model.listPriceShown !== null) {
    rows +=
      `<tr>\n<td class="a-color-secondary a-size-base a-text-right a-nowrap">${esc(t.listPriceLabel)}</td>\n<td class="a-span12 a-color-secondary a-size-base">\n` +
      `<span class="priceBlockStrikePriceString a-text-strike"> ${esc(style.oldText(model.listPriceShown))}</span>\n<span id="listPriceLegalMessage">\n</span>\n</td>\n</tr>\n`;
  }
  const useDeal = p.variant === 'old-deal' || (model.deal && p.variant !== 'old-split');
  if (useDeal) rows += priceRow('priceblock_dealprice', t.dealLabel, oldPriceText(p.marketplace, f.price), ' priceBlockDealPriceString');
  else if (p.variant === 'old-sale') rows += priceRow('priceblock_saleprice', t.saleLabel, oldPriceText(p.marketplace, f.price), ' priceBlockSalePriceString');
  else if (p.variant === 'old-split') {
    rows +=
      `<tr id="priceblock_ourprice_row">\n<td id="priceblock_ourprice_lbl" class="a-color-secondary a-size-base a-text-right a-nowrap">${esc(t.priceLabel)}</td>\n<td class="a-span12">\n` +
      `<span id="priceblock_ourprice" class="a-color-base priceToPayPadding">\n${splitPrice(p.marketplace, f.price)}</span>\n</td>\n</tr>\n`;
  } else rows += priceRow('priceblock_ourprice', t.priceLabel, oldPriceText(p.marketplace, f.price), ' priceBlockBuyingPriceString');
  if (model.listPriceShown !== null) {
    const save = model.listPriceShown - f.price;
    const pct = Math.round((save / model.listPriceShown) * 100);
    rows += `<tr id="regularprice_savings">\n<td class="a-color-secondary a-size-base a-text-right a-nowrap">&nbsp;</td>\n<td class="a-span12 a-color-price a-size-base priceBlockSavingsString">\n${esc(t.youSave(style.oldText(save), pct))}\n</td>\n</tr>\n`;
  }
  rows += `<tr id="vatMessage">\n<td></td>\n<td>\n<span class="a-size-base"></span>\n</td>\n</tr>\n`;
  return `<div id="price" class="a-section a-spacing-small">\n<table class="a-lineitem">\n${rows}</table>\n</div>\n`;
}

function merchantLine(model: ProductPageModel, o: SimOffer): string {
  const t = textPack(model.product.marketplace);
  const sellerHtml = `<a id="sellerProfileTriggerId" href="/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8&amp;seller=${o.sellerId}&amp;asin=${model.product.asin}">${esc(o.sellerName)}</a>`;
  let line: string;
  if (o.sellerKind !== 'third_party') line = esc(t.merchantAmazon(o.sellerName));
  else if (o.fba) line = t.merchantFba('\u0000').split('\u0000').map(esc).join(sellerHtml);
  else line = t.merchantFbm('\u0000').split('\u0000').map(esc).join(sellerHtml);
  return `<div id="merchant-info" class="a-section a-spacing-mini">\n    \n        ${line}\n    \n<span class=""></span>\n</div>\n`;
}

function olpLinks(model: ProductPageModel): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const style = moneyStyle(p.marketplace);
  const parts: string[] = [];
  if (model.newOffers.length > 0) {
    const min = Math.min(...model.newOffers.map((o) => o.price));
    parts.push(
      `<span class="olp-padding-right"><a href="/gp/offer-listing/${p.asin}/ref=dp_olp_new?ie=UTF8&amp;condition=new">${t.newFrom(model.newOffers.length, `</a><span class='a-color-price'>${esc(style.oldText(min))}</span>`)}</span>`,
    );
  }
  if (model.usedOffers.length > 0) {
    const min = Math.min(...model.usedOffers.map((o) => o.price));
    parts.push(
      `<span class="olp-padding-right"><a href="/gp/offer-listing/${p.asin}/ref=dp_olp_used?ie=UTF8&amp;condition=used">${t.usedFrom(model.usedOffers.length, `</a><span class='a-color-price'>${esc(style.oldText(min))}</span>`)}</span>`,
    );
  }
  if (parts.length === 0) return '';
  return `<div id="olp_feature_div" class="feature" data-feature-name="olp">\n<div class="a-section a-spacing-small a-spacing-top-small">\n${parts.join('\n')}\n</div>\n</div>\n`;
}

function availabilityBlock(model: ProductPageModel): string {
  const t = textPack(model.product.marketplace);
  if (model.featured) {
    return `<div id="availability_feature_div" class="feature" data-feature-name="availability">\n<div id="availability" class="a-section a-spacing-none">\n    <span class="a-size-medium a-color-success">\n        ${esc(inStockText(model))}\n    </span>\n</div>\n</div>\n`;
  }
  if (model.truth.availability === 'in_stock') {
    return `<div id="availability_feature_div" class="feature" data-feature-name="availability">\n<div id="availability" class="a-section a-spacing-none">\n    <span class="a-size-medium a-color-price">\n        ${esc(t.availableFromSellers)}\n    </span>\n</div>\n</div>\n`;
  }
  return (
    `<div id="availability_feature_div" class="feature" data-feature-name="availability">\n<div id="availability" class="a-section a-spacing-none">\n<span class="a-size-medium a-color-price">\n${esc(t.unavailable)}\n</span>\n` +
    `<br/>${esc(t.unavailableMore)}\n</div>\n</div>\n`
  );
}

function rbbSection(id: string, label: string, priceText: string, active: boolean, inner: string, innerId: string): string {
  return (
    `<div class="a-box rbbSection ${active ? 'selected dp-accordion-active' : 'unselected'}"><div class="a-box-inner">\n<div class="a-section a-spacing-none a-padding-none">\n` +
    `<div id="${id}" class="rbbHeader dp-accordion-row">\n<i class="a-icon a-icon-radio-${active ? 'active' : 'inactive'}"></i>\n` +
    `<a class="a-link-normal rbbHeaderLink" href="#">\n<div class="a-row a-grid-vertical-align a-grid-center" style="height:41px;">\n<div class="a-column a-span12 a-text-left">\n` +
    `<span class="a-text-bold">${esc(label)} </span>\n<div class="a-column a-span7 a-text-right a-span-last">\n` +
    `<span class="a-size-base ${active ? 'a-color-price' : 'a-color-secondary'} offer-price a-text-normal">${priceText}</span>\n</div>\n</div>\n</div>\n</a>\n</div>\n` +
    `<div id="${innerId}" class="rbbContent dp-accordion-inner">\n${inner}</div>\n</div>\n</div></div>\n`
  );
}

function usedInner(model: ProductPageModel, o: SimOffer): string {
  const t = textPack(model.product.marketplace);
  return (
    `<input type="hidden" id="usedMerchantID" name="usedMerchantID" value="${o.sellerId}"/>\n` +
    `<div class="a-section a-spacing-base">\n<div class="a-row">\n<strong>\n${esc(t.usedGrades[o.grade ?? 'good'])}\n</strong>\n</div>\n` +
    `<div class="a-row">\n${esc(t.soldBy)}\n<a class="a-link-normal" href="/gp/help/seller/at-a-glance.html?ie=UTF8&amp;seller=${o.sellerId}">${esc(o.sellerName)}</a>\n</div>\n</div>\n`
  );
}

/** The right column: the buy-box form, with the new/used accordion when a used offer is shown. */
function rightColumn(model: ProductPageModel): string {
  const p = model.product;
  const t = textPack(p.marketplace);
  const style = moneyStyle(p.marketplace);
  const f = model.featured;
  let box: string;
  if (f) {
    const withAccordion = model.usedShown !== null || p.variant === 'old-book';
    let body = protectionPlans(model) + cartButtons(p.marketplace) + `<div id="unifiedLocation_feature_div" class="a-section feature">${deliverTo(p.marketplace)}</div>\n`;
    if (withAccordion) {
      let newInner = `<div id="buyBoxInner" class="a-section a-spacing-base a-spacing-top-small">\n`;
      if (p.variant === 'old-book' && model.listPriceShown !== null) {
        const save = model.listPriceShown - f.price;
        newInner +=
          `<ul class="a-unordered-list a-nostyle a-vertical">\n<li><span class="a-list-item">\n<span class="a-color-secondary">${esc(t.listPriceLabel)}</span>\n` +
          `<span class="a-color-secondary a-text-strike">${esc(style.oldText(model.listPriceShown))}</span>\n</span></li>\n` +
          `<li><span class="a-list-item">\n<span class="a-size-base a-color-secondary">\n${esc(t.youSave(style.oldText(save), Math.round((save / model.listPriceShown) * 100)))}\n</span>\n</span></li>\n</ul>\n`;
      }
      newInner += `</div>\n${body}`;
      body =
        `<div class="a-row a-spacing-medium">\n<div id="rbbContainer" class="a-box-group dp-accordion">\n` +
        rbbSection('buyNewSection', t.buyNew, esc(style.oldText(f.price)), true, newInner, 'buyNewInner') +
        (model.usedShown ? rbbSection('usedBuySection', t.buyUsed, esc(style.oldText(model.usedShown.price)), false, usedInner(model, model.usedShown), 'usedbuyBox') : '') +
        `</div>\n</div>\n`;
    }
    box =
      `<div id="buybox" class="a-section a-spacing-medium">\n<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n` +
      buyBoxInputs(model, f) +
      body +
      `</form>\n</div>\n`;
  } else if (model.truth.availability === 'in_stock') {
    box =
      `<div id="unqualifiedBuyBox" class="a-box"><div class="a-box-inner">\n<div class="a-section a-spacing-none a-text-center">\n` +
      `<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n${buyBoxInputs(model, null)}</form>\n` +
      `<div class="a-row a-spacing-mini">${esc(t.availableFromSellers)}</div>\n` +
      `<span class="a-button a-button-base"><span class="a-button-inner"><a href="/gp/offer-listing/${p.asin}/ref=dp_olp_unqualified" class="a-button-text" role="button">${esc(t.allOffers)}</a></span></span>\n</div>\n</div></div>\n`;
  } else {
    box =
      `<div id="outOfStock" class="a-box"><div class="a-box-inner">\n<div class="a-section a-spacing-small a-text-center">\n<span class="a-color-price a-text-bold">${esc(t.unavailable)}</span>\n` +
      `<br>${esc(t.unavailableMore)}\n</div>\n<form method="post" id="addToCart" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance" class="a-content">\n${buyBoxInputs(model, null)}</form>\n</div></div>\n`;
  }
  return `<div id="rightCol" class="rightCol">\n<div id="buybox_feature_div" class="feature" data-feature-name="buybox">\n<div id="buybox">\n${box}</div>\n</div>\n</div>\n`;
}

/** The centre column: title, byline, price table, availability, seller, offer links, variations. */
function centerColumn(model: ProductPageModel): string {
  const p = model.product;
  const f = model.featured;
  return (
    `<div id="leftCol" class="a-column a-span3">\n${imageBlock(p)}</div>\n` +
    `<div id="centerCol" class="centerColAlign">\n` +
    titleBlock(p) +
    bylineBlock(p, 'old') +
    reviewsBlock(p) +
    `<hr class="a-divider-normal"/>\n` +
    otherFormatsBlock(p) +
    priceTable(model) +
    availabilityBlock(model) +
    (f ? merchantLine(model, f) : '') +
    olpLinks(model) +
    twisterBlock(model) +
    `</div>\n`
  );
}

/** The regions of an old-layout page. */
export function renderOldProduct(model: ProductPageModel): OldPageFragments {
  return {
    top: `<div id="dp" class="${model.product.kind} en_US">\n<div id="dp-container" class="a-container" role="main">\n${breadcrumbs(model.product)}`,
    center: `<div id="ppd">\n${centerColumn(model)}`,
    right: `${rightColumn(model)}</div>\n`,
  };
}
