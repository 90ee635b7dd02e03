/**
 * The web pages in real Chromium (playwright-core, /usr/bin/chromium): the product page draws the
 * chart, switches ranges and series and shows the statistics; "my trackings" edits and deletes; and
 * chart images are valid PNGs of the requested size.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEnv, DAY_MS, type Point, json, signUp, startApiEnv, writeHistory } from './api-fixture.js';

const ASIN = 'B0WEBPAGE1';
let env: ApiEnv;
let base: string;
let browser: Browser;

beforeAll(async () => {
  env = await startApiEnv();
  const now = Date.now();
  const series = (price: (age: number) => number | null): Point[] =>
    Array.from({ length: 241 }, (_, i) => {
      const age = (240 - i) * 1.5;
      return { at: now - age * DAY_MS - 60_000, price: price(age), listPrice: 39_900 };
    });
  await writeHistory(env.clickhouse, { asin: ASIN, title: 'Espresso Machine Deluxe', brand: 'Baristo', breadcrumb: 'Home & Kitchen › Coffee' }, {
    new: series((age) => (age > 60 ? 32_000 : age > 20 ? 29_000 : 27_500)),
    used: series((age) => (age > 100 ? 21_000 : 19_500)),
  });
  base = await env.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('product page', () => {
  it('draws the chart, switches ranges and series, and shows the statistics and verdict', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const failed: string[] = [];
    page.on('pageerror', (err) => failed.push(err.message));
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(`${base}/products/us/${ASIN}`);
    await page.waitForSelector('#chart .uplot canvas');
    expect(await page.textContent('h1')).toBe('Espresso Machine Deluxe');
    expect(await page.getAttribute('#chart', 'data-range')).toBe('3m');
    expect(Number(await page.getAttribute('#chart', 'data-lines'))).toBe(3);
    expect(Number(await page.getAttribute('#chart', 'data-points'))).toBeGreaterThan(100);
    const canvas = { w: Number(await page.getAttribute('#chart canvas', 'width')), h: Number(await page.getAttribute('#chart canvas', 'height')) };
    expect(canvas.w).toBeGreaterThan(300);
    expect(canvas.h).toBeGreaterThan(200);

    // The statistics and the verdict are on the page.
    const stats = await page.textContent('#stats');
    expect(stats).toContain('Lowest ever');
    expect(stats).toContain('$275.00');
    expect(stats).toContain('$320.00');
    expect(await page.textContent('#verdict')).toBe('Good deal');
    expect(await page.textContent('#current-price')).toBe('$275.00');

    // Ranges: 1y fetches the year's data and redraws.
    const pointsAt3m = Number(await page.getAttribute('#chart', 'data-points'));
    await page.click('.ranges button[data-range="1y"]');
    await page.waitForSelector('#chart[data-range="1y"]');
    expect(await page.getAttribute('.ranges button[data-range="1y"]', 'aria-pressed')).toBe('true');
    expect(Number(await page.getAttribute('#chart', 'data-points'))).toBeGreaterThan(pointsAt3m);
    await page.click('.ranges button[data-range="1w"]');
    await page.waitForSelector('#chart[data-range="1w"]');

    // Series toggles hide and show lines.
    await page.click('.ranges button[data-range="3m"]');
    await page.waitForSelector('#chart[data-range="3m"]');
    expect(await page.getAttribute('#chart', 'data-visible')).toBe('3');
    await page.uncheck('#series-toggles input[data-series="used"]');
    expect(await page.getAttribute('#chart', 'data-visible')).toBe('2');
    expect(await page.$$eval('.u-legend .u-series.u-off', (rows) => rows.length)).toBe(1);
    await page.check('#series-toggles input[data-series="used"]');
    expect(await page.getAttribute('#chart', 'data-visible')).toBe('3');

    // The cursor legend shows the prices under the cursor.
    const box = (await page.$('#chart .u-over'))!;
    const bounds = (await box.boundingBox())!;
    await page.mouse.move(bounds.x + bounds.width * 0.9, bounds.y + bounds.height / 2);
    await page.waitForFunction("[...document.querySelectorAll('.u-legend .u-value')].some((v) => /\\$\\d/.test(v.textContent))");
    await page.screenshot({ path: `${process.env.DROMEDARY_SCREENSHOT_DIR ?? '/tmp'}/dromedary-product-page.png` });
    expect(failed).toEqual([]);
    await page.close();
  });

  it('serves uPlot from this server, not a CDN', async () => {
    const page = await browser.newPage();
    const hosts = new Set<string>();
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    await page.goto(`${base}/products/us/${ASIN}`);
    await page.waitForSelector('#chart .uplot');
    expect([...hosts].filter((h) => h !== new URL(base).host && h !== 'm.media-amazon.com')).toEqual([]);
    await page.close();
  });
});

describe('my trackings page', () => {
  it('lists, edits and deletes the user\'s trackings with the token kept in the browser', async () => {
    const user = await signUp(env.app, 'web@example.com');
    const tracked = await env.app.inject({ method: 'POST', url: '/api/v1/products/track', headers: user.auth, payload: { marketplace: 'us', asin: ASIN, rules: { targetPrice: 25_000 } } });
    expect(tracked.statusCode).toBe(201);
    const trackingId = json<{ trackingId: string }>(tracked).trackingId;
    const page = await browser.newPage();
    await page.goto(`${base}/trackings`);
    await page.fill('#token-input', user.token);
    await page.click('#token-form button');
    await page.waitForSelector(`tr[data-tracking="${trackingId}"]`);
    expect(await page.textContent('#account-email')).toBe('web@example.com');
    await page.fill(`tr[data-tracking="${trackingId}"] input[name="targetPrice"]`, '240');
    await page.click(`tr[data-tracking="${trackingId}"] button.save`);
    await page.waitForFunction("document.getElementById('message').textContent === 'Saved.'");
    const after = json<{ rules: { targetPrice: number } }>(await env.app.inject({ method: 'GET', url: `/api/v1/trackings/${trackingId}`, headers: user.auth }));
    expect(after.rules.targetPrice).toBe(24_000);
    // The token survives a reload (localStorage), then the row is deleted.
    await page.reload();
    await page.waitForSelector(`tr[data-tracking="${trackingId}"]`);
    await page.click(`tr[data-tracking="${trackingId}"] button.delete`);
    await page.waitForSelector(`tr[data-tracking="${trackingId}"]`, { state: 'detached' });
    expect((await env.app.inject({ method: 'GET', url: `/api/v1/trackings/${trackingId}`, headers: user.auth })).statusCode).toBe(404);
    await page.close();
  });
});

describe('home and search pages', () => {
  it('shows the search box and top drops, and finds a product', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    expect(await page.textContent('h2')).toContain('Top price drops');
    await page.fill('.big-search input', 'espresso');
    await page.press('.big-search input', 'Enter');
    await page.waitForSelector('ol.results li a');
    await page.click('ol.results li a');
    await page.waitForSelector('#chart .uplot');
    expect(page.url()).toBe(`${base}/products/us/${ASIN}`);
    await page.goto(`${base}/search?q=${encodeURIComponent(`https://www.amazon.com/dp/${ASIN}`)}`);
    expect(page.url()).toBe(`${base}/products/us/${ASIN}`);
    await page.close();
  });
});

describe('chart images', () => {
  it('are valid PNGs of the requested size, cached with an ETag', async () => {
    for (const [w, h] of [[600, 300], [240, 120], [1200, 500]] as const) {
      const response = await env.app.inject({ method: 'GET', url: `/charts/us/${ASIN}.png?range=1y&w=${w}&h=${h}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/png');
      const png = response.rawPayload;
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
      expect(png.readUInt32BE(16)).toBe(w);
      expect(png.readUInt32BE(20)).toBe(h);
      expect(response.headers['cache-control']).toMatch(/public, max-age=\d+/);
      const again = await env.app.inject({ method: 'GET', url: `/charts/us/${ASIN}.png?range=1y&w=${w}&h=${h}`, headers: { 'if-none-match': String(response.headers.etag) } });
      expect(again.statusCode).toBe(304);
    }
    const series = await env.app.inject({ method: 'GET', url: `/charts/us/${ASIN}.png?series=used&w=300&h=150` });
    expect(series.statusCode).toBe(200);
    for (const bad of ['w=100', 'h=5000', 'w=abc']) {
      expect((await env.app.inject({ method: 'GET', url: `/charts/us/${ASIN}.png?${bad}` })).statusCode, bad).toBe(400);
    }
  });
});
