/**
 * Per-user API tokens: 32 random bytes (base64url) behind a prefix that says what they are
 * (`drm_` for API calls, `drf_` for a feed URL), shown once at creation. Only their SHA-256 is stored
 * (ClickHouse, migration 0030): tokens are random, so a fast hash is as strong as a slow one here.
 *
 * Looking a token up on every request must not cost a ClickHouse statement, so lookups are cached in
 * Redis (`<user id> <token id> <scope>`, or `-` for unknown/revoked) for {@link TOKEN_CACHE_SECS}.
 * Revoking writes the revoked version to ClickHouse and then `-` to Redis with a longer lifetime; a
 * cache fill after a ClickHouse read uses SET NX, so it can never overwrite a revocation.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiKeys } from '../../runtime/index.js';
import { type ApiTokenRecord, type ApiTokenScope, apiTokensOfUser, findApiTokenByHash, findApiTokenById, insertApiTokens } from '../../storage/index.js';
import { ForbiddenError, NotFoundError } from '../api-errors.js';

/** How long a token lookup stays cached, seconds. */
export const TOKEN_CACHE_SECS = 600;
/** How long a revocation marker stays (longer than any cached lookup), seconds. */
const REVOKED_MARKER_SECS = 3 * TOKEN_CACHE_SECS;
/** How long "no such token" stays cached, seconds. */
const UNKNOWN_CACHE_SECS = 60;

const PREFIX: Record<ApiTokenScope, string> = { api: 'drm_', feed: 'drf_' };
const TOKEN_SHAPE = /^dr[mf]_[A-Za-z0-9_-]{43}$/;

/** Who a token belongs to. */
export interface TokenIdentity {
  userId: string;
  tokenId: string;
  scope: ApiTokenScope;
}

/** A token as listed (never the token itself). */
export interface TokenInfo {
  tokenId: string;
  scope: ApiTokenScope;
  name: string;
  createdAt: number;
}

export interface TokenServiceOptions {
  clickhouse: ClickHouseClient;
  redis: Redis;
  keys: ApiKeys;
  logger: Logger;
  now?: () => number;
}

/** The SHA-256 (hex) under which a token is stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates, checks, lists and revokes tokens. */
export class TokenService {
  readonly #o: TokenServiceOptions;
  readonly #now: () => number;

  constructor(options: TokenServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Creates a token for `userId`; the returned token is the only copy that will ever exist. */
  async create(userId: string, scope: ApiTokenScope, name: string): Promise<{ token: string; info: TokenInfo }> {
    const token = `${PREFIX[scope]}${randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    const record: ApiTokenRecord = { tokenHash: tokenHash(token), tokenId: randomUUID(), userId, scope, name, createdAt: now, revokedAt: null, version: now };
    await insertApiTokens(this.#o.clickhouse, [record]);
    // Overwrite a cached "unknown" (someone may have tried this exact string: practically never).
    await this.#o.redis.set(this.#o.keys.token(record.tokenHash), `${userId} ${record.tokenId} ${scope}`, 'EX', TOKEN_CACHE_SECS);
    return { token, info: { tokenId: record.tokenId, scope, name, createdAt: now } };
  }

  /** The identity behind `token`, or null when it is malformed, unknown or revoked. */
  async authenticate(token: string): Promise<TokenIdentity | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const hash = tokenHash(token);
    const key = this.#o.keys.token(hash);
    const cached = await this.#o.redis.get(key);
    if (cached !== null) return parseCached(cached);
    const record = await findApiTokenByHash(this.#o.clickhouse, hash);
    const value = record ? `${record.userId} ${record.tokenId} ${record.scope}` : '-';
    await this.#o.redis.set(key, value, 'EX', record ? TOKEN_CACHE_SECS : UNKNOWN_CACHE_SECS, 'NX');
    return record ? { userId: record.userId, tokenId: record.tokenId, scope: record.scope } : null;
  }

  /** The live tokens of a user. */
  async list(userId: string): Promise<TokenInfo[]> {
    const records = await apiTokensOfUser(this.#o.clickhouse, userId);
    return records.map((r) => ({ tokenId: r.tokenId, scope: r.scope, name: r.name, createdAt: r.createdAt }));
  }

  /**
   * Revokes token `tokenId` of `userId`. Throws NotFoundError when there is no such live token, and
   * ForbiddenError when it belongs to someone else (nothing is changed then).
   */
  async revoke(userId: string, tokenId: string, { asAdmin = false }: { asAdmin?: boolean } = {}): Promise<void> {
    const record = await findApiTokenById(this.#o.clickhouse, tokenId);
    if (!record) throw new NotFoundError(`no token ${tokenId}`);
    if (record.userId !== userId && !asAdmin) throw new ForbiddenError('this token belongs to another user');
    await this.revokeRecords([record]);
  }

  /** Revokes every live token of `scope` of a user (a new feed token replaces the old one). */
  async revokeAll(userId: string, scope: ApiTokenScope): Promise<number> {
    const records = (await apiTokensOfUser(this.#o.clickhouse, userId)).filter((r) => r.scope === scope);
    await this.revokeRecords(records);
    return records.length;
  }

  async revokeRecords(records: readonly ApiTokenRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = this.#now();
    await insertApiTokens(
      this.#o.clickhouse,
      records.map((r) => ({ ...r, revokedAt: now, version: Math.max(now, r.version + 1) })),
    );
    const pipeline = this.#o.redis.pipeline();
    for (const r of records) pipeline.set(this.#o.keys.token(r.tokenHash), '-', 'EX', REVOKED_MARKER_SECS);
    await pipeline.exec();
    this.#o.logger.info({ tokens: records.length }, 'tokens revoked');
  }
}

function parseCached(value: string): TokenIdentity | null {
  if (value === '-') return null;
  const [userId, tokenId, scope] = value.split(' ');
  if (!userId || !tokenId || (scope !== 'api' && scope !== 'feed')) return null;
  return { userId, tokenId, scope };
}
