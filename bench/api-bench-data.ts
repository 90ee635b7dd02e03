/**
 * The store `dromedary bench api` measures: realistic price series written straight into
 * `price_points` in large JSONCompactEachRow batches with every materialized view active, so the
 * hourly/daily rollups, latest prices, statistics, drops and moves exist as in production; plus product
 * metadata (titles, brands, categories) and a catalog entry per product.
 *
 * The series follow the storage benchmark's model (1–7 series per product with their usual odds, a
 * price that holds, moves 2–25 % in about 3 % of checks and goes out of stock now and then, every row
 * carrying its series' previous price), but every product's history runs from `historyDays` ago to
 * now, as a one-year chart needs: 20M points over 10K products and 400 days is a check every 6–20 hours.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { SERIES_CONDITION, type Series } from '../contracts/index.js';
import { selectRows } from '../storage/index.js';

export interface ApiBenchDataOptions {
  /** Price points to write. */
  points: number;
  /** Distinct products. */
  asins: number;
  /** Days of history the points are spread over. Default 400. */
  historyDays?: number;
  /** Rows per insert. Default 200,000. */
  batchRows?: number;
  seed?: number;
  /** Progress lines (for people). */
  progress?: (line: string) => void;
}

export interface ApiBenchData {
  points: number;
  products: number;
  seconds: number;
  asins: string[];
}

const BRANDS = ['Anker', 'Sony', 'Logitech', 'Bosch', 'Philips', 'Samsung', 'Lego', 'Braun', 'Makita', 'Kindle', 'Garmin', 'Tefal', 'Nintendo', 'Canon', 'Lenovo', 'Ravensburger', 'Oral-B', 'Dyson', 'JBL', 'Corsair'];
const ADJECTIVES = ['wireless', 'portable', 'compact', 'stainless', 'rechargeable', 'ergonomic', 'waterproof', 'smart', 'cordless', 'digital', 'premium', 'mini', 'heavy-duty', 'foldable', 'ultra-slim'];
const NOUNS = ['headphones', 'keyboard', 'mouse', 'charger', 'kettle', 'drill', 'toothbrush', 'speaker', 'camera', 'monitor', 'blender', 'router', 'backpack', 'puzzle', 'vacuum', 'watch', 'lamp', 'tripod', 'cable', 'toaster'];
const CATEGORIES = ['Electronics', 'Computers & Accessories', 'Home & Kitchen', 'Tools & Home Improvement', 'Toys & Games', 'Health & Household', 'Sports & Outdoors', 'Camera & Photo'];

/** Fills `client` (migrated, empty) with the benchmark's products and price history. */
export async function writeApiBenchData(client: ClickHouseClient, options: ApiBenchDataOptions): Promise<ApiBenchData> {
  const started = performance.now();
  const endAt = Date.now() - 60_000;
  const historyMs = (options.historyDays ?? 400) * DAY_MS;
  const batchRows = options.batchRows ?? 200_000;
  const products = makeProducts(options, endAt - historyMs, historyMs);
  let rows: string[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const body = rows.join('');
    rows = [];
    await insertBody(client, 'price_points', PRICE_POINT_COLUMNS, body);
    options.progress?.(`${written} points written`);
  };
  // Day by day, every product's checks of that day: inserts stay in one or two monthly partitions.
  for (let sliceEnd = endAt - historyMs + DAY_MS; sliceEnd < endAt + DAY_MS; sliceEnd += DAY_MS) {
    for (const p of products) {
      while (p.nextAt < Math.min(sliceEnd, endAt)) {
        written += check(p, rows);
        p.nextAt += p.intervalMs * (0.9 + p.rnd() * 0.2);
      }
    }
    if (rows.length >= batchRows) await flush();
  }
  await flush();
  const asins = products.map((p) => p.asin);
  await writeProducts(client, asins, endAt);
  options.progress?.(`${written} points and ${asins.length} products written`);
  return { points: written, products: asins.length, seconds: (performance.now() - started) / 1000, asins };
}

const DAY_MS = 86_400_000;
const SERIES_ODDS: readonly (readonly [Series, number])[] = [
  ['new', 1], ['amazon', 0.5], ['new_3p', 0.6], ['used', 0.4], ['warehouse', 0.1], ['refurbished', 0.05], ['collectible', 0.02],
];

