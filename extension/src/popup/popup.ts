/**
 * The toolbar popup: the price summary and chart of the product on the active tab (or on the tab
 * named by `?tab=<id>`), and a form to track it — condition, Amazon only, a target price or a
 * percentage drop — sent with the user's token through the background worker.
 */
import { ext } from '../shared/browser-api.js';
import type { BrowserProductResponse } from '../../../contracts/index.js';
import { type ApiFailure, TRACK_CONDITIONS, type TrackCondition, type TrackRequest, describeFailure } from '../shared/api-client.js';
import { parsePriceInput } from '../shared/format.js';
import { send } from '../shared/messages.js';
import { priceChart } from '../shared/price-chart.js';
import { type ProductOnPage, minorDigitsOf, productOnPage } from '../shared/product-page.js';
import { summaryView } from '../shared/summary-view.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`popup.html lacks #${id}`);
  return found as T;
};

const status = $<HTMLParagraphElement>('status');
const form = $<HTMLFormElement>('track-form');
const message = $<HTMLParagraphElement>('track-message');

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.kind = kind;
  status.hidden = text === '';
}

/** The URL of the tab the popup is about: `?tab=<id>`, else the active tab of the window. */
async function tabUrl(): Promise<string | undefined> {
  const param = new URLSearchParams(location.search).get('tab');
  if (param !== null && /^\d+$/.test(param)) return (await ext.tabs.get(Number(param))).url;
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab?.url;
}

async function main(): Promise<void> {
  const url = await tabUrl();
  const product = url ? productOnPage(url) : null;
  if (!url || !product) {
    setStatus('Open an Amazon product page to see its price history and track it.');
    return;
  }
  setStatus('Loading…');
  const reply = await send('lookup', { marketplace: product.marketplace, asin: product.asin });
  if (!reply.ok) {
    setStatus(describeFailure(reply.failure, reply.context.serverUrl), 'error');
    return;
  }
  const found = reply.value;
  const summary = $('summary');
  if (found.known) {
    setStatus(found.product?.title ?? '');
    summary.append(summaryView(found, reply.context.serverUrl));
    const chart = priceChart({ load: (range) => send('chart', { marketplace: product.marketplace, asin: product.asin, range }), height: 160 });
    summary.append(chart.element);
    void chart.start();
  } else {
    setStatus(found.tracked ? 'Tracked: the first price check is on its way.' : 'Dromedary has no price history of this product yet.');
  }
  setUpForm(product, found, reply.context.hasToken);
}

function setUpForm(product: ProductOnPage, found: BrowserProductResponse, hasToken: boolean): void {
  form.hidden = false;
  $('currency').textContent = found.currency;
  if (found.tracked) $('track-button').textContent = 'Track (add my alert)';
  if (!hasToken) {
    showError('Enter your API token in the extension options to track products.');
    $<HTMLButtonElement>('track-button').disabled = true;
    return;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = readForm(product);
    if (typeof input === 'string') {
      showError(input);
      return;
    }
    void submit(input);
  });
}

/** The form as a track request, or what is wrong with it. */
function readForm(product: ProductOnPage): TrackRequest | string {
  const data = new FormData(form);
  const text = (name: string): string => {
    const value = data.get(name);
    return typeof value === 'string' ? value : '';
  };
  const condition = text('condition');
  if (!(TRACK_CONDITIONS as readonly string[]).includes(condition)) return 'Choose a condition.';
  const amazonOnly = data.get('amazonOnly') !== null;
  if (condition === 'refurbished' && amazonOnly) return 'Amazon sells no refurbished offers of its own: untick "Sold by Amazon only".';
  const base = { marketplace: product.marketplace, asin: product.asin, condition: condition as TrackCondition, amazonOnly };
  if (data.get('rule') === 'drop') {
    const percent = Number(text('dropPercent').replace(',', '.'));
    if (!Number.isFinite(percent) || percent <= 0 || percent > 100) return 'Enter a drop between 1 and 100 %.';
    return { ...base, rules: { dropPercent: percent } };
  }
  const target = parsePriceInput(text('targetPrice'), minorDigitsOf(product.marketplace));
  if (target === null) return 'Enter a target price, e.g. 19.99.';
  return { ...base, rules: { targetPrice: target } };
}

async function submit(input: TrackRequest): Promise<void> {
  const button = $<HTMLButtonElement>('track-button');
  button.disabled = true;
  showInfo('Tracking…');
  const reply = await send('track', { input });
  button.disabled = false;
  if (reply.ok) {
    form.dataset.trackingId = reply.value.trackingId;
    showInfo(reply.value.alertedNow ? 'Tracking. The price already meets your alert: an alert is on its way.' : 'Tracking. You will get an alert when the price meets your rule.');
    return;
  }
  showError(failureText(reply.failure, reply.context.serverUrl));
}

function failureText(failure: ApiFailure, serverUrl: string): string {
  if (failure.kind === 'http' && failure.status === 403) return 'This token may not create trackings.';
  return describeFailure(failure, serverUrl);
}

function showInfo(text: string): void {
  message.textContent = text;
  message.dataset.kind = 'info';
}

function showError(text: string): void {
  message.textContent = text;
  message.dataset.kind = 'error';
}

$('options-link').addEventListener('click', (event) => {
  event.preventDefault();
  void ext.runtime.openOptionsPage();
});

main().catch((err: unknown) => setStatus(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`, 'error'));
