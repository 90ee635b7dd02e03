/**
 * The API's tokens (migration 0030): only hashes are stored; a revoked token is a new version with
 * `is_deleted = 1`. Reads use FINAL (few rows per token).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { numberOrNull, selectRows } from './query-helpers.js';

/** What a token may do: call the API, or only read its user's alerts feed. */
export type ApiTokenScope = 'api' | 'feed';

/** One token as stored (never the token itself). Times are epoch ms. */
export interface ApiTokenRecord {
  tokenHash: string;
  tokenId: string;
  userId: string;
  scope: ApiTokenScope;
  name: string;
  createdAt: number;
  revokedAt: number | null;
  version: number;
}

interface Row {
  token_hash: string;
  tid: string;
  uid: string;
  scope: ApiTokenScope;
  name: string;
  created_at: string | number;
  revoked_at: string | number | null;
  version: string | number;
}

// Aliases differ from the column names: an alias named like its column would shadow it in WHERE.
const SELECT = `SELECT token_hash, toString(token_id) AS tid, toString(user_id) AS uid, scope, name,
       toUnixTimestamp64Milli(created_at) AS created_at, toUnixTimestamp64Milli(revoked_at) AS revoked_at, version
FROM api_tokens FINAL`;

const seconds3 = (ms: number | null): string | null => (ms === null ? null : (ms / 1000).toFixed(3));

/** Writes token versions; one with `revokedAt` set is stored as deleted. */
export async function insertApiTokens(client: ClickHouseClient, tokens: readonly ApiTokenRecord[]): Promise<void> {
  if (tokens.length === 0) return;
  await client.insert({
    table: 'api_tokens',
    columns: ['token_hash', 'token_id', 'user_id', 'scope', 'name', 'created_at', 'revoked_at', 'version', 'is_deleted'],
    format: 'JSONCompactEachRow',
    values: tokens.map((t) => [
      t.tokenHash, t.tokenId, t.userId, t.scope, t.name, seconds3(t.createdAt), seconds3(t.revokedAt), t.version, t.revokedAt === null ? 0 : 1,
    ]),
  });
}

/** The live (not revoked) token with this hash, or null. */
export async function findApiTokenByHash(client: ClickHouseClient, tokenHash: string): Promise<ApiTokenRecord | null> {
  const rows = await selectRows<Row>(client, `${SELECT} WHERE token_hash = {hash:String} AND is_deleted = 0 LIMIT 1`, { hash: tokenHash });
  return rows[0] ? toRecord(rows[0]) : null;
}

/** A user's live tokens, newest first. */
export async function apiTokensOfUser(client: ClickHouseClient, userId: string): Promise<ApiTokenRecord[]> {
  const rows = await selectRows<Row>(
    client,
    `${SELECT} WHERE user_id = toUUID({user:String}) AND is_deleted = 0 ORDER BY created_at DESC LIMIT 1000`,
    { user: userId },
  );
  return rows.map(toRecord);
}

/** The live token with this id, or null. */
export async function findApiTokenById(client: ClickHouseClient, tokenId: string): Promise<ApiTokenRecord | null> {
  const rows = await selectRows<Row>(client, `${SELECT} WHERE token_id = toUUID({id:String}) AND is_deleted = 0 LIMIT 1`, { id: tokenId });
  return rows[0] ? toRecord(rows[0]) : null;
}

function toRecord(r: Row): ApiTokenRecord {
  return {
    tokenHash: r.token_hash,
    tokenId: r.tid,
    userId: r.uid,
    scope: r.scope,
    name: r.name,
    createdAt: Number(r.created_at),
    revokedAt: numberOrNull(r.revoked_at),
    version: Number(r.version),
  };
}