interface SeriesState {
  series: Series;
  price: number | null;
  lastPrice: number;
  previousPrice: number | null;
  previousAt: number | null;
}

interface ProductState {
  asin: string;
  listPrice: number | null;
  intervalMs: number;
  nextAt: number;
  series: SeriesState[];
  rnd: () => number;
}

/**
 * Products with their series and check interval. Intervals are set so the points add up to about
 * `points` over the history (about 3 % more, so the total is not short): with 20M points over 10K
 * products and 400 days, a product is checked every 6–20 hours.
 */
function makeProducts(options: ApiBenchDataOptions, startAt: number, historyMs: number): ProductState[] {
  const rnd = random(options.seed ?? 11);
  const avgSeries = SERIES_ODDS.reduce((sum, [, odds]) => sum + odds, 0);
  const checksPerProduct = (options.points * 1.03) / options.asins / avgSeries;
  const meanIntervalMs = historyMs / checksPerProduct;
  return Array.from({ length: options.asins }, (_, i) => {
    const base = Math.round(Math.exp(Math.log(300) + rnd() * Math.log(300))) * 100 - 1;
    const series: SeriesState[] = [];
    for (const [name, odds] of SERIES_ODDS) {
      if (name !== 'new' && rnd() >= odds) continue;
      const price = Math.round(base * (SERIES_CONDITION[name] === 'new' ? 1 + (rnd() - 0.5) * 0.1 : 0.6 + rnd() * 0.2));
      series.push({ series: name, price, lastPrice: price, previousPrice: null, previousAt: null });
    }
    // E[1 / (0.5 + U)] = ln 3: scale so the mean check rate matches.
    const intervalMs = meanIntervalMs * Math.log(3) * (0.5 + rnd());
    return {
      asin: `B${i.toString(36).toUpperCase().padStart(9, '0')}`,
      listPrice: rnd() < 0.5 ? Math.round(base * 1.25) : null,
      intervalMs,
      nextAt: startAt + rnd() * intervalMs,
      series,
      rnd: random((options.seed ?? 11) * 100_003 + i),
    };
  });
}

/** One check of `p` at p.nextAt: appends its rows, returns how many. Prices hold, move 2–25 % now and then, go out of stock. */
function check(p: ProductState, rows: string[]): number {
  const at = Math.floor(p.nextAt / 1000);
  const crawler = `crawler-${1 + Math.floor(p.rnd() * 8)}`;
  for (const s of p.series) {
    const r = p.rnd();
    if (r < 0.03 && s.price !== null) s.price = Math.max(99, Math.round(s.price * (0.75 + p.rnd() * 0.5)));
    else if (r < 0.04) s.price = s.price === null ? s.lastPrice : null;
    if (s.price !== null) s.lastPrice = s.price;
    const condition = SERIES_CONDITION[s.series];
    const seller = s.series === 'amazon' || s.series === 'new' ? 'amazon' : s.series === 'warehouse' ? 'warehouse' : 'third_party';
    const n = (v: number | null): string => (v === null ? 'null' : String(v));
    rows.push(
      `["us","${p.asin}","${s.series}","${condition}","${seller}",${n(s.price)},${n(s.previousPrice)},${n(s.previousAt)},"USD",` +
        `${condition === 'new' ? n(p.listPrice) : 'null'},${s.series === 'new'},"${s.price === null ? 'out_of_stock' : 'in_stock'}",` +
        `${s.price === null ? 0 : 3},${at},"${crawler}",1]\n`,
    );
    s.previousPrice = s.price;
    s.previousAt = at;
  }
  return p.series.length;
}

/** A small, fast, seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Columns of the rows {@link pointRow} writes, in order. */
const PRICE_POINT_COLUMNS = [
  'marketplace', 'asin', 'series', 'condition', 'seller_kind', 'price', 'previous_price', 'previous_checked_at', 'currency',
  'list_price', 'is_buy_box', 'availability', 'offer_count', 'checked_at', 'crawler_id', 'ingest_seq',
];

