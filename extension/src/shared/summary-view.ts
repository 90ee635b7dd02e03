/**
 * The price summary shown under the buy box and in the popup: current, lowest and highest price
 * (with their days), the 90-day range and the good-deal verdict, from the browser lookup. Every
 * figure carries its value in minor units as `data-minor`, so what is shown can be checked against
 * the API.
 */
import type { BrowserProductResponse } from '../../../contracts/index.js';
import { el } from './dom.js';
import { formatDay, moneyFormatter, verdictLabel } from './format.js';

/** Builds the summary of a product Dromedary holds prices of. */
export function summaryView(product: BrowserProductResponse, serverUrl: string): HTMLElement {
  const money = moneyFormatter(product.currency, product.locale);
  const day = (at: number | null | undefined): string => formatDay(at, product.locale);
  const figure = (field: string, label: string, minor: number | null, note: string): HTMLElement =>
    el('div', { class: 'drm-figure', 'data-field': field, 'data-minor': minor ?? '' }, el('dt', {}, label), el('dd', {}, el('span', { class: 'drm-amount' }, money(minor)), note ? el('small', {}, note) : null));
  const verdict = product.verdict;
  return el(
    'div',
    { class: 'drm-summary' },
    el(
      'div',
      { class: 'drm-head' },
      el('span', { class: `drm-verdict drm-v-${verdict.verdict}`, 'data-field': 'verdict', 'data-verdict': verdict.verdict, title: verdict.reason }, verdictLabel(verdict.verdict)),
      verdict.allTimeLow ? el('span', { class: 'drm-badge', 'data-field': 'all-time-low' }, 'All-time low') : null,
      el('a', { class: 'drm-open', href: absolute(serverUrl, product.links.page), target: '_blank', rel: 'noopener noreferrer' }, 'Open in Dromedary'),
    ),
    el(
      'dl',
      { class: 'drm-figures' },
      figure('current', 'Current', product.current, day(product.currentAt)),
      figure('lowest', 'Lowest', product.lowest?.price ?? null, day(product.lowest?.at)),
      figure('highest', 'Highest', product.highest?.price ?? null, day(product.highest?.at)),
      el(
        'div',
        { class: 'drm-figure', 'data-field': 'range90', 'data-low': product.lowest90 ?? '', 'data-high': product.highest90 ?? '' },
        el('dt', {}, '90 days'),
        el('dd', {}, el('span', { class: 'drm-amount' }, `${money(product.lowest90)} – ${money(product.highest90)}`)),
      ),
    ),
    el('p', { class: 'drm-reason', 'data-field': 'reason' }, verdict.reason),
  );
}

/** A link of the API (relative to the server) as an absolute URL; `serverUrl` may carry a path prefix. */
export function absolute(serverUrl: string, link: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  return `${serverUrl}${link.startsWith('/') ? '' : '/'}${link}`;
}
