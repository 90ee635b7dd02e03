import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InvalidProductReferenceError,
  MARKETPLACES,
  MARKETPLACE_CODES,
  getMarketplace,
  loadConfig,
  marketplaceForHost,
  offersUrl,
  parseProductReference,
  productUrl,
  redactConfig,
} from '../../config/index.js';

function writeConfig(value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'drom-cfg-')), 'dromedary.json');
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('configuration', () => {
  it('applies flag > env > file > default', () => {
    const file = writeConfig({ redis: { url: 'redis://file:1' }, crawler: { concurrency: 3 }, api: { port: 9000 } });
    const env = { REDIS_URL: 'redis://env:2', DROMEDARY_CRAWLER_CONCURRENCY: '7' };
    const config = loadConfig({ file, env, flags: { redis: { url: 'redis://flag:3' } } });
    expect(config.redis.url).toBe('redis://flag:3');
    expect(config.crawler.concurrency).toBe(7);
    expect(config.api.port).toBe(9000);
    expect(config.coordinator.leaseMs).toBe(120_000);
  });

  it('reports every bad value at once', () => {
    const file = writeConfig({ crawler: { concurrency: -1, marketplaces: ['us', 'xx'] }, nope: true });
    const env = { DROMEDARY_API_PORT: 'eighty', CLICKHOUSE_URL: 'not a url' };
    let error: unknown;
    try {
      loadConfig({ file, env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DROMEDARY_API_PORT/);
    expect(problems).toMatch(/clickhouse\.url/);
    expect(problems).toMatch(/crawler\.concurrency/);
    expect(problems).toMatch(/crawler\.marketplaces\.1/);
    expect(problems).toMatch(/nope/);
  });

  it('reports a config file that is not JSON', () => {
    expect(() => loadConfig({ file: writeConfig('{ nope'), env: {} })).toThrow(/not valid JSON/);
  });

  it('freezes the result', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.crawler.marketplaces)).toBe(true);
  });

  it('redacts secrets and URL credentials when printed', () => {
    const config = loadConfig({
      env: { CLICKHOUSE_PASSWORD: 'hunter2hunter2', REDIS_URL: 'redis://user:pw@redis:6379', DROMEDARY_PROXIES: 'http://u:p@proxy:8000' },
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toMatch(/hunter2/);
    expect(printed).not.toMatch(/:pw@/);
    expect(printed).not.toMatch(/u:p@/);
    expect(printed).toMatch(/redis:\/\/user:\*\*\*@redis:6379/);
  });

  it('points a marketplace at another base URL', () => {
    const config = loadConfig({ env: { DROMEDARY_BASE_URL_DE: 'http://127.0.0.1:9999/de/' } });
    expect(productUrl(config, 'de', 'B000000001')).toBe('http://127.0.0.1:9999/de/dp/B000000001');
    expect(productUrl(config, 'us', 'B000000001')).toBe('https://www.amazon.com/dp/B000000001');
    expect(offersUrl(config, 'de', 'B000000001', 2)).toBe('http://127.0.0.1:9999/de/gp/aod/ajax?asin=B000000001&pc=dp&pageno=2');
  });
});

describe('marketplace catalogue', () => {
  it('holds every marketplace of the design with domain, currency, number format and language', () => {
    for (const code of ['us', 'uk', 'de', 'fr', 'it', 'es', 'ca', 'jp', 'in', 'au', 'mx', 'br', 'nl', 'se', 'pl', 'tr', 'ae', 'sa', 'sg', 'be']) {
      expect(MARKETPLACE_CODES).toContain(code);
      const m = getMarketplace(code);
      expect(m.domain).toMatch(/^amazon\./);
      expect(m.currency).toMatch(/^[A-Z]{3}$/);
      expect(m.language).toMatch(/^[a-z]{2}$/);
    }
    expect(MARKETPLACES.jp.numberFormat.minorDigits).toBe(0);
    expect(MARKETPLACES.de.numberFormat.decimal).toBe(',');
  });

  it('finds the marketplace of a host and refuses an unknown code', () => {
    expect(marketplaceForHost('www.amazon.co.uk')?.code).toBe('uk');
    expect(marketplaceForHost('smile.amazon.com')?.code).toBe('us');
    expect(marketplaceForHost('www.amazon.com.au')?.code).toBe('au');
    expect(marketplaceForHost('amazon.com.evil.example')).toBeUndefined();
    expect(() => getMarketplace('xx')).toThrow(/unknown marketplace "xx"/);
  });
});

describe('product references', () => {
  it.each([
    ['B07L4F8LJW', 'B07L4F8LJW', undefined],
    ['b07l4f8ljw', 'B07L4F8LJW', undefined],
    ['https://www.amazon.com/dp/B00FLYWNYQ', 'B00FLYWNYQ', 'us'],
    ['https://www.amazon.de/Some-Slug-Here/dp/B06ZXQV6P8/ref=sr_1_1?keywords=x&qid=1', 'B06ZXQV6P8', 'de'],
    ['https://www.amazon.co.uk/gp/product/1849757097?psc=1', '1849757097', 'uk'],
    ['https://www.amazon.co.jp/gp/aw/d/B0F3G57FFZ/', 'B0F3G57FFZ', 'jp'],
    ['amazon.in/dp/B01NCE2FHK', 'B01NCE2FHK', 'in'],
    ['https://www.amazon.com.tr/-/en/dp/B07GF31D58', 'B07GF31D58', 'tr'],
    ['https://www.amazon.fr/gp/offer-listing/1491904909/ref=dp_olp_used', '1491904909', 'fr'],
    ['https://www.amazon.com/product-reviews/B0057OC5O8/', 'B0057OC5O8', 'us'],
  ])('reads %s', (input, asin, marketplace) => {
    expect(parseProductReference(input)).toEqual({ asin, marketplace });
  });

  it.each([
    '',
    'B07L4F8LJ',
    'B07L4F8LJW1',
    'https://www.example.com/dp/B07L4F8LJW',
    'https://www.amazon.com/s?k=headphones',
    'javascript:alert(1)',
    'ftp://www.amazon.com/dp/B07L4F8LJW',
  ])('refuses %j with a clear error', (input) => {
    expect(() => parseProductReference(input)).toThrow(InvalidProductReferenceError);
  });
});
