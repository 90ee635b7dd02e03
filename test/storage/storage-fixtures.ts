/** Shared setup of the storage tests: a migrated embedded ClickHouse in a temp folder, and synthetic observations. */
import type { ClickHouseClient } from '@clickhouse/client';
import { type Config, type ConfigInput, loadConfig } from '../../config/index.js';
import type { CrawlOutcome, IngestEnvelope, PriceObservation, Series } from '../../contracts/index.js';
import { silentLogger } from '../../runtime/index.js';
import { createClickHouse, migrate, selectRows } from '../../storage/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';

export interface TestClickHouse {
  config: Config;
  client: ClickHouseClient;
  dataDir: string;
}

/** A fresh data folder with a migrated embedded engine (serving its bridge). */
export async function openTestClickHouse(flags: ConfigInput = {}): Promise<TestClickHouse> {
  const dataDir = makeTempDir('drom-ch-');
  const config = loadConfig({ env: {}, flags: { dataDir, ...flags } });
  const client = await createClickHouse(config, { logger: silentLogger(), createDatabase: true });
  await migrate(client, { database: config.clickhouse.database, logger: silentLogger() });
  return { config, client, dataDir };
}

/** count() of a table, optionally filtered by a bound asin. */
export async function countRows(client: ClickHouseClient, table: string, asin?: string): Promise<number> {
  const [row] = await selectRows<{ n: string }>(
    client,
    `SELECT count() AS n FROM ${table}${asin ? ' WHERE asin = {asin:String}' : ''}`,
    asin ? { asin } : {},
  );
  return Number(row?.n ?? 0);
}

let checkCounter = 0;

/** An observation with sensible defaults. */
export function observation(over: Partial<PriceObservation> & { asin: string; checkedAt: number }): PriceObservation {
  return {
    marketplace: 'us',
    series: 'new',
    condition: 'new',
    sellerKind: 'amazon',
    price: 1999,
    previousPrice: null,
    previousCheckedAt: null,
    currency: 'USD',
    listPrice: null,
    isBuyBox: true,
    availability: 'in_stock',
    offerCount: 1,
    crawlerId: 'crawler-1',
    checkId: `check-${++checkCounter}`,
    ...over,
  };
}

export function outcome(over: Partial<CrawlOutcome> & { asin: string; checkedAt: number }): CrawlOutcome {
  return {
    marketplace: 'us',
    outcome: 'ok',
    httpStatus: 200,
    detail: '',
    crawlerId: 'crawler-1',
    checkId: `outcome-${++checkCounter}`,
    durationMs: 100,
    bytes: 1000,
    ...over,
  };
}

/**
 * A chained series: `prices[i]` observed at `start + i * stepMs`, each carrying the previous price
 * and check time of the same series (null prices = no offer).
 */
export function seriesObservations(
  asin: string,
  prices: readonly (number | null)[],
  { start, stepMs = 3_600_000, series = 'new' }: { start: number; stepMs?: number; series?: Series },
): PriceObservation[] {
  return prices.map((price, i) =>
    observation({
      asin,
      series,
      price,
      availability: price === null ? 'out_of_stock' : 'in_stock',
      previousPrice: i === 0 ? null : (prices[i - 1] ?? null),
      previousCheckedAt: i === 0 ? null : start + (i - 1) * stepMs,
      checkedAt: start + i * stepMs,
    }),
  );
}

/** Envelopes of `perEnvelope` observations each. */
export function envelopes(observations: readonly PriceObservation[], perEnvelope = 10): IngestEnvelope[] {
  const out: IngestEnvelope[] = [];
  for (let i = 0; i < observations.length; i += perEnvelope) {
    out.push({ v: 1, observations: observations.slice(i, i + perEnvelope), outcomes: [], products: [] });
  }
  return out;
}

/** The start of the UTC hour `daysAgo` days before now: test series must be recent (tables have TTLs). */
export function hoursAgoStart(daysAgo: number): number {
  const t = Date.now() - daysAgo * 86_400_000;
  return t - (t % 3_600_000);
}
