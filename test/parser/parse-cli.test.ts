/** `dromedary parse`: run as a user runs it, on files and standard input, good and bad. */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';
import { corePriceDisplay, productPage, qualifiedBuybox } from './page-builder.js';

afterAll(removeTempDirs);

const dir = makeTempDir('drom-parse-');
const REAL = resolve(PROJECT_ROOT, '..', 'shared', 'amazon-pages', 'pages', 'us-B00FLYWNYQ-new-list-price.html');

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('dromedary parse', () => {
  it('prints one JSON object with decimal prices, the buy box and offers, inferring the storefront from the page', async () => {
    const basis = `<span class="basisPrice">List Price: <span class="a-price a-text-price" data-a-strike="true"><span class="a-offscreen">£1,299.00</span></span></span>`;
    const html = productPage({ center: corePriceDisplay('£1,099.95', basis), buybox: qualifiedBuybox('amazon') }).replace("ue_mid = 'ATVPDKIKX0DER'", "ue_mid = 'A1F83G8C2ARO7P'");
    const r = await runCli(['parse', write('uk.html', html), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      kind: 'product',
      marketplace: 'uk',
      currency: 'GBP',
      asin: 'B0TEST0001',
      price_new: 1099.95,
      list_price: 1299,
      price_used: null,
      availability: 'in_stock',
      seller: 'amazon',
      buy_box: { price: 1099.95, condition: 'new', seller: 'amazon' },
    });
    expect(Array.isArray(out.offers)).toBe(true);
  });

  it.skipIf(!existsSync(REAL))('reads a real page from standard input and explains it for a person', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await runCli(['parse', '-', '--url', 'https://www.amazon.com/dp/B00FLYWNYQ'], { input: readFileSync(REAL) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/price new:\s+99\.95 USD/);
    expect(r.stdout).toMatch(/list price:\s+109\.99 USD/);
    expect(r.stdout).toMatch(/buy box:\s+99\.95 USD, new, sold by Amazon\.com \(amazon\)/);
  });

  it('reports empty and binary input as unknown, not as a crash', async () => {
    const empty = await runCli(['parse', '-', '--json'], { input: '' });
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ kind: 'unknown', detail: 'empty' });
    const binary = await runCli(['parse', write('x.bin', Buffer.from([0, 1, 2, 3, 0, 255, 0, 9])), '--json']);
    expect(binary.code).toBe(0);
    expect(JSON.parse(binary.stdout)).toMatchObject({ kind: 'unknown', detail: 'binary' });
  });

  it('refuses input over the size limit and bad arguments with clear errors and usage exit codes', async () => {
    const file = write('page.html', productPage({ center: corePriceDisplay('$5.00') }));
    const big = await runCli(['parse', file, '--max-bytes', '100']);
    expect(big.code).toBe(65);
    expect(big.stderr).toMatch(/more than the 100-byte limit/);
    const bigStdin = await runCli(['parse', '-', '--max-bytes', '100'], { input: 'x'.repeat(1000) });
    expect(bigStdin.code).toBe(65);
    const badMk = await runCli(['parse', file, '--marketplace', 'xx']);
    expect(badMk.code).toBe(64);
    expect(badMk.stderr).toMatch(/unknown marketplace "xx"/);
    const missing = await runCli(['parse', join(dir, 'nope.html')]);
    expect(missing.code).toBe(66);
  });

  it('asks for --marketplace when a product page does not say which storefront it is from', async () => {
    const html = productPage({ center: corePriceDisplay('$5.00') }).replace("ue_mid = 'ATVPDKIKX0DER', ", '');
    const r = await runCli(['parse', write('anon.html', html)]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/pass --marketplace/);
  });
});
