/**
 * The catalog of tracked (marketplace, asin): the coordinator rebuilds its schedule from it. Rows are
 * versioned; the highest version of a (marketplace, asin) wins. Write a higher version to change the
 * state (active / paused / retired / removed).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { MarketplaceCode } from '../../config/index.js';
import { epochMs, selectRows } from './query-helpers.js';

export const CATALOG_STATES = ['active', 'paused', 'retired', 'removed'] as const;
export type CatalogState = (typeof CATALOG_STATES)[number];

export interface CatalogEntry {
  marketplace: MarketplaceCode;
  asin: string;
  state: CatalogState;
  /** When the product was first added, epoch ms. */
  addedAt: number;
  /** Who added it: `admin`, `api`, `extension`, `import`, … */
  source: string;
  /** Monotonic version of this row (e.g. epoch ms of the change); the highest wins. */
  version: number;
}

const CHUNK_ROWS = 50_000;

/** Inserts catalog rows (in chunks; a row with a higher version supersedes older ones). */
export async function upsertCatalog(client: ClickHouseClient, entries: readonly CatalogEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK_ROWS) {
    await client.insert({
      table: 'catalog',
      columns: ['marketplace', 'asin', 'state', 'added_at', 'source', 'version'],
      format: 'JSONCompactEachRow',
      values: entries.slice(i, i + CHUNK_ROWS).map((e) => [e.marketplace, e.asin, e.state, (e.addedAt / 1000).toFixed(3), e.source, e.version]),
    });
  }
}

export interface StreamCatalogOptions {
  /** Only these marketplaces; default all. */
  marketplaces?: readonly MarketplaceCode[];
  /** Only these states; default all but `removed`. */
  states?: readonly CatalogState[];
}

type CatalogRow = [MarketplaceCode, string, CatalogState, number, string, string | number];

const CATALOG_SELECT = `SELECT marketplace, asin, state, toUnixTimestamp64Milli(added_at) / 1000 AS added_at, source, version FROM catalog FINAL`;

/** Every catalog entry (latest version), streamed in ClickHouse's order (marketplace, asin). */
export async function* streamCatalog(client: ClickHouseClient, options: StreamCatalogOptions = {}): AsyncGenerator<CatalogEntry> {
  const result = await client.query({
    query: `${CATALOG_SELECT}
            WHERE (empty({marketplaces:Array(String)}) OR marketplace IN {marketplaces:Array(String)})
              AND state IN {states:Array(String)}
            ORDER BY marketplace, asin`,
    query_params: { marketplaces: options.marketplaces ?? [], states: options.states ?? ['active', 'paused', 'retired'] },
    format: 'JSONCompactEachRow',
  });
  for await (const rows of result.stream<CatalogRow>()) {
    for (const row of rows) yield toEntry(row.json());
  }
}

/** The current catalog entries of some products (missing ones are absent from the result). */
export async function catalogEntries(client: ClickHouseClient, options: { marketplace: MarketplaceCode; asins: readonly string[] }): Promise<CatalogEntry[]> {
  if (options.asins.length === 0) return [];
  const rows = await selectRows<{ marketplace: MarketplaceCode; asin: string; state: CatalogState; added_at: number; source: string; version: string | number }>(
    client,
    `${CATALOG_SELECT} WHERE marketplace = {marketplace:String} AND asin IN {asins:Array(String)} ORDER BY asin`,
    { marketplace: options.marketplace, asins: options.asins },
  );
  return rows.map((r) => toEntry([r.marketplace, r.asin, r.state, r.added_at, r.source, r.version]));
}

function toEntry([marketplace, asin, state, addedAt, source, version]: CatalogRow): CatalogEntry {
  return { marketplace, asin, state, addedAt: epochMs(addedAt) ?? 0, source, version: Number(version) };
}

/** Per marketplace, how many products are tracked (state `active`); marketplaces with none are absent. */
export async function activeProductCounts(client: ClickHouseClient): Promise<Map<MarketplaceCode, number>> {
  const rows = await selectRows<{ marketplace: MarketplaceCode; products: string | number }>(
    client,
    `SELECT marketplace, count() AS products FROM catalog FINAL WHERE state = 'active' GROUP BY marketplace ORDER BY marketplace`,
    {},
  );
  return new Map(rows.map((r) => [r.marketplace, Number(r.products)]));
}
