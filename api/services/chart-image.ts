/**
 * Chart images (PNG) from chart lines, drawn by charts/ (d3 scales and paths, rasterised by resvg).
 * Sizes are bounded by the charts part's limits; the routes validate them first.
 */
import type { ChartLine } from '../../contracts/index.js';
import { CHART_SIZE_LIMITS, renderPriceChart } from '../../charts/index.js';

/** What an image shows. */
export interface ChartImageInput {
  lines: readonly ChartLine[];
  currency: string;
  locale: string;
  width: number;
  height: number;
  /** The time axis, epoch ms. */
  from: number;
  to: number;
}

/** Draws a chart image: PNG bytes. */
export type ChartImageRenderer = (input: ChartImageInput) => Promise<Buffer>;

/** Image sizes the API accepts (pixels). */
export const IMAGE_SIZE_LIMITS = CHART_SIZE_LIMITS;

/** Line colours by series, shared with the web page's chart. */
export const SERIES_COLORS: Readonly<Record<string, string>> = Object.freeze({
  new: '#1f6feb',
  amazon: '#d1242f',
  new_3p: '#1a7f37',
  used: '#9a6700',
  warehouse: '#8250df',
  refurbished: '#bc4c00',
  collectible: '#57606a',
  list: '#8c959f',
});

/** The default renderer: charts/ renderPriceChart. */
export const renderChartImage: ChartImageRenderer = async (input) => {
  const rendered = await renderPriceChart({
    series: input.lines.map((line) => ({
      name: line.label,
      color: SERIES_COLORS[line.series],
      points: line.t.map((t, i) => ({ t, price: line.price[i] ?? null })),
    })),
    currency: input.currency,
    locale: input.locale,
    width: input.width,
    height: input.height,
    from: input.from,
    to: input.to,
  });
  return rendered.png;
};
