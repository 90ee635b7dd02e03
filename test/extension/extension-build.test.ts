/**
 * The extension's build and what it builds, without a browser: one source gives a Chrome and a
 * Firefox extension (each unpacked and zipped), the manifests differ where the browsers do, the
 * content script matches every storefront's product pages exactly as the page parser reads them,
 * the Firefox build passes Mozilla's linter (web-ext lint), and the pure helpers read what people
 * type.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrackInput } from '../../alerts/index.js';
import { MARKETPLACES, MARKETPLACE_CODES } from '../../config/index.js';
import type { TrackRequest } from '../../extension/src/shared/api-results.js';
import { parsePriceInput } from '../../extension/src/shared/format.js';
import { productOnPage } from '../../extension/src/shared/product-page.js';
import { SettingsInputError, normaliseServerUrl, normaliseToken } from '../../extension/src/shared/settings-input.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildExtensionInto } from './extension-fixture.js';

const WEB_EXT = fileURLToPath(new URL('../../node_modules/.bin/web-ext', import.meta.url));

type Built = Awaited<ReturnType<typeof buildExtensionInto>>;
let built: Built;
let manifests: Record<'chrome' | 'firefox', Record<string, unknown>>;

beforeAll(async () => {
  built = await buildExtensionInto(makeTempDir('drom-ext-build-'));
  const read = (browser: string): Record<string, unknown> => {
    const b = built.find((x) => x.browser === browser)!;
    return JSON.parse(readFileSync(join(b.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  };
  manifests = { chrome: read('chrome'), firefox: read('firefox') };
});

/** A WebExtension match pattern as a RegExp (scheme `*` = http/https, host `*.d` = d and its subdomains, `*` in paths = anything). */
function matches(pattern: string, url: string): boolean {
  const m = /^(\*|https?):\/\/([^/]+)(\/.*)$/.exec(pattern);
  if (!m) throw new Error(`not a match pattern: ${pattern}`);
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  const u = new URL(url);
  const schemeOk = scheme === '*' ? u.protocol === 'http:' || u.protocol === 'https:' : u.protocol === `${scheme}:`;
  const hostOk = host.startsWith('*.') ? u.hostname === host.slice(2) || u.hostname.endsWith(host.slice(1)) : u.hostname === host;
  const pathRe = new RegExp(`^${path.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return schemeOk && hostOk && pathRe.test(u.pathname + u.search);
}

const SHAPES = [
  (d: string, asin: string) => `https://www.${d}/dp/${asin}`,
  (d: string, asin: string) => `https://www.${d}/dp/product/${asin}/`,
  (d: string, asin: string) => `https://www.${d}/Some-Long-Product-Slug/dp/${asin}/ref=sr_1_1?crid=2X&keywords=kettle&qid=1&sr=8-1`,
  (d: string, asin: string) => `https://www.${d}/gp/product/${asin}?psc=1`,
  (d: string, asin: string) => `https://www.${d}/gp/aw/d/${asin}/ref=mw_dp_buy_crt`,
  (d: string, asin: string) => `https://smile.${d}/dp/${asin.toLowerCase()}#customerReviews`,
];

describe('build', () => {
  it('builds a Chrome and a Firefox extension from one source, each unpacked and zipped with the same files', () => {
    expect(built.map((b) => b.browser).sort()).toEqual(['chrome', 'firefox']);
    for (const b of built) {
      for (const file of ['manifest.json', 'background.js', 'content.js', 'popup.html', 'popup.js', 'options.html', 'options.js', 'pages.css', 'uplot.css', 'icons/icon-128.png']) {
        expect(existsSync(join(b.dir, file)), `${b.browser}: ${file}`).toBe(true);
      }
      const entries = unzipSync(readFileSync(b.zip));
      expect(Object.keys(entries).length).toBe(b.files);
      for (const [name, bytes] of Object.entries(entries)) expect(Buffer.from(bytes).equals(readFileSync(join(b.dir, name))), name).toBe(true);
      // One source: the browsers' scripts differ only where __BROWSER__ does (the options page's permission request).
      expect(readFileSync(join(b.dir, 'content.js'), 'utf8')).toBe(readFileSync(join(built[0]!.dir, 'content.js'), 'utf8'));
    }
  });

  it('gives the same zip for the same source', async () => {
    const again = await buildExtensionInto(makeTempDir('drom-ext-build-'));
    for (const b of built) {
      const twin = again.find((x) => x.browser === b.browser)!;
      const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
      expect(sha(twin.zip)).toBe(sha(b.zip));
    }
  });

  it('keeps the API token out of the content script: only the worker and the extension pages read the settings', () => {
    for (const b of built) {
      const content = readFileSync(join(b.dir, 'content.js'), 'utf8');
      expect(content).not.toContain('storage');
      expect(content).not.toMatch(/\bfetch\(/);
      expect(readFileSync(join(b.dir, 'background.js'), 'utf8')).toContain('storage');
    }
  });
});

describe('manifests', () => {
  it('uses a service worker in Chrome and background scripts, a gecko id and minimum versions in Firefox', () => {
    const { chrome, firefox } = manifests;
    expect(chrome.manifest_version).toBe(3);
    expect(firefox.manifest_version).toBe(3);
    expect(chrome.background).toEqual({ service_worker: 'background.js' });
    expect(chrome.browser_specific_settings).toBeUndefined();
    expect(firefox.background).toEqual({ scripts: ['background.js'] });
    expect(firefox.browser_specific_settings).toMatchObject({ gecko: { id: expect.stringMatching(/^[\w.-]+@[\w.-]+$/), strict_min_version: expect.stringMatching(/^\d+\.0$/) } });
    for (const m of [chrome, firefox]) {
      expect(m.permissions).toEqual(['storage']);
      expect(m.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
      expect(m.version).toBe((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    }
  });

  it('injects the content script on every storefront product page shape and nowhere else, as the page parser reads them', () => {
    for (const manifest of Object.values(manifests)) {
      const [script] = manifest.content_scripts as { matches: string[]; js: string[]; run_at: string }[];
      expect(script).toMatchObject({ js: ['content.js'], run_at: 'document_start' });
      const hostPermissions = manifest.host_permissions as string[];
      for (const code of MARKETPLACE_CODES) {
        const domain = MARKETPLACES[code].domain;
        for (const shape of SHAPES) {
          const url = shape(domain, 'B0C1234XYZ');
          expect(script!.matches.some((p) => matches(p, url)), url).toBe(true);
          expect(hostPermissions.some((p) => matches(p, url)), url).toBe(true);
          expect(productOnPage(url), url).toEqual({ marketplace: code, asin: 'B0C1234XYZ' });
        }
        for (const other of [`https://www.${domain}/s?k=kettle`, `https://www.${domain}/gp/offer-listing/B0C1234XYZ`, `https://www.${domain}/`]) {
          expect(productOnPage(other), other).toBeNull();
        }
      }
      for (const foreign of ['https://www.amazon.com.example.org/dp/B0C1234XYZ', 'https://example.org/dp/B0C1234XYZ', 'https://www.amazon.cn/dp/B0C1234XYZ']) {
        expect(script!.matches.some((p) => matches(p, foreign)), foreign).toBe(false);
        expect(productOnPage(foreign), foreign).toBeNull();
      }
    }
  });

  const hasWebExt = existsSync(WEB_EXT);
  if (!hasWebExt) console.warn(`[extension] NOTICE: web-ext is not installed (${WEB_EXT}): the Firefox manifest is not linted. Run npm ci.`);
  it.skipIf(!hasWebExt)("passes Mozilla's linter (web-ext lint) without errors or warnings", () => {
    const dir = built.find((b) => b.browser === 'firefox')!.dir;
    const run = spawnSync(WEB_EXT, ['lint', '--source-dir', dir, '--output', 'json', '--no-input'], { encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(run.stdout) as { summary: { errors: number; warnings: number }; errors: unknown[]; warnings: unknown[] };
    expect({ errors: report.errors, warnings: report.warnings }).toEqual({ errors: [], warnings: [] });
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  });
});

describe('what people type', () => {
  it('reads prices in the ways storefronts write them, in minor units', () => {
    expect(parsePriceInput('19.99', 2)).toBe(1999);
    expect(parsePriceInput('19,99', 2)).toBe(1999);
    expect(parsePriceInput('$ 1,299.50', 2)).toBe(129950);
    expect(parsePriceInput('1.299,5 €', 2)).toBe(129950);
    expect(parsePriceInput('1\u202f299,99', 2)).toBe(129999);
    expect(parsePriceInput('1,299', 2)).toBe(129900);
    expect(parsePriceInput('￥1,290', 0)).toBe(1290);
    expect(parsePriceInput('20', 2)).toBe(2000);
    for (const bad of ['', 'cheap', '0', '0,00', '12.3456']) expect(parsePriceInput(bad, 2), bad).toBeNull();
  });

  it('normalises server URLs and refuses what is not one', () => {
    expect(normaliseServerUrl(' http://127.0.0.1:8080/ ')).toBe('http://127.0.0.1:8080');
    expect(normaliseServerUrl('prices.example.org:8080')).toBe('http://prices.example.org:8080');
    expect(normaliseServerUrl('https://example.org/dromedary/')).toBe('https://example.org/dromedary');
    for (const bad of ['', 'ftp://example.org', 'http://user:pw@example.org', 'http://example.org/?a=1', 'http://exa mple.org']) {
      expect(() => normaliseServerUrl(bad), bad).toThrow(SettingsInputError);
    }
    expect(normaliseToken('  drm_abcDEF012-_x  ')).toBe('drm_abcDEF012-_x');
    expect(normaliseToken('')).toBe('');
    expect(() => normaliseToken('drm_ with space')).toThrow(SettingsInputError);
  });

  it("sends tracking requests the API's input type accepts", () => {
    const request: TrackRequest = { marketplace: 'de', asin: 'B0C1234XYZ', condition: 'used', amazonOnly: true, rules: { dropPercent: 15 } };
    // Compile-time: the extension's request type is assignable to the alerts part's input type.
    const input: TrackInput = request;
    expect(input).toBe(request);
  });
});
