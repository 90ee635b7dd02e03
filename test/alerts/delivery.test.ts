/**
 * Delivery: the email (MIME decoded: prices, drop, chart PNG, links, List-Unsubscribe one-click),
 * webhooks (HMAC signature, retries with back-off), each delivery's recorded life in ClickHouse, and a
 * failing channel visible in the tracking list and in the metrics.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alerter, startAlerter, verifyWebhookSignature } from '../../alerts/index.js';
import { silentLogger } from '../../runtime/index.js';
import { type AlertRecord, alertsByIds, selectRows } from '../../storage/index.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { type AlertsEnv, startAlertsEnv, testAsin, waitJudged } from './alerts-fixtures.js';

let env: AlertsEnv;
let alerter: Alerter;
let hooks: Server;
let hookUrl = '';
const hookRequests: { path: string; headers: IncomingMessage['headers']; body: string; at: number }[] = [];
/** Status the webhook receiver answers per path (default 200). */
const hookStatus = new Map<string, number[]>();

beforeAll(async () => {
  // The test's webhook receiver listens on loopback, which only this setting lets webhooks reach.
  env = await startAlertsEnv({ flags: { alerts: { retryBaseMs: 150, retryMaxMs: 1_000, maxAttempts: 4, webhookPrivateAddresses: true } } });
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookRequests.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const statuses = hookStatus.get(req.url ?? '') ?? [];
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
  const address = hooks.address();
  hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  alerter = await startAlerter({ clickhouse: env.clickhouse, redis: env.redis, config: env.config, logger: silentLogger(), registry: env.registry, marketplaces: ['us'], mailer: env.mailer, upkeepMs: 200, reconcileAgeMs: 500 });
});

afterAll(async () => {
  await alerter?.close();
  await new Promise<void>((resolve) => hooks?.close(() => resolve()));
  await env?.close();
  removeTempDirs();
});

async function deliveries(trackingId: string): Promise<AlertRecord[]> {
  const ids = await selectRows<{ alert_id: string }>(env.clickhouse, 'SELECT DISTINCT alert_id FROM alerts WHERE tracking_id = toUUID({t:String})', { t: trackingId });
  return [...(await alertsByIds(env.clickhouse, ids.map((r) => r.alert_id))).values()];
}

describe('email delivery', () => {
  it('carries the product, old and new price, the drop, a 90-day chart PNG, links and a working one-click unsubscribe', async () => {
    const userId = await env.verifiedUser('mail@example.com');
    const asin = testAsin();
    const t = await env.accounts.track(userId, { marketplace: 'us', asin, rules: { dropPercent: 5 } });
    await env.feed.price(asin, { new: 129_999 });
    await env.feed.price(asin, { new: 99_999 });
    await waitJudged(env, alerter);
    const mails = env.mailsTo('mail@example.com');
    const mail = await env.smtp.parse(mails.at(-1)!);
    expect(mail.subject).toContain('$999.99');
    expect(mail.text).toContain('New price: $999.99');
    expect(mail.text).toContain('Previous price: $1,299.99');
    expect(mail.text).toContain('Drop: $300.00 (23.1 %)');
    expect(mail.text).toContain(`https://dromedary.test/products/us/${asin}`);
    expect(mail.text).toContain(`/dp/${asin}`);
    expect(mail.html).toContain('cid:price-chart@dromedary');
    const png = mail.attachments.find((a) => a.contentType === 'image/png');
    expect(png?.cid).toBe('price-chart@dromedary');
    expect(png!.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png!.content.readUInt32BE(16)).toBe(600);
    expect(png!.content.readUInt32BE(20)).toBe(300);
    const raw = mails.at(-1)!.raw.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const link = /^List-Unsubscribe: <(https:\/\/dromedary\.test\/unsubscribe\?token=[^>]+)>/m.exec(raw)?.[1];
    expect(link).toBeDefined();
    // The delivery's life is recorded: sent, one attempt, latency measured from ingestion.
    const [d] = await deliveries(t.trackingId);
    expect(d).toMatchObject({ state: 'sent', attempts: 1, channel: 'email', price: 99_999, previousPrice: 129_999 });
    expect(d!.sentAt! - d!.ingestedAt).toBeGreaterThanOrEqual(0);
    expect(d!.sentAt! - d!.ingestedAt).toBeLessThan(30_000);
    // One click: the link's token unsubscribes the address.
    const token = decodeURIComponent(new URL(link!).searchParams.get('token')!);
    expect(await env.accounts.unsubscribe(token)).toEqual({ userId, trackingId: null });
    expect((await env.accounts.getUser(userId)).unsubscribed).toBe(true);
    expect((await env.registry.getSingleMetricAsString('dromedary_alerts_sent_total'))).toMatch(/channel="email"} [1-9]/);
  });

  it('retries a temporary SMTP refusal with back-off and records every attempt', async () => {
    const userId = await env.verifiedUser('retry@example.com');
    const asin = testAsin();
    const t = await env.accounts.track(userId, { marketplace: 'us', asin, rules: { targetPrice: 500 } });
    await env.feed.price(asin, { new: 700 });
    env.smtp.refuse(451);
    try {
      await env.feed.price(asin, { new: 450 });
      await waitFor('two failed attempts', async () => ((await deliveries(t.trackingId))[0]?.attempts ?? 0) >= 2, { timeoutMs: 15_000 });
      const failing = await env.accounts.listTrackings(userId);
      const health = failing.items.find((i) => i.trackingId === t.trackingId)?.channelHealth.find((h) => h.channel === 'email');
      expect(health?.consecutiveFailures).toBeGreaterThanOrEqual(1);
      expect(health?.lastError).toContain('451');
    } finally {
      env.smtp.refuse(null);
    }
    await waitFor('the retried email', () => env.mailsTo('retry@example.com').length === 2, { timeoutMs: 15_000 });
    const [d] = await deliveries(t.trackingId);
    expect(d?.state).toBe('sent');
    expect(d?.attempts).toBeGreaterThanOrEqual(3);
  });

  it('gives up at once on a permanent (5xx) refusal and shows the failing channel', async () => {
    const userId = await env.verifiedUser('bounce5xx@example.com');
    const asin = testAsin();
    const t = await env.accounts.track(userId, { marketplace: 'us', asin, rules: { targetPrice: 500 } });
    await env.feed.price(asin, { new: 700 });
    env.smtp.refuse(550);
    try {
      await env.feed.price(asin, { new: 450 });
      await waitFor('the failed delivery', async () => (await deliveries(t.trackingId))[0]?.state === 'failed', { timeoutMs: 15_000 });
    } finally {
      env.smtp.refuse(null);
    }
    expect((await deliveries(t.trackingId))[0]).toMatchObject({ attempts: 1, state: 'failed' });
    const list = await env.accounts.listTrackings(userId);
    const item = list.items.find((i) => i.trackingId === t.trackingId);
    expect(item?.channelHealth).toEqual([expect.objectContaining({ channel: 'email', lastState: 'failed', consecutiveFailures: 1 })]);
    expect(await env.registry.getSingleMetricAsString('dromedary_alerts_failed_total')).toMatch(/channel="email"} [1-9]/);
  });
});

