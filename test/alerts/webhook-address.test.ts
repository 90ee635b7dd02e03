/**
 * Webhook URLs are chosen by users: by default the alerter refuses to POST to loopback, private,
 * link-local and other non-public addresses (a permanent failure, no request made), and does so only
 * when alerts.webhookPrivateAddresses allows it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, isNonPublicAddress, postWebhook } from '../../alerts/index.js';

let received = 0;
const server = createServer((req, res) => {
  received++;
  req.resume();
  res.end();
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const request = (url: string, allowPrivateAddresses?: boolean) => ({ url, secret: 'a-secret-of-sixteen', idempotencyKey: 'k1', body: { x: 1 }, allowPrivateAddresses });

describe('webhook addresses', () => {
  it('classifies loopback, private, link-local, shared, mapped and unique-local addresses as non-public', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111']) expect(isNonPublicAddress(a), a).toBe(false);
  });

  it('refuses a loopback receiver by address and by name, permanently, without sending anything', async () => {
    for (const url of [`http://127.0.0.1:${port}/hook`, `http://localhost:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`]) {
      const err = await postWebhook(request(url)).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).permanent).toBe(true);
      expect((err as Error).message).toMatch(/non-public address/);
    }
    expect(received).toBe(0);
  });

  it('delivers to a loopback receiver when private addresses are allowed', async () => {
    const answer = await postWebhook(request(`http://127.0.0.1:${port}/hook`, true));
    expect(answer.status).toBe(200);
    expect(received).toBe(1);
  });
});
