/**
 * Users (ReplacingMergeTree(version, is_deleted)): a change is a new row with a higher version; reads
 * use FINAL. Email addresses are stored normalised (trimmed, lower case) by the alerts part.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { IDS_PER_QUERY, inChunks } from './alerts-chunking.js';
import { numberOrNull, selectRows } from './query-helpers.js';

/** One user as stored. Times are epoch ms. */
export interface UserRecord {
  userId: string;
  email: string;
  createdAt: number;
  /** When the address was confirmed through the double opt-in link; null: not yet. */
  verifiedAt: number | null;
  /** When the user unsubscribed from alert emails; null: subscribed. */
  unsubscribedAt: number | null;
  version: number;
  isDeleted: boolean;
}

const USER_COLUMNS = ['user_id', 'email', 'created_at', 'verified_at', 'unsubscribed_at', 'version', 'is_deleted'] as const;

const USER_SELECT = `SELECT toString(user_id) AS uid, email, toUnixTimestamp64Milli(created_at) AS created_at,
       toUnixTimestamp64Milli(verified_at) AS verified_at, toUnixTimestamp64Milli(unsubscribed_at) AS unsubscribed_at,
       version, is_deleted
FROM users FINAL`;

interface UserRow {
  uid: string;
  email: string;
  created_at: string | number;
  verified_at: string | number | null;
  unsubscribed_at: string | number | null;
  version: string | number;
  is_deleted: number;
}

const seconds3 = (ms: number | null): string | null => (ms === null ? null : (ms / 1000).toFixed(3));

/** Writes user versions (a higher version supersedes; is_deleted removes). */
export async function insertUsers(client: ClickHouseClient, users: readonly UserRecord[]): Promise<void> {
  if (users.length === 0) return;
  await client.insert({
    table: 'users',
    columns: [...USER_COLUMNS],
    format: 'JSONCompactEachRow',
    values: users.map((u) => [u.userId, u.email, seconds3(u.createdAt), seconds3(u.verifiedAt), seconds3(u.unsubscribedAt), u.version, u.isDeleted ? 1 : 0]),
  });
}

/** The current version of a user, or null (never existed or deleted). */
export async function findUserById(client: ClickHouseClient, userId: string): Promise<UserRecord | null> {
  const rows = await selectRows<UserRow>(client, `${USER_SELECT} WHERE user_id = toUUID({id:String}) AND is_deleted = 0`, { id: userId });
  return rows[0] ? toUser(rows[0]) : null;
}

/** The current user with this (normalised) address, or null. */
export async function findUserByEmail(client: ClickHouseClient, email: string): Promise<UserRecord | null> {
  const rows = await selectRows<UserRow>(client, `${USER_SELECT} WHERE email = {email:String} AND is_deleted = 0 ORDER BY created_at LIMIT 1`, { email });
  return rows[0] ? toUser(rows[0]) : null;
}

/** The current versions of several users (deleted and unknown ones are absent). */
export async function findUsersByIds(client: ClickHouseClient, userIds: readonly string[]): Promise<Map<string, UserRecord>> {
  if (userIds.length === 0) return new Map();
  const rows = await inChunks(userIds, IDS_PER_QUERY, (ids) => selectRows<UserRow>(client, `${USER_SELECT} WHERE user_id IN {ids:Array(UUID)} AND is_deleted = 0`, { ids }));
  return new Map(rows.map((r) => [r.uid, toUser(r)]));
}

function toUser(r: UserRow): UserRecord {
  return {
    userId: r.uid,
    email: r.email,
    createdAt: Number(r.created_at),
    verifiedAt: numberOrNull(r.verified_at),
    unsubscribedAt: numberOrNull(r.unsubscribed_at),
    version: Number(r.version),
    isDeleted: Boolean(Number(r.is_deleted)),
  };
}
