/**
 * Signed, self-contained tokens for the links in emails: `base64url(JSON payload).base64url(HMAC)`.
 * The HMAC-SHA256 key is derived from the installation's secret per purpose, so a verify token can
 * never pass as an unsubscribe token. Comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError } from './errors.js';

/** What a token says. `exp` (epoch seconds) is absent on tokens that never expire. */
export type TokenPayload =
  | { p: 'verify'; u: string; h: string; exp: number }
  | { p: 'unsubscribe'; u: string; t?: string };

const payloadSchema = z.discriminatedUnion('p', [
  z.strictObject({ p: z.literal('verify'), u: z.uuid(), h: z.string().length(16), exp: z.number().int().positive() }),
  z.strictObject({ p: z.literal('unsubscribe'), u: z.uuid(), t: z.uuid().optional() }),
]);

/** Signs and verifies tokens with keys derived from `secret`. */
export interface TokenSigner {
  sign(payload: TokenPayload): string;
  /** The payload of a valid, unexpired token of `purpose`; throws InvalidInputError otherwise. */
  verify<P extends TokenPayload['p']>(token: string, purpose: P, nowMs?: number): Extract<TokenPayload, { p: P }>;
  /** A short keyed hash of a value (binds a verify token to the address it was sent to). */
  fingerprint(value: string): string;
}

/** A signer for `secret` (at least 16 characters). */
export function createTokenSigner(secret: string): TokenSigner {
  const key = (purpose: string): Buffer => createHmac('sha256', secret).update(`dromedary:${purpose}:v1`).digest();
  const keys = { verify: key('verify'), unsubscribe: key('unsubscribe'), fingerprint: key('fingerprint') };
  const mac = (purpose: TokenPayload['p'], body: string): Buffer => createHmac('sha256', keys[purpose]).update(body).digest();
  return {
    sign(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(payload.p, body).toString('base64url')}`;
    },
    verify(token, purpose, nowMs = Date.now()) {
      const invalid = (why: string): InvalidInputError => new InvalidInputError(`invalid or expired link: ${why}`, [`token: ${why}`]);
      if (typeof token !== 'string' || token.length > 1000) throw invalid('malformed');
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined) throw invalid('malformed');
      const expected = mac(purpose, body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature');
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch (err) {
        throw new InvalidInputError('invalid or expired link: malformed', ['token: malformed'], { cause: err });
      }
      const parsed = payloadSchema.safeParse(json);
      if (!parsed.success || parsed.data.p !== purpose) throw invalid('malformed');
      if ('exp' in parsed.data && parsed.data.exp * 1000 < nowMs) throw invalid('expired');
      return parsed.data as Extract<TokenPayload, { p: typeof purpose }>;
    },
    fingerprint: (value) => createHmac('sha256', keys.fingerprint).update(value).digest('base64url').slice(0, 16),
  };
}
