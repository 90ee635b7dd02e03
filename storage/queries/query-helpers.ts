/** Shared helpers of the query functions: run a bound query and read typed rows. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Series } from '../../contracts/index.js';
import type { MarketplaceCode } from '../../config/index.js';

/** Runs `query` with bound `params` and returns its rows (JSONEachRow). */
export async function selectRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** One series of one product. */
export interface SeriesRef {
  marketplace: MarketplaceCode;
  asin: string;
  series: Series;
}

/** Epoch ms from a ClickHouse DateTime/DateTime64 value read as JSON (seconds since epoch, UTC). */
export function epochMs(value: number | string | null): number | null {
  if (value === null) return null;
  return Math.round(Number(value) * 1000);
}

/** A nullable count/price column (64-bit integers arrive as strings). */
export function numberOrNull(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
