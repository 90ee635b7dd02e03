/**
 * What the browser extension shows about a product on its Amazon page, for one or more products of a
 * marketplace in ONE statement (a UNION ALL of three primary-key reads): per series from the daily
 * rollup, the latest observation, the all-time lowest/highest (with their day) and first day, and the
 * last 90 days' lowest/highest/sum/count; the product's metadata; its catalog state.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import type { Series } from '../../contracts/index.js';
import { selectRows } from './query-helpers.js';

const DAY_SECS = 86_400;
/** The recent window of the summary, days (today included). */
export const BROWSER_WINDOW_DAYS = 90;

/** The summary of one series. Prices in minor units; times epoch ms ("At" of lowest/highest: the day). */
export interface BrowserSeriesSummary {
  latestAt: number | null;
  latestPrice: number | null;
  lowest: number | null;
  lowestAt: number | null;
  highest: number | null;
  highestAt: number | null;
  firstSeen: number | null;
  window: { lowest: number | null; highest: number | null; sum: number; priced: number };
}

/** The summary of one product. */
export interface BrowserSummary {
  asin: string;
  series: Map<Series, BrowserSeriesSummary>;
  product: { title: string; brand: string; breadcrumb: string; imageUrl: string } | null;
  /** Catalog state, or null when the product was never added. */
  catalogState: string | null;
}

export interface BrowserSummaryOptions {
  marketplace: MarketplaceCode;
  asins: readonly string[];
  /** Default now. */
  now?: Date;
}

type Cell = string | number | null;

const KEY = 'marketplace = {marketplace:String} AND asin IN {asins:Array(String)}';
const unpack = (packed: string): string => `if(bitAnd(${packed}, 4294967295) = 0, NULL, toInt64(bitAnd(${packed}, 4294967295)) - 1)`;
const daySecs = (day: string): string => `toInt64(toUnixTimestamp(toDateTime(${day}, 'UTC')))`;
const IN_WINDOW = 'day >= toDate(toDateTime({windowFrom:UInt32}))';

// x: [latest check secs, latest price, lowest, lowest day, highest, highest day, first day,
//     window lowest, window highest, window sum, window priced points]
const STATEMENT = `SELECT asin, 'series' AS k, toString(series) AS s,
       CAST([toInt64(bitShiftRight(max(dlp), 32)), ${unpack('max(dlp)')}, toInt64(min(lo)), ${daySecs('argMin(day, lo)')},
             toInt64(max(hi)), ${daySecs('argMax(day, hi)')}, ${daySecs('min(day)')},
             toInt64(minIf(lo, ${IN_WINDOW})), toInt64(maxIf(hi, ${IN_WINDOW})), toInt64(sumIf(total, ${IN_WINDOW})),
             toInt64(sumIf(priced, ${IN_WINDOW}))], 'Array(Nullable(Int64))') AS x,
       CAST([], 'Array(String)') AS txt
FROM (SELECT asin, series, day, min(min_price) AS lo, max(max_price) AS hi, sum(price_sum) AS total, sum(priced_points) AS priced,
             max(last_packed) AS dlp
      FROM price_days
      WHERE ${KEY} AND day <= toDate(toDateTime({to:UInt32}))
      GROUP BY asin, series, day)
GROUP BY asin, series
UNION ALL
SELECT asin, 'product' AS k, '' AS s, CAST([], 'Array(Nullable(Int64))') AS x, [title, brand, breadcrumb, image_url] AS txt
FROM products FINAL WHERE ${KEY}
UNION ALL
SELECT asin, 'catalog' AS k, '' AS s, CAST([], 'Array(Nullable(Int64))') AS x, [toString(state)] AS txt
FROM catalog FINAL WHERE ${KEY}`;

/** Summaries of `asins` (a product Dromedary knows nothing about gets empty fields). */
export async function browserSummaries(client: ClickHouseClient, options: BrowserSummaryOptions): Promise<Map<string, BrowserSummary>> {
  const to = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const windowFrom = Math.floor(to / DAY_SECS) * DAY_SECS - (BROWSER_WINDOW_DAYS - 1) * DAY_SECS;
  const rows = await selectRows<{ asin: string; k: 'series' | 'product' | 'catalog'; s: Series; x: Cell[]; txt: string[] }>(client, STATEMENT, {
    marketplace: options.marketplace,
    asins: [...new Set(options.asins)],
    to,
    windowFrom,
  });
  const out = new Map<string, BrowserSummary>();
  for (const asin of options.asins) out.set(asin, { asin, series: new Map(), product: null, catalogState: null });
  for (const row of rows) {
    const summary = out.get(row.asin);
    if (!summary) continue;
    switch (row.k) {
      case 'series': {
        const [latestAt, latestPrice = null, lowest = null, lowestDay, highest = null, highestDay, firstDay, wLow = null, wHigh = null, wSum, wPriced] = row.x.map((v) =>
          v === null ? null : Number(v),
        );
        summary.series.set(row.s, {
          latestAt: latestAt ? latestAt * 1000 : null,
          latestPrice,
          lowest,
          lowestAt: lowest === null || lowestDay === null || lowestDay === undefined ? null : lowestDay * 1000,
          highest,
          highestAt: highest === null || highestDay === null || highestDay === undefined ? null : highestDay * 1000,
          firstSeen: firstDay ? firstDay * 1000 : null,
          window: { lowest: wPriced ? wLow : null, highest: wPriced ? wHigh : null, sum: wSum ?? 0, priced: wPriced ?? 0 },
        });
        break;
      }
      case 'product': {
        const [title = '', brand = '', breadcrumb = '', imageUrl = ''] = row.txt;
        summary.product = { title, brand, breadcrumb, imageUrl };
        break;
      }
      case 'catalog':
        summary.catalogState = row.txt[0] ?? null;
        break;
    }
  }
  return out;
}
