/**
 * The crawler's errors, each meaning one action. Crawlee's own classes carry the retry semantics:
 * a `SessionError` retires the session and retries on another one (spending `maxSessionRotations`,
 * not `maxRequestRetries`), a `RetryRequestError` retries without counting, a `NonRetryableError`
 * goes straight to the failed-request handler. {@link failureOf} maps any error to what the check
 * reports to the coordinator.
 */
import { NonRetryableError, RetryRequestError, SessionError } from '@crawlee/core';
import type { FailureKind } from '../contracts/index.js';

/** A robot check (any shape, any status): retire the session, cool its proxy, retry on another proxy. */
export class RobotCheckError extends SessionError {
  readonly kind = 'captcha' as const;
  constructor(message = 'robot check') {
    super(message);
    this.name = 'RobotCheckError';
  }
}

/** The storefront refused the request (403, 429, …): retire the session, cool its proxy, retry on another. */
export class BlockedError extends SessionError {
  readonly kind = 'blocked' as const;
  constructor(readonly status: number) {
    super(`blocked with HTTP ${status}`);
    this.name = 'BlockedError';
  }
}

/** The session's proxy started cooling or was removed while the check waited: new session, retry, nothing counted. */
export class ProxyUnavailableError extends RetryRequestError {
  constructor() {
    super('the session proxy is cooling down or gone');
    this.name = 'ProxyUnavailableError';
  }
}

/** The check cannot run on this node now (every proxy cooling, shutting down, lease lost): hand it back, no failure. */
export class HandBackError extends NonRetryableError {
  constructor(readonly reason: 'paused' | 'stopping' | 'lease_lost') {
    super(`check handed back (${reason})`);
    this.name = 'HandBackError';
  }
}

/** The storefront says the product does not exist (404 page): report not_found (the product is retired). */
export class ProductGoneError extends NonRetryableError {
  readonly kind = 'not_found' as const;
  constructor() {
    super('product page not found');
    this.name = 'ProductGoneError';
  }
}

/** A page that is neither a product, a robot check nor an error page, or a body that cannot be decoded: retry, then parse_failure. */
export class PageParseError extends Error {
  readonly kind = 'parse_failure' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PageParseError';
  }
}

/** An HTTP error page from the storefront (5xx dog page, unexpected 4xx): retry, then http_error. */
export class StorefrontError extends Error {
  readonly kind = 'http_error' as const;
  constructor(readonly status: number) {
    super(`storefront answered HTTP ${status} with an error page`);
    this.name = 'StorefrontError';
  }
}

/** What a check that ended with `err` reports: a failure kind, or a hand-back (no failure counted). */
export type CheckFailure = { readonly kind: FailureKind } | { readonly kind: 'hand_back'; readonly reason: HandBackError['reason'] };

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Maps the last error of a check to what the coordinator is told. */
export function failureOf(err: unknown): CheckFailure {
  if (err instanceof HandBackError) return { kind: 'hand_back', reason: err.reason };
  if (err instanceof RobotCheckError || err instanceof BlockedError || err instanceof ProductGoneError) return { kind: err.kind };
  if (err instanceof PageParseError || err instanceof StorefrontError) return { kind: err.kind };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (err.name === 'TimeoutError' || code === 'ETIMEDOUT' || /timed out/i.test(err.message)) return { kind: 'timeout' };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return { kind: 'network_error' };
    // Crawlee turns proxy failures into a plain SessionError.
    if (err instanceof SessionError) return { kind: 'network_error' };
    if (err.name === 'RequestError' || err.name === 'ReadError') return { kind: 'network_error' };
  }
  return { kind: 'network_error' };
}
