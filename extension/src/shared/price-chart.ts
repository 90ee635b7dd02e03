/**
 * The price-history chart: uPlot (≈50 KB, canvas, no dependencies — the web app draws with it
 * too) with step lines per series (a price holds until it changes; no offer is a gap), range
 * buttons that load the range's chart data through the background worker, and a cursor legend.
 * Drawing from data rather than showing the server's PNG keeps the chart sharp at any width, lets
 * the cursor read exact prices, and needs no image request from the Amazon page.
 */
import uPlot from 'uplot';
import type { ChartResponse } from '../../../contracts/index.js';
import { EXTENSION_RANGES, type ExtensionRange, describeFailure } from './api-client.js';
import { el } from './dom.js';
import { moneyFormatter } from './format.js';
import type { Reply } from './messages.js';

/** Line colours per series: the web app's. */
const COLORS: Readonly<Record<string, string>> = {
  new: '#1f6feb',
  amazon: '#d1242f',
  new_3p: '#1a7f37',
  used: '#9a6700',
  warehouse: '#8250df',
  refurbished: '#bc4c00',
  collectible: '#57606a',
  list: '#8c959f',
};

/** The range a chart opens with. */
export const INITIAL_RANGE: ExtensionRange = '3m';

const RANGE_LABELS: Readonly<Record<ExtensionRange, string>> = { '1m': '1M', '3m': '3M', '1y': '1Y', all: 'All' };

export interface PriceChartOptions {
  /** Loads a range's chart data. */
  load(range: ExtensionRange): Promise<Reply<ChartResponse>>;
  /** The range shown first. Default {@link INITIAL_RANGE}. */
  initialRange?: ExtensionRange;
  /** The first range's data, already asked for (started beside the lookup to save a round trip). */
  preloaded?: Promise<Reply<ChartResponse>>;
  /** Plot height, px. Default 180. */
  height?: number;
}

/** A chart element with its range buttons; `start()` loads the first range once the element is in the document. */
export interface PriceChart {
  readonly element: HTMLElement;
  start(): Promise<void>;
  destroy(): void;
}

/** Builds the chart (nothing is loaded until `start`). */
export function priceChart(options: PriceChartOptions): PriceChart {
  const height = options.height ?? 180;
  const holder = el('div', { class: 'drm-plot', 'data-chart': 'loading' });
  const note = el('p', { class: 'drm-note', 'data-field': 'chart-note' });
  const buttons = EXTENSION_RANGES.map((range) => el('button', { type: 'button', class: 'drm-range', 'data-range': range, 'aria-pressed': 'false' }, RANGE_LABELS[range]));
  const element = el('div', { class: 'drm-chart' }, el('div', { class: 'drm-ranges', role: 'group', 'aria-label': 'Chart range' }, ...buttons), holder, note);
  let plot: uPlot | undefined;
  let requested: ExtensionRange | undefined;
  const resize = new ResizeObserver(() => plot?.setSize({ width: widthOf(holder), height }));

  const show = async (range: ExtensionRange, preloaded?: Promise<Reply<ChartResponse>>): Promise<void> => {
    requested = range;
    holder.setAttribute('data-chart', 'loading');
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.range === range));
    const reply = await (preloaded ?? options.load(range));
    // A later click won: its answer draws, not this one.
    if (requested !== range) return;
    if (!reply.ok) {
      holder.setAttribute('data-chart', 'error');
      note.textContent = `Chart unavailable: ${describeFailure(reply.failure, reply.context.serverUrl)}`;
      return;
    }
    plot?.destroy();
    plot = draw(holder, reply.value, height);
    note.textContent = reply.value.lines.length === 0 ? 'No price history in this range yet.' : '';
    holder.setAttribute('data-chart', 'ready');
    holder.setAttribute('data-range', reply.value.range);
    holder.setAttribute('data-lines', String(reply.value.lines.length));
  };
  for (const b of buttons) {
    b.addEventListener('click', () => {
      const range = b.dataset.range as ExtensionRange;
      void show(range);
    });
  }
  return {
    element,
    start() {
      resize.observe(holder);
      return show(options.initialRange ?? INITIAL_RANGE, options.preloaded);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      plot = undefined;
    },
  };
}

function widthOf(holder: HTMLElement): number {
  return Math.max(200, Math.floor(holder.clientWidth || 300));
}

function draw(holder: HTMLElement, chart: ChartResponse, height: number): uPlot {
  const money = moneyFormatter(chart.currency, chart.locale);
  const series: uPlot.Series[] = [{ label: 'Time', value: (_u, v) => (v === null ? '' : new Date(v * 1000).toLocaleDateString(chart.locale, { timeZone: 'UTC' })) }];
  for (const line of chart.lines) {
    series.push({
      label: line.label,
      stroke: COLORS[line.series] ?? '#555',
      width: 1.5,
      spanGaps: false,
      paths: uPlot.paths.stepped?.({ align: 1 }),
      value: (_u, v) => money(v),
      points: { show: false },
    });
  }
  holder.replaceChildren();
  // `all` starts at the epoch: the axis starts at the first point instead.
  const firstPoint = Math.min(...chart.lines.map((l) => l.t[0] ?? Infinity));
  const from = Number.isFinite(firstPoint) ? Math.max(chart.from, firstPoint) : chart.from;
  return new uPlot(
    {
      width: widthOf(holder),
      height,
      series,
      scales: { x: { time: true, range: [from / 1000, chart.to / 1000] } },
      axes: [{ size: 30, font: '11px sans-serif' }, { size: 64, font: '11px sans-serif', values: (_u, values) => values.map((v) => money(v)) }],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
    },
    aligned(chart),
    holder,
  );
}

/**
 * uPlot wants one x array shared by every series: the union of the lines' times (seconds). A time a
 * line has no point at is `undefined` (drawn across); `null` is a real gap (no offer). The last price
 * is carried to the end of the range so a step line reaches "now".
 */
function aligned(chart: ChartResponse): uPlot.AlignedData {
  const times = [...new Set(chart.lines.flatMap((l) => l.t))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const xs = times.map((t) => t / 1000);
  const ys = chart.lines.map((line) => {
    const column: (number | null | undefined)[] = new Array<number | null | undefined>(times.length).fill(undefined);
    line.t.forEach((t, i) => {
      column[index.get(t)!] = line.price[i] ?? null;
    });
    return column;
  });
  const last = times.at(-1);
  if (last !== undefined && last < chart.to) {
    xs.push(chart.to / 1000);
    chart.lines.forEach((line, i) => ys[i]!.push(line.price.at(-1) ?? null));
  }
  return [xs, ...ys] as uPlot.AlignedData;
}
