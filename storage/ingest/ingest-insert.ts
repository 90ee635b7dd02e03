/**
 * Inserts one batch's bodies. Each INSERT carries the batch's deduplication token in its own SETTINGS
 * clause — never as a session setting, which the embedded engine would keep for later inserts — so a
 * re-inserted batch is dropped by every table and every view it feeds, and nothing else is.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { type BatchRows, CRAWL_OUTCOME_COLUMNS, PRICE_POINT_COLUMNS, PRODUCT_COLUMNS } from './ingest-rows.js';

const TABLES = [
  ['price_points', PRICE_POINT_COLUMNS, 'points'],
  ['crawl_outcomes', CRAWL_OUTCOME_COLUMNS, 'outcomes'],
  ['products', PRODUCT_COLUMNS, 'products'],
] as const;

/** Inserts `rows` with `token`; safe to repeat with the same token and rows. */
export async function insertBatch(client: ClickHouseClient, rows: BatchRows, token: string): Promise<void> {
  for (const [table, columns, key] of TABLES) {
    const body = rows[key];
    if (body.length === 0) continue;
    const result = await client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')}) SETTINGS insert_deduplication_token = {token:String} FORMAT JSONCompactEachRow`,
      values: Readable.from([body]),
      query_params: { token },
    });
    for await (const _chunk of result.stream) {
      // An INSERT answers with an empty body; read it so the connection is reusable.
    }
  }
}

/** The highest batch sequence number stored for `marketplace` in any table an insert writes (0: none). */
export async function storedMaxSequence(client: ClickHouseClient, marketplace: string): Promise<number> {
  const branches = TABLES.map(([table]) => `SELECT max(ingest_seq) AS s FROM ${table} WHERE marketplace = {marketplace:String}`);
  const result = await client.query({ query: `SELECT max(s) AS seq FROM (${branches.join(' UNION ALL ')})`, query_params: { marketplace }, format: 'JSONEachRow' });
  const [row] = await result.json<{ seq: string | number | null }>();
  return Number(row?.seq ?? 0);
}
