/**
 * Bad input gets a clear JSON error and changes nothing; errors never show a stack trace; the rate
 * limit is per client, shared by every API process through Redis, and keeps working (per process)
 * while Redis restarts; the OpenAPI document covers every route.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../../api/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { type ApiEnv, daily, json, signUp, startApiEnv, writeHistory } from './api-fixture.js';

let env: ApiEnv;
let user: Awaited<ReturnType<typeof signUp>>;

/** No file paths, no "at fn (…)" frames, no engine internals. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\.ts:\d+|\.js:\d+|node_modules|\n\s+at |ClickHouse|DB::Exception/);
}

beforeAll(async () => {
  env = await startApiEnv({ config: { api: { bodyLimitBytes: 16_384 } } });
  await writeHistory(env.clickhouse, { asin: 'B0VALIDAT1', title: 'Toaster' }, { new: daily(10, 20, () => 2_000) });
  user = await signUp(env.app, 'valid@example.com');
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('validation', () => {
  it('refuses malformed, incomplete and unexpected bodies with the problems listed, and creates nothing', async () => {
    const cases: { payload: string | object; contentType?: string; status: number; match: RegExp }[] = [
      { payload: '{"marketplace": "us", "asin": ', contentType: 'application/json', status: 400, match: /not valid JSON/ },
      { payload: '', contentType: 'application/json', status: 400, match: /empty/ },
      { payload: { marketplace: 'xx', asin: 'B0VALIDAT1', rules: { targetPrice: 100 } }, status: 400, match: /marketplace/ },
      { payload: { marketplace: 'us', asin: 'B0-VALID', rules: { targetPrice: 100 } }, status: 400, match: /asin: not an ASIN/ },
      { payload: { marketplace: 'us', asin: 'B0VALIDAT1', rules: {} }, status: 400, match: /at least one rule/ },
      { payload: { marketplace: 'us', asin: 'B0VALIDAT1', rules: { targetPrice: -5 } }, status: 400, match: /targetPrice/ },
      { payload: { marketplace: 'us', asin: 'B0VALIDAT1', rules: { targetPrice: 100 }, admin: true }, status: 400, match: /admin|unrecognized/i },
      { payload: '<track/>', contentType: 'application/xml', status: 415, match: /content type/ },
    ];
    for (const c of cases) {
      const response = await env.app.inject({
        method: 'POST',
        url: '/api/v1/products/track',
        headers: { ...user.auth, ...(c.contentType ? { 'content-type': c.contentType } : {}) },
        payload: c.payload,
      });
      expect(response.statusCode, JSON.stringify(c.payload)).toBe(c.status);
      const body = json<{ error: string; message: string }>(response);
      expect(body.message, JSON.stringify(c.payload)).toMatch(c.match);
      expect(typeof body.error).toBe('string');
      expectNoInternals(response.body);
    }
    const list = json<{ total: number }>(await env.app.inject({ method: 'GET', url: `/api/v1/users/${user.userId}/trackings`, headers: user.auth }));
    expect(list.total).toBe(0);
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await env.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: `${'x'.repeat(40_000)}@example.com` }),
    });
    expect(response.statusCode).toBe(413);
    expect(json(response)).toMatchObject({ error: 'payload_too_large', message: 'request body is too large' });
  });

  it('refuses bad query values: unknown marketplace, bad ASIN, range, limits, URL', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/products/B0VALIDAT1/chart?marketplace=zz', /marketplace/],
      ['/api/v1/products/NOTANASIN/chart', /asin: not an ASIN/],
      ['/api/v1/products/B0VALIDAT1/chart?range=5y', /range/],
      ['/api/v1/products/B0VALIDAT1/chart?series=new,bogus', /series/],
      ['/api/v1/products/B0VALIDAT1/chart?unknown=1', /unknown|unrecognized/i],
      ['/api/v1/products/search?q=drill&limit=0', /limit/],
      ['/api/v1/products/search?q=drill&limit=101', /limit/],
      ['/api/v1/products/search?q=drill&offset=-1', /offset/],
      ['/api/v1/products/search?q=', /q/],
      [`/api/v1/products/search?q=${'a'.repeat(3_000)}`, /q/],
      ['/api/v1/browser/product?url=https%3A%2F%2Fevil.example%2Fdp%2FB0VALIDAT1', /Amazon storefront/],
      ['/api/v1/browser/product', /url/],
      ['/api/v1/drops?period=1y', /period/],
      ['/charts/us/B0VALIDAT1.png?w=10000', /w/],
      ['/charts/us/B0VALIDAT1.gif', /png/],
      [`/api/v1/users/not-a-uuid/trackings`, /user_id/],
    ];
    for (const [url, match] of cases) {
      const response = await env.app.inject({ method: 'GET', url, headers: user.auth });
      expect(response.statusCode, url).toBe(400);
      const body = json<{ error: string; message: string; problems?: string[] }>(response);
      expect(body.error).toBe('bad_request');
      expect(body.message, url).toMatch(match);
      expectNoInternals(response.body);
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(json(response)).toMatchObject({ error: 'not_found' });
  });

  it('hides internal failures behind a plain 500', async () => {
    const unreachable = createClient({ url: 'http://127.0.0.1:9', request_timeout: 2_000, log: { level: ClickHouseLogLevel.OFF } });
    const broken: ApiApp = await env.another({ clickhouse: unreachable });
    const response = await broken.app.inject({ method: 'GET', url: '/api/v1/products/B0VALIDAT1/chart' });
    expect(response.statusCode).toBe(500);
    expect(json(response)).toEqual({ error: 'internal', message: 'internal error' });
    expectNoInternals(response.body);
    await unreachable.close();
  });
});

describe('rate limit', () => {
  it('limits each client per minute, shared by every API process, with a JSON 429', async () => {
    const one = await env.another({ rateLimitPerMin: 5 });
    const two = await env.another({ rateLimitPerMin: 5 });
    const from = (app: ApiApp, ip: string) => app.app.inject({ method: 'GET', url: '/api/v1/products/B0VALIDAT1/chart', remoteAddress: ip });
    for (let i = 0; i < 3; i++) expect((await from(one, '10.0.0.1')).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await from(two, '10.0.0.1')).statusCode).toBe(200);
    const limited = await from(one, '10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(json(limited)).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from(two, '10.0.0.1')).statusCode).toBe(429);
    // Another client is not affected.
    expect((await from(one, '10.0.0.2')).statusCode).toBe(200);
  });

  it('limits sign-ups (each may send an email) more tightly than reads', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await env.app.inject({ method: 'POST', url: '/api/v1/users', payload: { email: `many${i}@example.com` }, remoteAddress: '10.9.9.9' });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/products/B0VALIDAT1/chart', remoteAddress: '10.9.9.9' })).statusCode).toBe(200);
  });

  it('keeps serving and limiting (per process) while Redis restarts, and counts in Redis again after', async () => {
    const server = env.testRedis.server;
    if (!server) return; // REDIS_URL points at a shared server: not ours to restart.
    const app = await env.another({ rateLimitPerMin: 4 });
    const from = (ip: string) => app.app.inject({ method: 'GET', url: '/api/v1/products/B0VALIDAT1/chart', remoteAddress: ip });
    expect((await from('10.0.1.1')).statusCode).toBe(200); // cached from now on: no ClickHouse, no Redis
    await server.stop();
    const started = Date.now();
    const during = [];
    for (let i = 0; i < 6; i++) during.push((await from('10.0.1.2')).statusCode);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(during).toEqual([200, 200, 200, 200, 429, 429]);
    await server.start();
    await waitFor('the rate limit to count in Redis again', async () => {
      const keys = await env.redis.keys(`${env.config.redis.keyPrefix}:api:rl:*10.0.1.3*`);
      await from('10.0.1.3');
      return keys.length > 0;
    }, { timeoutMs: 15_000, intervalMs: 200 });
  });
});

describe('cross-origin calls', () => {
  it('lets any origin call the API by token (no cookies) and answers preflights', async () => {
    const preflight = await env.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/products/track',
      headers: { origin: 'https://www.amazon.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');
    const get = await env.app.inject({ method: 'GET', url: '/api/v1/products/B0VALIDAT1/chart', headers: { origin: 'https://www.amazon.de' } });
    expect(get.headers['access-control-allow-origin']).toBe('*');
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('OpenAPI document', () => {
  it('is generated from the route schemas and lists every API route', async () => {
    const response = await env.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = json<{ openapi: string; paths: Record<string, Record<string, { parameters?: unknown[]; responses: Record<string, unknown> }>> }>(response);
    expect(doc.openapi).toMatch(/^3\./);
    const expected = [
      ['post', '/api/v1/products/track'],
      ['get', '/api/v1/products/{asin}/history'],
      ['get', '/api/v1/products/{asin}/history.csv'],
      ['get', '/api/v1/products/{asin}/chart'],
      ['get', '/api/v1/browser/product'],
      ['get', '/api/v1/products/search'],
      ['get', '/api/v1/users/{user_id}/trackings'],
      ['patch', '/api/v1/trackings/{trackingId}'],
      ['delete', '/api/v1/trackings/{trackingId}'],
      ['post', '/api/v1/users'],
      ['post', '/api/v1/users/{user_id}/tokens'],
      ['delete', '/api/v1/users/{user_id}/tokens/{tokenId}'],
      ['get', '/api/v1/drops'],
      ['get', '/api/v1/drops.rss'],
      ['get', '/api/v1/users/{user_id}/alerts.rss'],
      ['post', '/api/v1/admin/import'],
      ['get', '/charts/{marketplace}/{file}'],
    ];
    for (const [method, path] of expected) {
      expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    const chart = doc.paths['/api/v1/products/{asin}/chart']!.get!;
    expect(JSON.stringify(chart.parameters)).toContain('range');
    expect(JSON.stringify(chart.responses['200'])).toContain('statistics');
    const ui = await env.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });
});
