/**
 * Webhook delivery: a JSON POST signed with the tracking's secret. Receivers check
 * `Dromedary-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (reject old
 * timestamps to stop replays) and deduplicate on `Dromedary-Idempotency-Key` — a retry after a lost
 * response carries the same key. A 2xx answer is success; 408, 429 and 5xx are retried, any other
 * 4xx is permanent.
 */
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DeliveryError } from './errors.js';

/** Addresses a webhook may not reach unless allowed: loopback, private, link-local, shared, reserved. */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` (IPv4 or IPv6, IPv4-mapped included) is outside the public internet. */
export function isNonPublicAddress(address: string): boolean {
  // IPv4-mapped IPv6 (::ffff:a.b.c.d, or ::ffff:abcd:ef01 as URLs normalise it) is judged as IPv4.
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return NON_PUBLIC.check(dotted, 'ipv4');
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return NON_PUBLIC.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  const family = isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Throws a permanent DeliveryError when `url`'s host is or resolves to a non-public address. (A name
 * that resolves differently between this check and the request is not caught; receivers that must
 * be reachable only on a private network need alerts.webhookPrivateAddresses.)
 */
async function assertPublicHost(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (err) {
    throw new DeliveryError(`webhook: cannot resolve ${host}: ${(err as Error).message}`.slice(0, 300), false, { cause: err });
  }
  const blocked = addresses.find(isNonPublicAddress);
  if (blocked !== undefined) throw new DeliveryError(`webhook: ${host} is a non-public address (${blocked}); see alerts.webhookPrivateAddresses`, true);
}

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
  /** Allow loopback, private and other non-public addresses (config alerts.webhookPrivateAddresses). Default false. */
  allowPrivateAddresses?: boolean;
}

/** POSTs a signed webhook; resolves when the receiver answered 2xx (epoch ms then). */
export async function postWebhook(request: WebhookRequest): Promise<{ acceptedAt: number; status: number }> {
  if (!request.allowPrivateAddresses) await assertPublicHost(request.url);
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