describe('a lost delivery queue', () => {
  it('puts pending deliveries back from ClickHouse when Redis lost them, and sends each once', async () => {
    const userId = await env.verifiedUser('lostqueue@example.com');
    const asin = testAsin();
    const t = await env.accounts.track(userId, { marketplace: 'us', asin, rules: { targetPrice: 500 } });
    await env.feed.price(asin, { new: 700 });
    env.smtp.refuse(451);
    try {
      await env.feed.price(asin, { new: 480 });
      await waitFor('a failed attempt', async () => ((await deliveries(t.trackingId))[0]?.attempts ?? 0) >= 1, { timeoutMs: 15_000 });
      // Redis loses the alerts' queue: what was due, in flight and known.
      await env.redis.del(env.keys.alerts.due, env.keys.alerts.inflight, env.keys.alerts.known('us'));
    } finally {
      env.smtp.refuse(null);
    }
    await waitFor('the email after the queue was rebuilt', () => env.mailsTo('lostqueue@example.com').length === 2, { timeoutMs: 15_000 });
    await waitJudged(env, alerter);
    expect(env.mailsTo('lostqueue@example.com')).toHaveLength(2);
    expect((await deliveries(t.trackingId))[0]?.state).toBe('sent');
  });
});

describe('webhook delivery', () => {
  it('posts signed JSON, retries 5xx with growing delays, and keeps one idempotency key', async () => {
    const userId = await env.verifiedUser('hook@example.com');
    const asin = testAsin();
    hookStatus.set('/hook-a', [503, 500]);
    const t = await env.accounts.track(userId, {
      marketplace: 'us',
      asin,
      rules: { targetPrice: 2_000 },
      channels: { email: false, webhookUrl: `${hookUrl}/hook-a` },
    });
    expect(t.channels.webhookSecret).toBeTruthy();
    await env.feed.price(asin, { new: 2_500 });
    await env.feed.price(asin, { new: 1_999 });
    await waitFor('three webhook requests', () => hookRequests.filter((r) => r.path === '/hook-a').length === 3, { timeoutMs: 15_000 });
    const got = hookRequests.filter((r) => r.path === '/hook-a');
    for (const r of got) expect(verifyWebhookSignature(t.channels.webhookSecret!, String(r.headers['dromedary-signature']), r.body)).toBe(true);
    expect(verifyWebhookSignature('another-secret-of-length', String(got[0]!.headers['dromedary-signature']), got[0]!.body)).toBe(false);
    expect(new Set(got.map((r) => r.headers['dromedary-idempotency-key'])).size).toBe(1);
    const body = JSON.parse(got[2]!.body);
    expect(body).toMatchObject({ asin, price: 1_999, previousPrice: 2_500, currency: 'USD', priceFormatted: '$19.99', reasons: ['target'] });
    const gap1 = got[1]!.at - got[0]!.at;
    const gap2 = got[2]!.at - got[1]!.at;
    expect(gap1).toBeGreaterThanOrEqual(100);
    expect(gap2).toBeGreaterThan(gap1 * 1.3);
    await waitFor('the sent record', async () => (await deliveries(t.trackingId))[0]?.state === 'sent');
    // Email was off for this tracking: the only message is the address confirmation.
    expect(env.mailsTo('hook@example.com')).toHaveLength(1);
  });
});
