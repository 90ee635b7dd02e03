/**
 * Webhook delivery: a JSON POST signed with the tracking's secret. Receivers check
 * `Dromedary-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (reject old
 * timestamps to stop replays) and deduplicate on `Dromedary-Idempotency-Key` — a retry after a lost
 * response carries the same key. A 2xx answer is success; 408, 429 and 5xx are retried, any other
 * 4xx is permanent.
 */
import { createHmac } from 'node:crypto';
import { DeliveryError } from './errors.js';

/** The signature header value for `body` sent at `timestampSec`. */
export function webhookSignature(secret: string, timestampSec: number, body: string): string {
  return `t=${timestampSec},v1=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

/** Checks a signature header (constant-time compare, `toleranceSec` of clock skew). */
export function verifyWebhookSignature(secret: string, header: string, body: string, nowSec = Math.floor(Date.now() / 1000), toleranceSec = 300): boolean {
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1 || Math.abs(nowSec - Number(t)) > toleranceSec) return false;
  const expected = webhookSignature(secret, Number(t), body).split('v1=')[1] ?? '';
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= expected.charCodeAt(i) ^ v1.charCodeAt(i);
  return diff === 0;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  /** The delivery's idempotency key. */
  idempotencyKey: string;
  body: unknown;
  /** Per request, ms. Default 10,000. */
  timeoutMs?: number;
}

/** POSTs a signed webhook; resolves when the receiver answered 2xx (epoch ms then). */
export async function postWebhook(request: WebhookRequest): Promise<{ acceptedAt: number; status: number }> {
  const body = JSON.stringify(request.body);
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Dromedary-Webhook/1',
        'dromedary-signature': webhookSignature(request.secret, timestamp, body),
        'dromedary-idempotency-key': request.idempotencyKey,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new DeliveryError(`webhook: ${(err as Error).message}`.slice(0, 300), false, { cause: err });
  }
  // Drain the body: the connection is reused and nothing of the answer is kept.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { acceptedAt: Date.now(), status: response.status };
  const retry = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new DeliveryError(`webhook: HTTP ${response.status}`, !retry);
}
