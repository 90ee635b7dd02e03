/**
 * The content script of Amazon product pages (every storefront of the catalogue). It starts at
 * document_start only to send the lookup (and the chart's first range) to the background worker
 * while the page is still loading; once the DOM is there it inserts the box and fills it from those
 * answers. Nothing waits on the page or blocks it. Amazon switches variations by rewriting the URL
 * and the product columns without a page load, so the script looks again now and then and follows
 * the page's product.
 */
import { findPlacement, place } from './anchor.js';
import { BOX_HOST_ID, type BoxRequests, type PriceBox, createPriceBox, requestBoxData } from './price-box.js';
import { type ProductOnPage, productOnPage } from '../shared/product-page.js';

/** How often the page is looked at again for a new product or a box Amazon's scripts removed, ms. */
const RECHECK_MS = 1_500;

let box: PriceBox | undefined;
/** The requests sent at document_start, for the page's first product (used once). */
let early: { product: ProductOnPage; requests: BoxRequests } | undefined;

function sameProduct(a: ProductOnPage | null, b: ProductOnPage | undefined): boolean {
  return a !== null && b !== undefined && a.asin === b.asin && a.marketplace === b.marketplace;
}

function refresh(): void {
  try {
    const product = productOnPage(location.href);
    if (box && sameProduct(product, box.product) && box.host.isConnected) return;
    box?.destroy();
    box = undefined;
    // A box left by an earlier copy of this script (the extension was reloaded) goes too.
    document.getElementById(BOX_HOST_ID)?.remove();
    if (!product) return;
    const placement = findPlacement(document);
    if (!placement) return;
    const requests = early && sameProduct(product, early.product) ? early.requests : undefined;
    early = undefined;
    const created = createPriceBox(product, requests);
    place(created.host, placement);
    box = created;
    void created.load();
  } catch {
    // Never let the extension break the page: a page we cannot decorate stays as it is.
  }
}

function start(): void {
  refresh();
  setInterval(refresh, RECHECK_MS);
}

try {
  const product = productOnPage(location.href);
  if (product) early = { product, requests: requestBoxData(product) };
} catch {
  // The box asks again once the DOM is there.
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
