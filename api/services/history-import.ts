/**
 * Importing price history from CSV (an admin backfilling a new instance, or moving products from
 * another one). The format is the export's (GET …/history.csv):
 *
 *   marketplace,asin,series,checked_at,price,currency,list_price,availability
 *   us,B0EXAMPLE1,new,2025-01-02T03:04:05Z,19.99,USD,24.99,in_stock
 *
 * `checked_at` is ISO 8601 with a zone, or epoch milliseconds; prices are decimal in the currency's
 * major unit (`19.99`, JPY `1290`); an empty price means "no offer" (out of stock); `list_price` and
 * `availability` may be empty.
 *
 * Every row is validated first and every bad row reported (line and reason). With bad rows nothing is
 * written unless `skipInvalid` asks to write the good ones. Rows are written straight into
 * price_points, in batches, NOT through the ingestion stream: the stream is for observations as they
 * happen — it would hand history to the alerter as if prices had just changed. Here, rows carry
 * ingest_seq 0, which the alerter never reads, and every materialized view (rollups, statistics,
 * drops, moves) is fed as by the ingester. Previous prices are chained per series through the
 * imported rows and the stored points around them. A point already stored (same series and second)
 * is skipped, and each batch carries a deduplication token derived from its content: importing the
 * same file twice adds nothing. Stored points *after* an imported one keep the previous price they
 * were stored with (import older history before newer, as a backfill does).
 */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { parse } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type MarketplaceCode, getMarketplace, isAsin, isMarketplaceCode } from '../../config/index.js';
import { AVAILABILITIES, type Availability, SERIES, SERIES_CONDITION, type Series } from '../../contracts/index.js';
import { announceCommitted, insertImportedPoints, lastStoredPointsBefore, storedPoints } from '../../storage/index.js';
import { BadRequestError } from '../api-errors.js';

/** The header an import must start with (the export's). */
export const IMPORT_COLUMNS = ['marketplace', 'asin', 'series', 'checked_at', 'price', 'currency', 'list_price', 'availability'] as const;
/** Bad rows listed in a report (all are counted). */
const MAX_REPORTED_ERRORS = 100;
/** Products whose stored points are read at once. */
const PRODUCTS_PER_STEP = 500;
const MAX_PRICE = 4_294_967_295;
/** Earliest and latest accepted check times: 2000-01-01 and one day ahead. */
const MIN_TIME_MS = Date.UTC(2000, 0, 1);

export interface ImportOptions {
  clickhouse: ClickHouseClient;
  /** Where the imported products are announced (caches evict them); optional. */
  redis?: Redis;
  channel?: string;
  logger: Logger;
  /** Validate and report only. */
  dryRun?: boolean;
  /** Write the valid rows even when some are bad. */
  skipInvalid?: boolean;
  /** Rows per insert. Default 50,000. */
  batchRows?: number;
  now?: number;
}

/** What an import did. */
export interface ImportReport {
  /** Data rows read (the header excluded). */
  rows: number;
  valid: number;
  invalid: number;
  /** Rows written. */
  inserted: number;
  /** Valid rows not written because the point was already stored or appeared twice in the file. */
  duplicates: number;
  products: number;
  batches: number;
  dryRun: boolean;
  /** Whether anything was written. */
  written: boolean;
  /** The first bad rows: line number in the file (the header is line 1) and why. */
  errors: { line: number; message: string }[];
}

interface ImportRow {
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
  /** Epoch seconds. */
  at: number;
  price: number | null;
  currency: string;
  listPrice: number | null;
  availability: Availability;
}

