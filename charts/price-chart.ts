/**
 * A price chart as SVG and PNG, drawn the way price charts read: step lines (a price holds until it
 * changes), gaps where there was no offer (out of stock), a currency axis in the marketplace's format.
 * Scales, ticks and paths come from d3-scale and d3-shape; the PNG is rasterised by resvg (Rust,
 * prebuilt, no native build) with the system's DejaVu Sans.
 */
import { existsSync } from 'node:fs';
import { Resvg, type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import { dateFormatter, moneyFormatter } from './money-axis.js';

/** One observation: epoch ms and a price in the currency's minor units (null = no offer then). */
export interface ChartPoint {
  t: number;
  price: number | null;
}

/** One line of the chart. */
export interface ChartSeries {
  /** Legend label, e.g. `New` or `Amazon`. */
  name: string;
  /** Points in time order. */
  points: readonly ChartPoint[];
  /** CSS colour; default from the palette. */
  color?: string;
}

export interface PriceChartOptions {
  series: readonly ChartSeries[];
  /** ISO 4217 code of the prices (`USD`). */
  currency: string;
  /** BCP 47 locale of the labels (`en-US`, `de-DE`). */
  locale: string;
  /** Pixels; default 600. */
  width?: number;
  /** Pixels; default 300. */
  height?: number;
  title?: string;
  /** Start of the time axis, epoch ms; default the first point. */
  from?: number;
  /** End of the time axis, epoch ms; default the last point. The last known price is drawn up to it. */
  to?: number;
}

/** The rendered chart. */
export interface RenderedChart {
  svg: string;
  png: Buffer;
}

/** Chart sizes accepted (pixels): anything smaller cannot show an axis, anything larger is a mistake. */
export const CHART_SIZE_LIMITS = Object.freeze({ minWidth: 120, maxWidth: 2400, minHeight: 80, maxHeight: 1600 });

const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#57606a'];
const FONT = 'DejaVu Sans';
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

/** Thrown for options a chart cannot be drawn from (bad size, unknown currency). Don't retry. */
export class ChartInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChartInputError';
  }
}

/** Renders the chart to SVG and PNG (the rasterising runs off the event loop). */
export async function renderPriceChart(options: PriceChartOptions): Promise<RenderedChart> {
  const svg = renderPriceChartSvg(options);
  const rendered = await renderAsync(svg, resvgOptions());
  return { svg, png: rendered.asPng() };
}

/** Renders the chart to PNG synchronously (for callers that already run off the request path). */
export function renderPriceChartPngSync(options: PriceChartOptions): RenderedChart {
  const svg = renderPriceChartSvg(options);
  return { svg, png: new Resvg(svg, resvgOptions()).render().asPng() };
}

let fontOptions: ResvgRenderOptions['font'] | undefined;

function resvgOptions(): ResvgRenderOptions {
  // Loading one known font file is far cheaper than scanning every system font on each render.
  fontOptions ??= FONT_FILES.every((f) => existsSync(f))
    ? { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT, sansSerifFamily: FONT }
    : { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT };
  return { font: fontOptions, background: '#ffffff', shapeRendering: 2, textRendering: 1 };
}

