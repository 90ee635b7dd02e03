/**
 * Who is calling: `Authorization: Bearer <token>` carries either a user's API token (see
 * token-service.ts) or the admin token (config `api.adminToken`, compared in constant time). Routes
 * ask for what they need: any user, the user a path names (or the admin), or the admin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../api-errors.js';
import type { TokenService } from './token-service.js';

/** The caller. */
export type Identity = { kind: 'admin' } | { kind: 'user'; userId: string; tokenId: string };

export interface AuthenticatorOptions {
  tokens: TokenService;
  /** config api.adminToken; unset: no admin endpoints. */
  adminToken?: string | undefined;
}

/** Reads and checks the caller's token. */
export class Authenticator {
  readonly #tokens: TokenService;
  readonly #adminDigest: Buffer | undefined;

  constructor(options: AuthenticatorOptions) {
    this.#tokens = options.tokens;
    this.#adminDigest = options.adminToken ? digest(options.adminToken) : undefined;
  }

  /** The caller, or null without a token. Throws UnauthorizedError for a token that is not valid. */
  async identify(request: FastifyRequest): Promise<Identity | null> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return null;
    const match = /^Bearer\s+(\S{1,200})$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
    const token = match[1];
    if (this.#adminDigest && timingSafeEqual(digest(token), this.#adminDigest)) return { kind: 'admin' };
    const identity = await this.#tokens.authenticate(token);
    if (!identity || identity.scope !== 'api') throw new UnauthorizedError('unknown or revoked token');
    return { kind: 'user', userId: identity.userId, tokenId: identity.tokenId };
  }

  /** Any authenticated caller (a user or the admin); 401 otherwise. */
  async requireCaller(request: FastifyRequest): Promise<Identity> {
    const identity = await this.identify(request);
    if (!identity) throw new UnauthorizedError();
    return identity;
  }

  /** A user (not the admin); 401 otherwise. */
  async requireUser(request: FastifyRequest): Promise<Extract<Identity, { kind: 'user' }>> {
    const identity = await this.requireCaller(request);
    if (identity.kind !== 'user') throw new ForbiddenError('this endpoint acts for a user: use that user\'s token');
    return identity;
  }

  /** The user `userId` or the admin; 401 without a token, 403 for anyone else. */
  async requireSelfOrAdmin(request: FastifyRequest, userId: string): Promise<Identity> {
    const identity = await this.requireCaller(request);
    if (identity.kind === 'user' && identity.userId.toLowerCase() !== userId.toLowerCase()) throw new ForbiddenError();
    return identity;
  }

  /** The admin; 401 without a token, 403 for a user token. */
  async requireAdmin(request: FastifyRequest): Promise<void> {
    const identity = await this.requireCaller(request);
    if (identity.kind !== 'admin') throw new ForbiddenError('this endpoint needs the admin token');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
