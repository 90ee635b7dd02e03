/**
 * Users and trackings as the API will call them: double opt-in, tokens, ownership enforced by the
 * service itself, bad input refused with nothing changed, and the crawl shared by every tracker of a
 * product (catalog, schedule, tracker count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidInputError, NotFoundError, createTokenSigner } from '../../alerts/index.js';
import { catalogEntries, selectRows, trackingCounts } from '../../storage/index.js';
import { removeTempDirs } from '../helpers/temp-dir.js';
import { type AlertsEnv, startAlertsEnv, testAsin } from './alerts-fixtures.js';

let env: AlertsEnv;

beforeAll(async () => {
  env = await startAlertsEnv({ ingester: false });
});

afterAll(async () => {
  await env?.close();
  removeTempDirs();
});

const rows = async (table: string): Promise<number> => Number((await selectRows<{ n: string }>(env.clickhouse, `SELECT count() AS n FROM ${table}`))[0]?.n);

describe('sign-up and verification', () => {
  it('mails a signed double opt-in link; the link verifies the address once, a tampered or foreign token is refused', async () => {
    const first = await env.accounts.signUp({ email: '  Alice@Example.COM ' });
    expect(first).toMatchObject({ created: true, verificationSent: true, user: { email: 'alice@example.com', verified: false } });
    const again = await env.accounts.signUp({ email: 'alice@example.com' });
    expect(again.created).toBe(false);
    expect(again.user.userId).toBe(first.user.userId);
    const mail = await env.smtp.parse(env.mailsTo('alice@example.com')[0]!);
    const link = /(https:\/\/dromedary\.test\/verify\?token=\S+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    const token = decodeURIComponent(new URL(link!).searchParams.get('token')!);
    await expect(env.accounts.verifyEmail(`${token.slice(0, -2)}xx`)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(env.accounts.verifyEmail(createTokenSigner('some-other-secret-value').sign({ p: 'verify', u: first.user.userId, h: 'x'.repeat(16), exp: 9e9 }))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect((await env.accounts.verifyEmail(token)).verified).toBe(true);
    expect((await env.accounts.verifyEmail(token)).verified).toBe(true);
    // An unsubscribe token never passes as a verify token (keys differ per purpose).
    const unsub = new URL(env.accounts.unsubscribeUrl(first.user.userId)).searchParams.get('token')!;
    await expect(env.accounts.verifyEmail(unsub)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses an expired verification link', () => {
    const signer = createTokenSigner('0123456789abcdef0123');
    const token = signer.sign({ p: 'verify', u: '6a6c51d5-ff74-4674-9d96-927053fd2198', h: signer.fingerprint('x@example.com'), exp: Math.floor(Date.now() / 1000) - 1 });
    expect(() => signer.verify(token, 'verify')).toThrow(/expired/);
  });

  it('refuses a malformed address and writes nothing', async () => {
    const before = await rows('users');
    for (const email of ['', 'not-an-email', 'a@b', `${'x'.repeat(300)}@example.com`]) {
      await expect(env.accounts.signUp({ email })).rejects.toBeInstanceOf(InvalidInputError);
    }
    expect(await rows('users')).toBe(before);
  });
});

describe('trackings', () => {
  it('a user sees and changes only their own trackings (403), unknown ones are 404', async () => {
    const alice = await env.verifiedUser('owner@example.com');
    const mallory = await env.verifiedUser('mallory@example.com');
    const t = await env.accounts.track(alice, { marketplace: 'us', asin: testAsin(), rules: { targetPrice: 1000 } });
    await expect(env.accounts.getTracking(mallory, t.trackingId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(env.accounts.updateTracking(mallory, t.trackingId, { rules: { targetPrice: 1 } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(env.accounts.deleteTracking(mallory, t.trackingId)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await env.accounts.listTrackings(mallory)).total).toBe(0);
    expect((await env.accounts.getTracking(alice, t.trackingId)).rules.targetPrice).toBe(1000);
    await expect(env.accounts.getTracking(alice, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(env.accounts.getTracking(alice, 'not-a-uuid')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(env.accounts.track('00000000-0000-4000-8000-000000000000', { marketplace: 'us', asin: testAsin(), rules: { targetPrice: 1 } })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses bad input with every problem named and changes nothing', async () => {
    const user = await env.verifiedUser('bad-input@example.com');
    const before = await rows('trackings');
    const bad: unknown[] = [
      { marketplace: 'zz', asin: testAsin(), rules: { targetPrice: 1 } },
      { marketplace: 'us', asin: 'B0SHORT', rules: { targetPrice: 1 } },
      { marketplace: 'us', asin: testAsin(), rules: {} },
      { marketplace: 'us', asin: testAsin(), rules: { targetPrice: -5 } },
      { marketplace: 'us', asin: testAsin(), rules: { dropPercent: 150 } },
      { marketplace: 'us', asin: testAsin(), condition: 'refurbished', amazonOnly: true, rules: { targetPrice: 1 } },
      { marketplace: 'us', asin: testAsin(), rules: { targetPrice: 1 }, channels: { webhookUrl: 'ftp://example.com/x' } },
      { marketplace: 'us', asin: testAsin(), rules: { targetPrice: 1 }, channels: { webhookUrl: 'https://user:pw@example.com/x' } },
      { marketplace: 'us', asin: testAsin(), rules: { targetPrice: 1 }, extra: true },
    ];
    for (const input of bad) await expect(env.accounts.track(user, input as never)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await rows('trackings')).toBe(before);
  });

  it('many trackers of one product share one crawl: catalog once, schedule once, tracker count follows', async () => {
    const asin = testAsin();
    const users = await Promise.all(['share1@example.com', 'share2@example.com', 'share3@example.com'].map((e) => env.verifiedUser(e)));
    const made = [];
    for (const u of users) made.push(await env.accounts.track(u, { marketplace: 'us', asin, rules: { targetPrice: 1000 } }));
    expect((await catalogEntries(env.clickhouse, { marketplace: 'us', asins: [asin] })).map((e) => e.state)).toEqual(['active']);
    expect((await env.coordinator.inspect('us', asin))?.dueAt).not.toBeNull();
    const trackers = async (): Promise<number> => (await env.coordinator.inspect('us', asin))?.trackers ?? -1;
    expect(await trackers()).toBe(3);
    await env.accounts.deleteTracking(users[0]!, made[0]!.trackingId);
    expect(await trackers()).toBe(2);
    expect((await trackingCounts(env.clickhouse, { marketplace: 'us', asins: [asin] })).get(asin)).toBe(2);
  });

  it('lists a user\'s trackings page by page, newest first, with latest price, channel health and last alert', async () => {
    const user = await env.verifiedUser('lister@example.com');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await env.accounts.track(user, { marketplace: 'de', asin: testAsin(), rules: { dropPercent: 10 } })).trackingId);
    const page1 = await env.accounts.listTrackings(user, { limit: 2, offset: 0 });
    const page3 = await env.accounts.listTrackings(user, { limit: 2, offset: 4 });
    expect(page1.total).toBe(5);
    expect(page1.items.map((i) => i.trackingId)).toEqual([ids[4], ids[3]]);
    expect(page3.items.map((i) => i.trackingId)).toEqual([ids[0]]);
    expect(page1.items[0]).toMatchObject({ latestPrice: null, channelHealth: [], lastAlert: null, rules: { dropPercent: 10 } });
    await expect(env.accounts.listTrackings(user, { limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('changes and deletes a tracking (new versions; a deleted one is gone)', async () => {
    const user = await env.verifiedUser('editor@example.com');
    const t = await env.accounts.track(user, { marketplace: 'us', asin: testAsin(), rules: { targetPrice: 1000 } });
    const changed = await env.accounts.updateTracking(user, t.trackingId, { rules: { targetPrice: 800, backInStock: true }, channels: { webhookUrl: 'https://hooks.example.com/x' } });
    expect(changed.rules).toMatchObject({ targetPrice: 800, backInStock: true });
    expect(changed.channels.webhookSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await env.accounts.getTracking(user, t.trackingId)).rules.targetPrice).toBe(800);
    await env.accounts.deleteTracking(user, t.trackingId);
    await expect(env.accounts.getTracking(user, t.trackingId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await env.accounts.listTrackings(user)).total).toBe(0);
  });
});

