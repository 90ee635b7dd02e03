/** Price charts: valid PNGs of the asked size, step lines, gaps where out of stock, money-formatted axis. */
import { describe, expect, it } from 'vitest';
import { ChartInputError, renderPriceChart, renderPriceChartSvg, stepPoints } from '../../charts/index.js';

const day = 86_400_000;
const to = Date.UTC(2026, 5, 1);
const from = to - 90 * day;

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('renderPriceChart', () => {
  it('renders a PNG of the requested size with currency labels in the marketplace format', async () => {
    const points = Array.from({ length: 90 }, (_, i) => ({ t: from + i * day, price: 129_999 - (i > 60 ? 30_000 : 0) }));
    const chart = await renderPriceChart({ series: [{ name: 'New', points }], currency: 'EUR', locale: 'de-DE', width: 480, height: 240, from, to });
    expect(pngSize(chart.png)).toEqual({ width: 480, height: 240 });
    expect(chart.svg).toMatch(/\d\.\d{3}\s€/);
    const yen = renderPriceChartSvg({ series: [{ name: 'New', points: [{ t: from, price: 12_900 }, { t: to, price: 9_800 }] }], currency: 'JPY', locale: 'ja-JP', from, to });
    expect(yen).toMatch(/￥\d{1,2},\d{3}/);
    expect(yen).not.toMatch(/￥\d{1,3}(,\d{3})*\.\d/);
  });

  it('draws steps (a price holds until the next point) and leaves a gap where there was no offer', () => {
    const pts = [
      { t: from + day, price: 1000 },
      { t: from + 3 * day, price: 900 },
      { t: from + 5 * day, price: null },
      { t: from + 7 * day, price: 950 },
    ];
    expect(stepPoints(pts, from, from + 10 * day)).toEqual([
      { t: from + day, price: 1000 },
      { t: from + 3 * day, price: 900 },
      { t: from + 5 * day, price: 900 },
      { t: from + 5 * day, price: null },
      { t: from + 7 * day, price: 950 },
      { t: from + 10 * day, price: 950 },
    ]);
    const svg = renderPriceChartSvg({ series: [{ name: 'New', points: pts }], currency: 'USD', locale: 'en-US', from, to: from + 10 * day });
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(1);
    // Two sub-paths (M … M …): the gap splits the line; step segments are horizontal then vertical.
    expect(paths[0]!.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('$9.00');
  });

  it('refuses sizes it cannot draw', () => {
    expect(() => renderPriceChartSvg({ series: [], currency: 'USD', locale: 'en-US', width: 10, height: 10 })).toThrow(ChartInputError);
    expect(() => renderPriceChartSvg({ series: [], currency: 'XXXX', locale: 'en-US' })).toThrow(ChartInputError);
  });

  it('says so when there is no price in the period', () => {
    expect(renderPriceChartSvg({ series: [{ name: 'New', points: [] }], currency: 'USD', locale: 'en-US', from, to })).toContain('No price in this period');
  });
});
