/**
 * The box under the buy box: a host element with an open shadow root (Amazon's styles and ours stay
 * apart), filled asynchronously from the background worker's lookup. Its `data-state` says where
 * it is: `loading` → `ready` (summary and chart, or "not tracked yet" with a button to start) or
 * `unavailable` (one quiet line: server down, refused, misconfigured).
 */
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { BrowserProductResponse, ChartResponse } from '../../../contracts/index.js';
import { type ExtensionRange, type TrackRequest, describeFailure } from '../shared/api-client.js';
import { el } from '../shared/dom.js';
import { type Reply, send } from '../shared/messages.js';
import { INITIAL_RANGE, type PriceChart, priceChart } from '../shared/price-chart.js';
import type { ProductOnPage } from '../shared/product-page.js';
import { summaryView } from '../shared/summary-view.js';
import boxCss from './box.css';

/** The host element's id (one box per page). */
export const BOX_HOST_ID = 'dromedary-price-box';

/** What "Start tracking" in the box asks for; the popup offers every choice. */
export const QUICK_TRACK_DROP_PERCENT = 10;

export type BoxState = 'loading' | 'ready' | 'unavailable';

export interface PriceBox {
  readonly host: HTMLElement;
  readonly product: ProductOnPage;
  /** Looks the product up and fills the box; never rejects. */
  load(): Promise<void>;
  destroy(): void;
}

/** The box's two requests, started before the box exists (see content-script.ts). */
export interface BoxRequests {
  readonly lookup: Promise<Reply<BrowserProductResponse>>;
  /** The chart's first range ({@link INITIAL_RANGE}); undefined when the server holds no price of the product. */
  readonly chart: Promise<Reply<ChartResponse> | undefined>;
}

/**
 * Sends the lookup, and the chart's first range as soon as the lookup says there is a history —
 * without waiting for the page. Not both at once: an embedded server computes one statement at a
 * time, and a cold chart in front of the lookup would hold the summary back.
 */
export function requestBoxData(product: ProductOnPage): BoxRequests {
  const lookup = send('lookup', { marketplace: product.marketplace, asin: product.asin });
  const chart = lookup.then((reply) => (reply.ok && reply.value.known ? send('chart', { marketplace: product.marketplace, asin: product.asin, range: INITIAL_RANGE }) : undefined));
  return { lookup, chart };
}

/** Creates the box for `product` (shown as "loading" until `load` has an answer); `requests` are used when given. */
export function createPriceBox(product: ProductOnPage, requests?: BoxRequests): PriceBox {
  const host = document.createElement('div');
  host.id = BOX_HOST_ID;
  host.setAttribute('data-asin', product.asin);
  host.setAttribute('data-marketplace', product.marketplace);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = `${uplotCss}\n${boxCss}`;
  const body = el('section', { class: 'drm-box', 'aria-label': 'Dromedary price history' });
  shadow.append(style, body);
  let chart: PriceChart | undefined;
  let destroyed = false;

  const setState = (state: BoxState, ...children: (Node | null)[]): void => {
    host.setAttribute('data-state', state);
    body.classList.toggle('drm-quiet', state === 'unavailable');
    const title = state === 'unavailable' ? null : el('p', { class: 'drm-title' }, 'Dromedary price history');
    body.replaceChildren(...[title, ...children].filter((c): c is Node => c !== null));
  };
  /** The one quiet line of a box that has nothing to show. */
  const unavailable = (text: string): void => setState('unavailable', el('p', { class: 'drm-line', 'data-kind': 'error', 'data-field': 'status' }, text));
  setState('loading', el('p', { class: 'drm-line', 'data-field': 'status' }, 'Loading price history…'));

  return {
    host,
    product,
    async load() {
      try {
        await fill();
      } catch {
        if (!destroyed) unavailable('Dromedary could not show this product.');
      }
    },
    destroy() {
      destroyed = true;
      chart?.destroy();
      host.remove();
    },
  };

  async function fill(): Promise<void> {
    const loadChart = (range: ExtensionRange): Promise<Reply<ChartResponse>> => send('chart', { marketplace: product.marketplace, asin: product.asin, range });
    const { lookup, chart: preloaded } = requests ?? requestBoxData(product);
    const reply = await lookup;
    if (destroyed) return;
    if (!reply.ok) {
      unavailable(describeFailure(reply.failure, reply.context.serverUrl));
      return;
    }
    const found = reply.value;
    const parts: (Node | null)[] = [];
    if (found.known) {
      parts.push(summaryView(found, reply.context.serverUrl));
      chart = priceChart({ load: loadChart, preloaded: preloaded.then((reply) => reply ?? loadChart(INITIAL_RANGE)) });
      parts.push(chart.element);
    } else {
      parts.push(
        el(
          'p',
          { class: 'drm-line', 'data-field': 'status' },
          found.tracked ? 'Tracked: the first price check is on its way.' : 'Dromedary has no price history of this product yet.',
        ),
      );
    }
    if (!found.tracked) parts.push(trackSection(found, reply.context.hasToken));
    setState('ready', ...parts);
    await chart?.start();
  }
}

/** "Start tracking": tracks at once with the stored token, or leads to the options to set one. */
function trackSection(found: BrowserProductResponse, hasToken: boolean): HTMLElement {
  const result = el('span', { class: 'drm-track-result', 'data-field': 'track-result', role: 'status' });
  const button = el(
    'button',
    { type: 'button', class: 'drm-button', 'data-action': 'track' },
    hasToken ? `Start tracking (alert on a ${QUICK_TRACK_DROP_PERCENT} % drop)` : 'Start tracking…',
  );
  button.addEventListener('click', () => {
    if (!hasToken) {
      result.textContent = 'Enter your API token in the extension options first.';
      void send('openOptions', {});
      return;
    }
    button.disabled = true;
    const input: TrackRequest = {
      marketplace: found.marketplace,
      asin: found.asin,
      condition: 'new',
      amazonOnly: false,
      rules: { dropPercent: QUICK_TRACK_DROP_PERCENT },
    };
    void send('track', { input }).then((reply) => {
      if (reply.ok) {
        result.removeAttribute('data-kind');
        result.textContent = 'Tracking. Other conditions and targets: the toolbar button.';
        button.remove();
      } else {
        button.disabled = false;
        result.setAttribute('data-kind', 'error');
        result.textContent = describeFailure(reply.failure, reply.context.serverUrl);
      }
    });
  });
  return el('div', { class: 'drm-track' }, button, result);
}
