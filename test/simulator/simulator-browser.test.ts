/**
 * The simulator's gzip bodies decode completely in a real browser: Chromium reads only the first
 * member of a multi-member gzip stream, so a page must be one member.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';

let simulator: SimulatorHandle;
let browser: Browser;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 3, products: 4, marketplaces: ['us', 'de'], hostility: { rateLimit: false, dogPageProbability: 0 } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await simulator?.close();
});

describe('simulator pages in Chromium', () => {
  it('decode whole when served gzip-encoded', async () => {
    const entry = simulator.catalogue('de')[0];
    expect(entry).toBeDefined();
    const page = await browser.newPage();
    // The page's images point at Amazon's CDN, which is unreachable here: don't wait for them.
    const response = await page.goto(`${simulator.urls.de}${entry!.path}`, { waitUntil: 'domcontentloaded' });
    expect(response?.headers()['content-encoding']).toBe('gzip');
    const served = simulator.requests({ limit: 1 }).at(-1);
    const html = await page.content();
    // The whole page arrived: its end and the product's own title are there, and the size is the page's.
    expect(html).toContain('</html>');
    expect((await page.locator('#productTitle').textContent())?.trim()).toBe(entry!.title);
    expect(html.length).toBeGreaterThan(500_000);
    expect(served?.path).toContain(entry!.asin);
    await page.close();
  });
});