async function writeProducts(client: ClickHouseClient, asins: readonly string[], endAt: number): Promise<void> {
  const products: string[] = [];
  const catalog: string[] = [];
  const seconds = (endAt / 1000).toFixed(3);
  for (const [i, asin] of asins.entries()) {
    const brand = pick(BRANDS, i * 7);
    const title = `${brand} ${pick(ADJECTIVES, i * 13 + 3)} ${pick(NOUNS, i * 31 + 5)} ${pick(NOUNS, i * 17 + 11)} model ${asin.slice(-4)}`;
    const category = pick(CATEGORIES, i * 3);
    products.push(
      `${JSON.stringify(['us', asin, title, brand, `${category} › ${pick(NOUNS, i * 31 + 5)}`, `https://m.media-amazon.com/images/I/${asin}.jpg`, 1 + ((i * 7919) % 200_000), null, seconds, 1])}\n`,
    );
    catalog.push(`${JSON.stringify(['us', asin, 'active', seconds, 'bench', 1])}\n`);
  }
  const productColumns = ['marketplace', 'asin', 'title', 'brand', 'breadcrumb', 'image_url', 'sales_rank', 'parent_asin', 'checked_at', 'ingest_seq'];
  await insertBody(client, 'products', productColumns, products.join(''));
  await insertBody(client, 'catalog', ['marketplace', 'asin', 'state', 'added_at', 'source', 'version'], catalog.join(''));
}

/** Points and products already in a store (to reuse one across runs). */
export async function storedBenchData(client: ClickHouseClient): Promise<{ points: number; asins: string[] }> {
  const [count] = await selectRows<{ n: string }>(client, 'SELECT count() AS n FROM price_points');
  const asins = await selectRows<{ asin: string }>(client, "SELECT DISTINCT asin FROM catalog WHERE marketplace = 'us' ORDER BY asin");
  return { points: Number(count?.n ?? 0), asins: asins.map((r) => r.asin) };
}

async function insertBody(client: ClickHouseClient, table: string, columns: readonly string[], body: string): Promise<void> {
  const result = await client.exec({
    query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`,
    values: Readable.from([body]),
  });
  for await (const _chunk of result.stream) {
    // An INSERT answers with an empty body.
  }
}

function pick<T>(list: readonly T[], i: number): T {
  return list[Math.abs(i) % list.length] as T;
}

/** Words of the search benchmark's titles (a few are common, most are rare). */
export const SEARCH_WORDS = [
  'wireless', 'portable', 'compact', 'stainless', 'rechargeable', 'ergonomic', 'waterproof', 'smart', 'cordless', 'digital', 'premium', 'mini',
  'foldable', 'headphones', 'keyboard', 'mouse', 'charger', 'kettle', 'drill', 'toothbrush', 'speaker', 'camera', 'monitor', 'blender', 'router',
  'backpack', 'puzzle', 'vacuum', 'watch', 'lamp', 'tripod', 'cable', 'toaster', 'black', 'white', 'red', 'blue', 'pro', 'max', 'ultra', 'lite',
  'edition', 'pack', 'set', 'kit', 'case', 'cover', 'stand', 'holder', 'adapter',
];

/**
 * `count` products of marketplace `de` with six-word titles (word i drawn with weight falling with i,
 * so "wireless" is in about a quarter of them) and one of 2,000 brands: the table search runs on.
 */
export async function writeSearchProducts(client: ClickHouseClient, count: number, progress?: (line: string) => void): Promise<number> {
  const [existing] = await selectRows<{ n: string }>(client, "SELECT count() AS n FROM products WHERE marketplace = 'de'");
  if (Number(existing?.n ?? 0) >= count) return Number(existing?.n ?? 0);
  const rnd = random(29);
  for (let offset = 0; offset < count; offset += 200_000) {
    const rows: string[] = [];
    for (let i = offset; i < Math.min(count, offset + 200_000); i++) {
      const title = `${Array.from({ length: 6 }, () => SEARCH_WORDS[Math.floor(rnd() * rnd() * SEARCH_WORDS.length)]).join(' ')} model ${i.toString(36)}`;
      rows.push(`${JSON.stringify(['de', `S${i.toString(36).toUpperCase().padStart(9, '0')}`, title, `brand${Math.floor(rnd() * 2_000).toString(36)}`, 'Misc', '', 1 + (i % 100_000), null, '1700000000.000', 1])}\n`);
    }
    await insertBody(client, 'products', ['marketplace', 'asin', 'title', 'brand', 'breadcrumb', 'image_url', 'sales_rank', 'parent_asin', 'checked_at', 'ingest_seq'], rows.join(''));
    progress?.(`${Math.min(count, offset + 200_000)} search products written`);
  }
  return count;
}
