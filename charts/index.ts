/**
 * charts/: price charts rendered server-side to SVG and PNG (d3 scales and paths, resvg rasteriser).
 * Used for alert emails and the API's chart images.
 */
export {
  CHART_SIZE_LIMITS,
  ChartInputError,
  renderPriceChart,
  renderPriceChartPngSync,
  renderPriceChartSvg,
  stepPoints,
  type ChartPoint,
  type ChartSeries,
  type PriceChartOptions,
  type RenderedChart,
} from './price-chart.js';
export { currencyMinorDigits, dateFormatter, moneyFormatter } from './money-axis.js';