/** Renders the chart as a standalone SVG document. */
export function renderPriceChartSvg(options: PriceChartOptions): string {
  const width = Math.round(options.width ?? 600);
  const height = Math.round(options.height ?? 300);
  const { minWidth, maxWidth, minHeight, maxHeight } = CHART_SIZE_LIMITS;
  if (!(width >= minWidth && width <= maxWidth && height >= minHeight && height <= maxHeight)) {
    throw new ChartInputError(`chart size ${width}x${height} is outside ${minWidth}-${maxWidth} x ${minHeight}-${maxHeight}`);
  }
  let money: (minor: number) => string;
  try {
    money = moneyFormatter(options.currency, options.locale);
  } catch (err) {
    throw new ChartInputError(`cannot format ${options.currency} in ${options.locale}`, { cause: err });
  }

  const all = options.series.flatMap((s) => s.points);
  const times = all.map((p) => p.t);
  const prices = all.flatMap((p) => (p.price === null ? [] : [p.price]));
  const from = options.from ?? (times.length > 0 ? Math.min(...times) : Date.now() - 86_400_000);
  const to = Math.max(options.to ?? (times.length > 0 ? Math.max(...times) : Date.now()), from + 1);

  const titleHeight = options.title ? 24 : 0;
  const legendHeight = options.series.length > 1 ? 18 : 0;
  const fontSize = width < 300 ? 9 : 11;
  const margin = { top: 10 + titleHeight + legendHeight, right: 14, bottom: 22, left: 12 };

  const lo = prices.length > 0 ? Math.min(...prices) : 0;
  const hi = prices.length > 0 ? Math.max(...prices) : 100;
  const pad = Math.max((hi - lo) * 0.08, hi * 0.02, 1);
  const y = scaleLinear().domain([Math.max(0, lo - pad), hi + pad]).nice(5);
  const yTicks = y.ticks(height < 160 ? 3 : 5);
  const wholeTicks = yTicks.every((v) => Number.isInteger(v / 10 ** minorDigitsOf(options)));
  const tickMoney = wholeTicks ? moneyFormatter(options.currency, options.locale, { wholeOnly: true }) : money;
  const yLabels = yTicks.map((v) => tickMoney(v));
  // Room for the widest label (DejaVu Sans averages ~0.62 em per glyph).
  margin.left += Math.ceil(Math.max(...yLabels.map((l) => l.length), 3) * fontSize * 0.62);

  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  y.range([margin.top + plotHeight, margin.top]);
  const x = scaleUtc().domain([from, to]).range([margin.left, margin.left + plotWidth]);
  const xTicks = x.ticks(Math.max(2, Math.floor(plotWidth / 90)));
  const formatDate = dateFormatter(options.locale, to - from);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}, sans-serif" font-size="${fontSize}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (options.title) {
    parts.push(`<text x="${margin.left}" y="18" font-size="${fontSize + 3}" font-weight="bold" fill="#24292f">${escapeXml(options.title)}</text>`);
  }
  // Grid and y labels.
  for (const [i, v] of yTicks.entries()) {
    const py = round(y(v));
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${py}" y2="${py}" stroke="#d0d7de" stroke-width="1"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${round(py + fontSize * 0.35)}" text-anchor="end" fill="#57606a">${escapeXml(yLabels[i] ?? '')}</text>`);
  }
  // x axis and labels.
  const axisY = margin.top + plotHeight;
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${axisY}" y2="${axisY}" stroke="#8c959f" stroke-width="1"/>`);
  for (const t of xTicks) {
    const px = round(x(t));
    parts.push(`<line x1="${px}" x2="${px}" y1="${axisY}" y2="${axisY + 4}" stroke="#8c959f" stroke-width="1"/>`);
    parts.push(`<text x="${px}" y="${axisY + 6 + fontSize}" text-anchor="middle" fill="#57606a">${escapeXml(formatDate(t.getTime()))}</text>`);
  }
  // Lines: step after each point, broken where there was no offer.
  const path = line<ChartPoint>()
    .defined((p) => p.price !== null)
    .x((p) => round(x(p.t)))
    .y((p) => round(y(p.price ?? 0)))
    .curve(curveStepAfter);
  let legendX = margin.left;
  for (const [i, s] of options.series.entries()) {
    const color = s.color ?? PALETTE[i % PALETTE.length] ?? '#1f6feb';
    const d = path(stepPoints(s.points, from, to));
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    if (legendHeight > 0) {
      const ly = 10 + titleHeight + 8;
      parts.push(`<rect x="${legendX}" y="${ly - 5}" width="12" height="3" fill="${color}"/>`);
      parts.push(`<text x="${legendX + 16}" y="${round(ly + fontSize * 0.35 - 3)}" fill="#24292f">${escapeXml(s.name)}</text>`);
      legendX += 16 + Math.ceil(s.name.length * fontSize * 0.62) + 14;
    }
  }
  if (prices.length === 0) {
    parts.push(`<text x="${round(margin.left + plotWidth / 2)}" y="${round(margin.top + plotHeight / 2)}" text-anchor="middle" fill="#57606a">No price in this period</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Points ready for a step line inside [from, to]: a price holds until the next point, so a point
 * before a gap is carried to the gap's start, and the last known price is carried to `to`.
 */
export function stepPoints(points: readonly ChartPoint[], from: number, to: number): ChartPoint[] {
  const out: ChartPoint[] = [];
  let carried: ChartPoint | undefined;
  for (const p of points) {
    if (p.t < from) {
      carried = p;
      continue;
    }
    if (p.t > to) break;
    if (carried) {
      if (carried.price !== null && p.t > from) out.push({ t: from, price: carried.price });
      carried = undefined;
    }
    const last = out.at(-1);
    if (p.price === null && last && last.price !== null) out.push({ t: p.t, price: last.price });
    out.push(p);
  }
  if (carried && carried.price !== null) out.push({ t: from, price: carried.price });
  const last = out.at(-1);
  if (last && last.price !== null && last.t < to) out.push({ t: to, price: last.price });
  return out;
}

function minorDigitsOf(options: PriceChartOptions): number {
  return new Intl.NumberFormat(options.locale, { style: 'currency', currency: options.currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