/** Validates and imports `text`; see the file header. Throws BadRequestError when it is not such a CSV at all. */
export async function importHistoryCsv(text: string, options: ImportOptions): Promise<ImportReport> {
  const records = parseCsv(text);
  const header = records[0]?.record ?? [];
  if (header.length !== IMPORT_COLUMNS.length || header.some((h, i) => h.trim().toLowerCase() !== IMPORT_COLUMNS[i])) {
    throw new BadRequestError(`the first line must be the header ${IMPORT_COLUMNS.join(',')}`);
  }
  const now = options.now ?? Date.now();
  const report: ImportReport = { rows: records.length - 1, valid: 0, invalid: 0, inserted: 0, duplicates: 0, products: 0, batches: 0, dryRun: options.dryRun ?? false, written: false, errors: [] };
  const valid: ImportRow[] = [];
  for (const { record, line } of records.slice(1)) {
    const parsed = parseRow(record, now);
    if (typeof parsed === 'string') {
      report.invalid++;
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ line, message: parsed });
    } else {
      valid.push(parsed);
    }
  }
  report.valid = valid.length;
  report.products = new Set(valid.map((r) => `${r.marketplace}:${r.asin}`)).size;
  if (report.dryRun || (report.invalid > 0 && !options.skipInvalid) || valid.length === 0) return report;

  const byMarketplace = new Map<MarketplaceCode, ImportRow[]>();
  for (const row of valid) {
    let list = byMarketplace.get(row.marketplace);
    if (!list) byMarketplace.set(row.marketplace, (list = []));
    list.push(row);
  }
  for (const [marketplace, rows] of byMarketplace) {
    rows.sort((a, b) => (a.asin < b.asin ? -1 : a.asin > b.asin ? 1 : a.series < b.series ? -1 : a.series > b.series ? 1 : a.at - b.at));
    const asins = [...new Set(rows.map((r) => r.asin))];
    for (let i = 0; i < asins.length; i += PRODUCTS_PER_STEP) {
      const step = new Set(asins.slice(i, i + PRODUCTS_PER_STEP));
      const stepRows = rows.filter((r) => step.has(r.asin));
      const { body, count, duplicates } = await chainRows(options.clickhouse, marketplace, [...step], stepRows);
      report.duplicates += duplicates;
      for (const batch of batches(body, options.batchRows ?? 50_000)) {
        await insertImportedPoints(options.clickhouse, batch, createHash('sha256').update(batch).digest('hex'));
        report.batches++;
      }
      report.inserted += count;
      if (options.redis && options.channel) await announceCommitted(options.redis, options.channel, marketplace, [...step], options.logger);
    }
  }
  report.written = report.inserted > 0;
  options.logger.info({ rows: report.rows, inserted: report.inserted, duplicates: report.duplicates, invalid: report.invalid }, 'history imported');
  return report;
}

