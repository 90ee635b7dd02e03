/**
 * The product page: title, image, the headline price and the good-deal verdict, the interactive chart
 * (uPlot, drawn by /static/product-chart.js from the chart data embedded in the page; range buttons
 * and series toggles fetch and redraw), and the statistics table. Everything the script shows is
 * also rendered server-side, so the page reads without JavaScript.
 */
import { type MarketplaceCode, getMarketplace } from '../../config/index.js';
import { moneyFormatter } from '../../charts/index.js';
import { CHART_RANGES, type ChartResponse, type SeriesStatistics } from '../../contracts/index.js';
import type { BrowserProductResponse } from '../../contracts/index.js';
import { SERIES_COLORS } from '../services/chart-image.js';
import { SERIES_LABELS } from '../services/series-selection.js';
import { type SafeHtml, html, jsonScript, layout } from './html.js';

const VERDICT_TEXT: Record<string, string> = {
  good_deal: 'Good deal',
  fair: 'Fair price',
  expensive: 'Expensive',
  insufficient_history: 'Not enough history',
  unavailable: 'No offer',
};

/** The page (HTML document). `chartJson` is the chart response's JSON text, embedded as is. */
export function productPage(input: { summary: BrowserProductResponse; chart: ChartResponse; chartJson: string }): string {
  const { summary, chart } = input;
  const market = getMarketplace(summary.marketplace);
  const money = moneyFormatter(market.currency, market.locale);
  const price = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : money(v));
  const title = summary.product?.title || summary.asin;
  const headline = chart.statistics.find((s) => s.series === chart.primarySeries);
  const verdict = headline?.verdict ?? summary.verdict;
  const body = html`
<section class="product" data-asin="${summary.asin}" data-marketplace="${summary.marketplace}" data-locale="${market.locale}" data-currency="${market.currency}">
  <div class="product-head">
    ${summary.product?.imageUrl ? html`<img class="thumb" src="${summary.product.imageUrl}" alt="" loading="lazy" referrerpolicy="no-referrer">` : ''}
    <div>
      <h1>${title}</h1>
      <p class="meta">${summary.product?.brand ?? ''} ${summary.product?.category ? html`· ${summary.product.category}` : ''} · ${market.domain} · ASIN ${summary.asin}
        · ${summary.tracked ? 'tracked' : 'not tracked yet'}</p>
      <p class="headline"><span class="price" id="current-price">${price(headline?.current ?? summary.current)}</span>
        <span class="verdict verdict-${verdict.verdict}" id="verdict" title="${verdict.reason}">${VERDICT_TEXT[verdict.verdict] ?? verdict.verdict}</span>
        <span class="reason" id="verdict-reason">${verdict.reason}</span></p>
      <p><a href="${chart.links.amazon}" rel="noopener nofollow">View on ${market.domain}</a> ·
         <a href="/api/v1/products/${summary.asin}/history.csv?marketplace=${summary.marketplace}&amp;range=all">Download history (CSV)</a> ·
         <a href="/trackings#track=${summary.marketplace}:${summary.asin}">Track this product</a></p>
    </div>
  </div>
  <div class="chart-controls">
    <div class="ranges" role="group" aria-label="Range">${CHART_RANGES.map(
      (r) => html`<button type="button" data-range="${r}" class="${r === chart.range ? 'active' : ''}" aria-pressed="${r === chart.range ? 'true' : 'false'}">${r}</button>`,
    )}</div>
    <div class="toggles" id="series-toggles" role="group" aria-label="Series">${chart.lines.map(
      (l) => html`<label style="--c:${SERIES_COLORS[l.series] ?? '#555'}"><input type="checkbox" data-series="${l.series}" checked> ${l.label}</label>`,
    )}</div>
  </div>
  <div id="chart" class="chart" aria-label="Price history chart"><noscript><img src="${chart.links.chartImage}&amp;w=900&amp;h=360" alt="Price history"></noscript></div>
  <p class="chart-note" id="chart-note">${chart.lines.length === 0 ? 'No price history in this range yet.' : ''}</p>
  <h2>Statistics</h2>
  <div id="stats">${statisticsTable(chart.statistics, summary.marketplace)}</div>
</section>
${jsonScript('chart-data', input.chartJson)}`;
  return layout({ title, body, scripts: ['/static/uplot.iife.min.js', '/static/product-chart.js'], styles: ['/static/uplot.min.css'] });
}

/** The statistics table (also rebuilt by the script after a range or series change). */
export function statisticsTable(stats: readonly SeriesStatistics[], marketplace: MarketplaceCode): SafeHtml {
  const market = getMarketplace(marketplace);
  const money = moneyFormatter(market.currency, market.locale);
  const price = (v: number | null): string => (v === null ? '—' : money(v));
  if (stats.length === 0) return html`<p>No statistics yet.</p>`;
  const row = (label: string, cell: (s: SeriesStatistics) => string): SafeHtml => html`<tr><th scope="row">${label}</th>${stats.map((s) => html`<td>${cell(s)}</td>`)}</tr>`;
  const windowRow = (days: number, what: 'lowest' | 'highest' | 'average'): SafeHtml =>
    row(`${what[0]?.toUpperCase()}${what.slice(1)} (${days} days)`, (s) => price(s.windows.find((w) => w.days === days)?.[what] ?? null));
  return html`<table class="stats"><thead><tr><th></th>${stats.map((s) => html`<th scope="col">${SERIES_LABELS[s.series]}</th>`)}</tr></thead><tbody>
${row('Current', (s) => price(s.current))}
${row('Verdict', (s) => VERDICT_TEXT[s.verdict.verdict] ?? s.verdict.verdict)}
${row('Percentile (365 days)', (s) => (s.percentile === null ? '—' : `${s.percentile}`))}
${row('Lowest ever', (s) => price(s.allTime.lowest))}
${row('Highest ever', (s) => price(s.allTime.highest))}
${row('Average ever', (s) => price(s.allTime.average))}
${[30, 90, 180, 365].flatMap((d) => [windowRow(d, 'lowest'), windowRow(d, 'highest'), windowRow(d, 'average')])}
${row('Drops / increases (365 days)', (s) => `${s.drops} / ${s.increases}`)}
${row('Trend (30 days)', (s) => (s.trend.changePercent === null ? s.trend.direction : `${s.trend.direction} (${s.trend.changePercent > 0 ? '+' : ''}${s.trend.changePercent} %)`))}
</tbody></table>`;
}
