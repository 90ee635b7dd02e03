/**
 * The alert semantics end to end through the real path: observations appended to the ingestion
 * stream, the real ingester, ClickHouse's price_changes view, the alerter, nodemailer and a real SMTP
 * server. One product and one user per guarantee.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alerter, startAlerter } from '../../alerts/index.js';
import { silentLogger } from '../../runtime/index.js';
import { selectRows } from '../../storage/index.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { type AlertsEnv, startAlertsEnv, testAsin, waitJudged } from './alerts-fixtures.js';

let env: AlertsEnv;
let alerter: Alerter;
const HOURS_7 = 7 * 3_600_000;

beforeAll(async () => {
  env = await startAlertsEnv();
  alerter = await startAlerter({ clickhouse: env.clickhouse, redis: env.redis, config: env.config, logger: silentLogger(), registry: env.registry, marketplaces: ['us'], mailer: env.mailer });
});

afterAll(async () => {
  await alerter?.close();
  await env?.close();
  removeTempDirs();
});

/** Alert emails (not the verification one) received by `email`, parsed. */
async function alerts(email: string): Promise<{ subject: string; text: string }[]> {
  await waitJudged(env, alerter);
  const parsed = await Promise.all(env.mailsTo(email).map((m) => env.smtp.parse(m)));
  return parsed.filter((p) => !p.subject?.startsWith('Confirm')).map((p) => ({ subject: p.subject ?? '', text: p.text ?? '' }));
}

async function trackingFor(email: string, rules: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ userId: string; asin: string; trackingId: string }> {
  const userId = await env.verifiedUser(email);
  const asin = testAsin();
  const t = await env.accounts.track(userId, { marketplace: 'us', asin, rules, ...extra });
  return { userId, asin, trackingId: t.trackingId };
}