function parseCsv(text: string): { record: string[]; line: number }[] {
  try {
    const parsed = parse(text, { info: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return parsed.map((p) => ({ record: p.record, line: p.info.lines }));
  } catch (err) {
    throw new BadRequestError(`not a readable CSV: ${(err as Error).message.split('\n')[0] ?? 'parse error'}`, undefined, { cause: err });
  }
}

/** The row, or why it is bad. */
function parseRow(record: readonly string[], now: number): ImportRow | string {
  if (record.length !== IMPORT_COLUMNS.length) return `expected ${IMPORT_COLUMNS.length} fields, found ${record.length}`;
  const [marketplace = '', asinText = '', series = '', checkedAt = '', price = '', currency = '', listPrice = '', availability = ''] = record.map((f) => f.trim());
  if (!isMarketplaceCode(marketplace)) return `unknown marketplace ${JSON.stringify(marketplace.slice(0, 20))}`;
  const asin = asinText.toUpperCase();
  if (!isAsin(asin)) return `not an ASIN: ${JSON.stringify(asinText.slice(0, 20))}`;
  if (!(SERIES as readonly string[]).includes(series)) return `unknown series ${JSON.stringify(series.slice(0, 20))} (expected ${SERIES.join(', ')})`;
  const market = getMarketplace(marketplace);
  if (currency !== market.currency) return `currency ${JSON.stringify(currency.slice(0, 10))} is not ${market.currency}, the currency of ${marketplace}`;
  const atMs = /^\d{9,14}$/.test(checkedAt) ? Number(checkedAt) : Date.parse(checkedAt);
  if (!/^\d{9,14}$/.test(checkedAt) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(checkedAt)) return 'checked_at must be ISO 8601 with a time zone (…Z) or epoch milliseconds';
  if (!Number.isFinite(atMs) || atMs < MIN_TIME_MS || atMs > now + 86_400_000) return `checked_at ${JSON.stringify(checkedAt.slice(0, 40))} is not a time between 2000 and now`;
  const digits = market.numberFormat.minorDigits;
  const minor = price === '' ? null : toMinor(price, digits);
  if (minor === undefined) return `price ${JSON.stringify(price.slice(0, 20))} is not an amount with at most ${digits} decimals`;
  const list = listPrice === '' ? null : toMinor(listPrice, digits);
  if (list === undefined) return `list_price ${JSON.stringify(listPrice.slice(0, 20))} is not an amount with at most ${digits} decimals`;
  if (availability !== '' && !(AVAILABILITIES as readonly string[]).includes(availability)) {
    return `unknown availability ${JSON.stringify(availability.slice(0, 20))} (expected ${AVAILABILITIES.join(', ')})`;
  }
  const stock: Availability = availability === '' ? (minor === null ? 'out_of_stock' : 'in_stock') : (availability as Availability);
  return { marketplace, asin, series: series as Series, at: Math.floor(atMs / 1000), price: minor, currency, listPrice: list, availability: stock };
}

/** A decimal amount in minor units, or undefined if it is not one. */
function toMinor(text: string, digits: number): number | undefined {
  const match = /^(\d{1,10})(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  const value = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return value <= MAX_PRICE ? value : undefined;
}

/** The rows to insert for one step of products: duplicates dropped, previous prices chained. */
async function chainRows(
  client: ClickHouseClient,
  marketplace: MarketplaceCode,
  asins: string[],
  rows: readonly ImportRow[],
): Promise<{ body: string[]; count: number; duplicates: number }> {
  const from = Math.min(...rows.map((r) => r.at));
  const to = Math.max(...rows.map((r) => r.at));
  const [stored, before] = await Promise.all([
    storedPoints(client, { marketplace, asins, from, to }),
    lastStoredPointsBefore(client, { marketplace, asins, before: from }),
  ]);
  const body: string[] = [];
  let duplicates = 0;
  let key = '';
  let timeline: { checkedAt: number; price: number | null }[] = [];
  let cursor = 0;
  let previous: { price: number | null; checkedAt: number } | undefined;
  for (const row of rows) {
    const seriesKey = `${row.asin}|${row.series}`;
    if (seriesKey !== key) {
      key = seriesKey;
      timeline = stored.get(seriesKey) ?? [];
      cursor = 0;
      previous = before.get(seriesKey);
    }
    // Stored points at or before this row come first in the series' timeline.
    while (cursor < timeline.length && (timeline[cursor] as { checkedAt: number }).checkedAt < row.at) previous = timeline[cursor++];
    const same = cursor < timeline.length && (timeline[cursor] as { checkedAt: number }).checkedAt === row.at;
    if (same || (previous && previous.checkedAt === row.at)) {
      duplicates++;
      continue;
    }
    body.push(
      `${JSON.stringify([
        marketplace, row.asin, row.series, SERIES_CONDITION[row.series], sellerKind(row.series), row.price, previous?.price ?? null, previous?.checkedAt ?? null,
        row.currency, row.listPrice, row.series === 'new', row.availability, null, row.at, 'import', 0,
      ])}\n`,
    );
    previous = { price: row.price, checkedAt: row.at };
  }
  return { body, count: body.length, duplicates };
}

function sellerKind(series: Series): string {
  switch (series) {
    case 'amazon':
      return 'amazon';
    case 'warehouse':
      return 'warehouse';
    case 'new_3p':
    case 'used':
    case 'refurbished':
    case 'collectible':
      return 'third_party';
    case 'new':
      return 'unknown';
  }
}

function* batches(rows: readonly string[], size: number): Generator<string> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size).join('');
}
