/**
 * Tokens and isolation between users: every route that reads or changes a user's trackings, alerts
 * or tokens answers 403 to another user's token (and changes nothing), 401 without a valid token,
 * and serves the owner and the admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../alerts/index.js';
import { ADMIN, type ApiEnv, SECRET, daily, json, signUp, startApiEnv, writeHistory } from './api-fixture.js';

let env: ApiEnv;
let alice: Awaited<ReturnType<typeof signUp>>;
let bob: Awaited<ReturnType<typeof signUp>>;
let aliceTracking: string;

beforeAll(async () => {
  env = await startApiEnv();
  await writeHistory(env.clickhouse, { asin: 'B0ISOLATE1', title: 'Kettle' }, { new: daily(40, 60, () => 3_000) });
  alice = await signUp(env.app, 'alice@example.com');
  bob = await signUp(env.app, 'bob@example.com');
  const tracked = await env.app.inject({
    method: 'POST',
    url: '/api/v1/products/track',
    headers: alice.auth,
    payload: { marketplace: 'us', asin: 'B0ISOLATE1', condition: 'new', rules: { targetPrice: 2_500 } },
  });
  expect(tracked.statusCode, tracked.body).toBe(201);
  aliceTracking = json<{ trackingId: string }>(tracked).trackingId;
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('sign-up and tokens', () => {
  it('gives a new user a token once, and none for an address already registered', async () => {
    const again = await env.app.inject({ method: 'POST', url: '/api/v1/users', payload: { email: 'ALICE@example.com ' } });
    expect(again.statusCode).toBe(200);
    expect(json(again)).toMatchObject({ created: false, token: null, user: { userId: alice.userId } });
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: alice.auth });
    expect(json(me)).toMatchObject({ userId: alice.userId, email: 'alice@example.com', verified: false });
  });

  it('stores only a hash of each token', async () => {
    const result = await env.clickhouse.query({ query: 'SELECT token_hash FROM api_tokens', format: 'JSONEachRow' });
    const hashes = (await result.json<{ token_hash: string }>()).map((r) => r.token_hash);
    expect(hashes.length).toBeGreaterThanOrEqual(2);
    for (const h of hashes) {
      expect(h).toMatch(/^[0-9a-f]{64}$/);
      expect(h).not.toContain(alice.token.slice(4, 20));
    }
  });

  it('creates, lists and revokes tokens; a revoked token stops working at once', async () => {
    const created = await env.app.inject({ method: 'POST', url: `/api/v1/users/${alice.userId}/tokens`, headers: alice.auth, payload: { name: 'laptop' } });
    expect(created.statusCode).toBe(201);
    const { token, info } = json<{ token: string; info: { tokenId: string } }>(created);
    const second = { authorization: `Bearer ${token}` };
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: second })).statusCode).toBe(200);
    const list = json<{ items: { tokenId: string; name: string }[] }>(await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/tokens`, headers: alice.auth }));
    expect(list.items.map((t) => t.name).sort()).toEqual(['laptop', 'sign-up']);
    expect(JSON.stringify(list)).not.toContain(token);
    const revoked = await env.app.inject({ method: 'DELETE', url: `/api/v1/users/${alice.userId}/tokens/${info.tokenId}`, headers: alice.auth });
    expect(revoked.statusCode).toBe(204);
    const after = await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: second });
    expect(after.statusCode).toBe(401);
    expect(json(after)).toMatchObject({ error: 'unauthorized' });
    // Another API process (its own app, no shared memory) refuses it too.
    const other = await env.another();
    expect((await other.app.inject({ method: 'GET', url: '/api/v1/me', headers: second })).statusCode).toBe(401);
    expect((await other.app.inject({ method: 'GET', url: '/api/v1/me', headers: alice.auth })).statusCode).toBe(200);
  });

  it('refuses missing, malformed and unknown tokens with 401', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer ', 'Bearer drm_unknownunknownunknownunknownunknownunknow1', `Bearer ${alice.token}x`]) {
      const response = await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/trackings`, headers: authorization ? { authorization } : {} });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(json(response)).toMatchObject({ error: 'unauthorized' });
    }
  });
});

describe('isolation between users', () => {
  const routes = (): { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object }[] => [
    { method: 'GET', url: `/api/v1/users/${alice.userId}` },
    { method: 'POST', url: `/api/v1/users/${alice.userId}/verification` },
    { method: 'GET', url: `/api/v1/users/${alice.userId}/trackings` },
    { method: 'GET', url: `/api/v1/users/${alice.userId}/alerts` },
    { method: 'GET', url: `/api/v1/users/${alice.userId}/alerts.rss` },
    { method: 'POST', url: `/api/v1/users/${alice.userId}/feed-token` },
    { method: 'GET', url: `/api/v1/users/${alice.userId}/tokens` },
    { method: 'POST', url: `/api/v1/users/${alice.userId}/tokens`, payload: { name: 'stolen' } },
    { method: 'DELETE', url: `/api/v1/users/${alice.userId}/tokens/00000000-0000-4000-8000-000000000000` },
    { method: 'GET', url: `/api/v1/trackings/${aliceTracking}` },
    { method: 'PATCH', url: `/api/v1/trackings/${aliceTracking}`, payload: { rules: { targetPrice: 1 } } },
    { method: 'DELETE', url: `/api/v1/trackings/${aliceTracking}` },
  ];

  it('answers 403 to another user on every route about a user\'s data, and changes nothing', async () => {
    for (const route of routes()) {
      const response = await env.app.inject({ ...route, headers: bob.auth });
      expect(response.statusCode, `${route.method} ${route.url}: ${response.body}`).toBe(403);
      expect(json(response)).toMatchObject({ error: 'forbidden' });
    }
    const tracking = json<{ rules: { targetPrice: number } }>(await env.app.inject({ method: 'GET', url: `/api/v1/trackings/${aliceTracking}`, headers: alice.auth }));
    expect(tracking.rules.targetPrice).toBe(2_500);
    const tokens = json<{ items: { name: string }[] }>(await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/tokens`, headers: alice.auth }));
    expect(tokens.items.map((t) => t.name)).not.toContain('stolen');
  });

  it('answers 401 without a token on every such route', async () => {
    for (const route of routes()) {
      const response = await env.app.inject(route);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('refuses to revoke another user\'s token named under one\'s own id', async () => {
    const bobTokens = json<{ items: { tokenId: string }[] }>(await env.app.inject({ method: 'GET', url: `/api/v1/users/${bob.userId}/tokens`, headers: bob.auth }));
    const bobToken = bobTokens.items[0]!.tokenId;
    const response = await env.app.inject({ method: 'DELETE', url: `/api/v1/users/${alice.userId}/tokens/${bobToken}`, headers: alice.auth });
    expect(response.statusCode).toBe(403);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: bob.auth })).statusCode).toBe(200);
  });

  it('lets the owner and the admin read and change a tracking', async () => {
    const own = await env.app.inject({ method: 'PATCH', url: `/api/v1/trackings/${aliceTracking}`, headers: alice.auth, payload: { rules: { targetPrice: 2_400 } } });
    expect(own.statusCode, own.body).toBe(200);
    expect(json(own)).toMatchObject({ rules: { targetPrice: 2_400 } });
    const list = json<{ total: number; items: { trackingId: string; latestPrice: { price: number } | null }[] }>(
      await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/trackings?limit=10`, headers: ADMIN }),
    );
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ trackingId: aliceTracking, latestPrice: { price: 3_000 } });
    const byAdmin = await env.app.inject({ method: 'GET', url: `/api/v1/trackings/${aliceTracking}`, headers: ADMIN });
    expect(byAdmin.statusCode).toBe(200);
    const bobsList = json<{ total: number }>(await env.app.inject({ method: 'GET', url: `/api/v1/users/${bob.userId}/trackings`, headers: bob.auth }));
    expect(bobsList.total).toBe(0);
  });

  it('keeps admin endpoints to the admin token', async () => {
    const csv = 'marketplace,asin,series,checked_at,price,currency,list_price,availability\n';
    const asUser = await env.app.inject({ method: 'POST', url: '/api/v1/admin/import', headers: { ...alice.auth, 'content-type': 'text/csv' }, payload: csv });
    expect(asUser.statusCode).toBe(403);
    const anonymous = await env.app.inject({ method: 'POST', url: '/api/v1/admin/import', headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(anonymous.statusCode).toBe(401);
    const asAdmin = await env.app.inject({ method: 'POST', url: '/api/v1/admin/import', headers: { ...ADMIN, 'content-type': 'text/csv' }, payload: csv });
    expect(asAdmin.statusCode).toBe(200);
  });

  it('deletes a tracking for its owner only', async () => {
    const response = await env.app.inject({ method: 'DELETE', url: `/api/v1/trackings/${aliceTracking}`, headers: alice.auth });
    expect(response.statusCode).toBe(204);
    const gone = await env.app.inject({ method: 'GET', url: `/api/v1/trackings/${aliceTracking}`, headers: alice.auth });
    expect(gone.statusCode).toBe(404);
  });
});

describe('alerts feed', () => {
  it('serves the RSS feed to its feed token, which opens nothing else', async () => {
    const created = json<{ token: string; url: string }>(await env.app.inject({ method: 'POST', url: `/api/v1/users/${alice.userId}/feed-token`, headers: alice.auth }));
    expect(created.url).toContain(`/api/v1/users/${alice.userId}/alerts.rss?token=`);
    const feed = await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/alerts.rss?token=${created.token}` });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^application\/rss\+xml/);
    expect(feed.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    // The feed token is no API token, and opens no other user's feed.
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${created.token}` } })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'GET', url: `/api/v1/users/${bob.userId}/alerts.rss?token=${created.token}` })).statusCode).toBe(403);
    // A new feed token replaces the old one.
    const replaced = json<{ token: string }>(await env.app.inject({ method: 'POST', url: `/api/v1/users/${alice.userId}/feed-token`, headers: alice.auth }));
    expect((await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/alerts.rss?token=${created.token}` })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}/alerts.rss?token=${replaced.token}` })).statusCode).toBe(200);
  });
});

describe('email links', () => {
  it('verifies an address from the double opt-in link, and refuses a forged one', async () => {
    const signer = createTokenSigner(SECRET);
    const token = signer.sign({ p: 'verify', u: alice.userId, h: signer.fingerprint('alice@example.com'), exp: Math.floor(Date.now() / 1000) + 3_600 });
    const page = await env.app.inject({ method: 'GET', url: `/verify?token=${encodeURIComponent(token)}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Address confirmed');
    expect(json(await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: alice.auth }))).toMatchObject({ verified: true });
    const forged = await env.app.inject({ method: 'GET', url: `/verify?token=${encodeURIComponent(`${token.slice(0, -2)}xx`)}` });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('This link does not work');
  });

  it('shows a confirmation on GET and unsubscribes on the one-click POST', async () => {
    const unsubscribeUrl = env.accounts.unsubscribeUrl(bob.userId);
    const path = unsubscribeUrl.slice(unsubscribeUrl.indexOf('/unsubscribe'));
    const shown = await env.app.inject({ method: 'GET', url: path });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('<form method="post"');
    expect(json(await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: bob.auth }))).toMatchObject({ unsubscribed: false });
    const done = await env.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(done.statusCode).toBe(200);
    expect(json(await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: bob.auth }))).toMatchObject({ unsubscribed: true });
  });
});