describe('detection', () => {
  it('fires once when the price crosses to or below the target, not on every check while it stays there', async () => {
    const { asin, userId, trackingId } = await trackingFor('cross@example.com', { targetPrice: 1000 });
    for (const price of [1200, 1100]) await env.feed.price(asin, { new: price });
    expect(await alerts('cross@example.com')).toHaveLength(0);
    await env.feed.price(asin, { new: 950 });
    await env.feed.price(asin, { new: 900 });
    await env.feed.price(asin, { new: 920 });
    const got = await alerts('cross@example.com');
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('$9.50');
    expect(got[0]!.text).toContain('$11.00');
    // The user's alert list (the feed) has it once, delivered by email.
    const feed = await env.accounts.listAlerts(userId);
    expect(feed).toEqual([expect.objectContaining({ trackingId, asin, price: 950, previousPrice: 1100, reasons: ['target'], deliveries: { email: 'sent' } })]);
    const [item] = (await env.accounts.listTrackings(userId)).items;
    expect(item).toMatchObject({ latestPrice: { price: 920, series: 'new', currency: 'USD' }, lastAlert: { price: 950 }, channelHealth: [{ channel: 'email', lastState: 'sent', consecutiveFailures: 0 }] });
  });

  it('re-arms when the price leaves the rule: the next crossing (after the cooldown) alerts again', async () => {
    const { asin } = await trackingFor('rearm@example.com', { targetPrice: 1000 });
    await env.feed.price(asin, { new: 1200 });
    await env.feed.price(asin, { new: 950 });
    await env.feed.price(asin, { new: 1100 });
    env.feed.nextTime(HOURS_7);
    await env.feed.price(asin, { new: 940 });
    const got = await alerts('rearm@example.com');
    expect(got.map((a) => /New price: (\S+)/.exec(a.text)?.[1])).toEqual(['$9.50', '$9.40']);
  });

  it('a price bouncing around the target within the cooldown sends one alert', async () => {
    const { asin } = await trackingFor('bounce@example.com', { targetPrice: 1000 });
    await env.feed.price(asin, { new: 1200 });
    for (const price of [950, 1100, 940, 1050, 930, 1020, 920]) await env.feed.price(asin, { new: price });
    expect(await alerts('bounce@example.com')).toHaveLength(1);
  });

  it('never alerts the same price twice in a row, even after the cooldown', async () => {
    const { asin } = await trackingFor('same@example.com', { targetPrice: 1000 });
    await env.feed.price(asin, { new: 1200 });
    await env.feed.price(asin, { new: 950 });
    await env.feed.price(asin, { new: 1100 });
    env.feed.nextTime(HOURS_7);
    await env.feed.price(asin, { new: 950 });
    expect(await alerts('same@example.com')).toHaveLength(1);
  });

  it('a failed check (CAPTCHA, blocked, parse failure, timeout) is not a price: it reaches no price table and alerts nobody', async () => {
    const { asin } = await trackingFor('failed@example.com', { targetPrice: 1000, backInStock: true, dropPercent: 5 });
    await env.feed.price(asin, { new: 1200 });
    const failures = (['captcha', 'blocked', 'parse_failure', 'timeout'] as const).map((o) => env.feed.failure(asin, o));
    await env.feed.send([], failures);
    const count = async (table: string): Promise<number> =>
      Number((await selectRows<{ n: string }>(env.clickhouse, `SELECT count() AS n FROM ${table} WHERE asin = {a:String}`, { a: asin }))[0]?.n);
    expect(await count('crawl_outcomes')).toBe(4);
    expect(await count('price_points')).toBe(1);
    expect(await count('price_changes')).toBe(0);
    expect(await alerts('failed@example.com')).toHaveLength(0);
    // The next real check compares with the last real price, not with the failures.
    await env.feed.price(asin, { new: 1190 });
    expect(await alerts('failed@example.com')).toHaveLength(0);
  });

  it('a new tracking whose rule already holds gets exactly one alert', async () => {
    const userId = await env.verifiedUser('holds@example.com');
    const asin = testAsin();
    await env.feed.price(asin, { new: 1500 });
    await env.feed.price(asin, { new: 900 });
    const t = await env.accounts.track(userId, { marketplace: 'us', asin, rules: { targetPrice: 1000 } });
    expect(t.alertedNow).toBe(true);
    await env.feed.price(asin, { new: 900 });
    await env.feed.price(asin, { new: 880 });
    const got = await alerts('holds@example.com');
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('$9.00');
  });

  it('an unverified address gets no alert', async () => {
    const { user } = await env.accounts.signUp({ email: 'unverified@example.com' });
    const asin = testAsin();
    await env.accounts.track(user.userId, { marketplace: 'us', asin, rules: { targetPrice: 1000 } });
    await env.feed.price(asin, { new: 1200 });
    await env.feed.price(asin, { new: 900 });
    expect(await alerts('unverified@example.com')).toHaveLength(0);
    expect(env.mailsTo('unverified@example.com')).toHaveLength(1);
  });

  it('after a one-click unsubscribe no alert email is sent', async () => {
    const { asin } = await trackingFor('unsub@example.com', { targetPrice: 1000 });
    await env.feed.price(asin, { new: 1200 });
    await env.feed.price(asin, { new: 950 });
    expect(await alerts('unsub@example.com')).toHaveLength(1);
    const raw = env.mailsTo('unsub@example.com').at(-1)!.raw.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
    const token = /^List-Unsubscribe: <[^>]*token=([^>&]+)>/im.exec(raw)?.[1];
    expect(token).toBeTruthy();
    await env.accounts.unsubscribe(decodeURIComponent(token!));
    await env.feed.price(asin, { new: 1100 });
    env.feed.nextTime(HOURS_7);
    await env.feed.price(asin, { new: 800 });
    expect(await alerts('unsub@example.com')).toHaveLength(1);
  });

  it('drop rule: a drop of at least X % from the last price fires, a smaller one does not', async () => {
    const { asin } = await trackingFor('drop@example.com', { dropPercent: 10 });
    await env.feed.price(asin, { new: 10_000 });
    await env.feed.price(asin, { new: 9_500 });
    expect(await alerts('drop@example.com')).toHaveLength(0);
    await env.feed.price(asin, { new: 8_500 });
    const got = await alerts('drop@example.com');
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('Drop: $10.00 (10.5 %)');
  });

  it('all-time low and back in stock fire on their events', async () => {
    const { asin } = await trackingFor('events@example.com', { allTimeLow: true, backInStock: true });
    await env.feed.price(asin, { new: 2000 });
    await env.feed.price(asin, { new: 1800 });
    await env.feed.price(asin, { new: 2100 });
    expect(await alerts('events@example.com')).toHaveLength(1);
    env.feed.nextTime(HOURS_7);
    await env.feed.price(asin, { new: null });
    await env.feed.price(asin, { new: 2050 });
    const got = await alerts('events@example.com');
    expect(got.map((g) => g.subject.split(' ')[0])).toEqual(['All-time', 'Back']);
  });

  it('condition any judges the cheapest of new, used and refurbished at each check', async () => {
    const { asin } = await trackingFor('any@example.com', { targetPrice: 1000 }, { condition: 'any' });
    await env.feed.price(asin, { new: 1500, used: 1200, refurbished: 1300 });
    await env.feed.price(asin, { new: 1400, used: 1200, refurbished: 1300 });
    expect(await alerts('any@example.com')).toHaveLength(0);
    await env.feed.price(asin, { new: 1400, used: 990, refurbished: 1300 });
    await env.feed.price(asin, { new: 980, used: 990, refurbished: 1300 });
    const got = await alerts('any@example.com');
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('$9.90');
  });

  it('amazonOnly judges the amazon series only', async () => {
    const { asin } = await trackingFor('amazon@example.com', { targetPrice: 1000 }, { amazonOnly: true });
    await env.feed.price(asin, { new: 1200, amazon: 1300 });
    await env.feed.price(asin, { new: 900, amazon: 1300 });
    expect(await alerts('amazon@example.com')).toHaveLength(0);
    await env.feed.price(asin, { new: 900, amazon: 999 });
    expect(await alerts('amazon@example.com')).toHaveLength(1);
  });
});
