/**
 * The parser on genuine saved Amazon pages (../shared/amazon-pages beside the project): every field
 * of the hand-checked manifest must match, from bytes and from text alike, and the fast region view
 * must read exactly what the same extraction reads on a DOM of the whole page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { getMarketplace, type MarketplaceCode } from '../../config/index.js';
import { DomPageView, detectMarketplace, openSource, parsePage, parseView, toPageReport, type PageReport } from '../../parser/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

const PAGES_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'amazon-pages');
const present = existsSync(join(PAGES_DIR, 'manifest.json'));
if (!present) {
  process.stderr.write(`\n*** SKIPPED: real Amazon pages not found at ${PAGES_DIR} — the real-page parser tests did not run ***\n\n`);
}

interface ManifestRecord {
  file: string;
  marketplace: MarketplaceCode;
  kind: string;
  asin: string | null;
  title: string | null;
  brand: string | null;
  breadcrumb: string | null;
  availability: string;
  seller: string;
  currency: string | null;
  price_new: number | null;
  price_used: number | null;
  price_refurbished: number | null;
  layout: string | null;
  extra?: Record<string, unknown>;
}

const manifest: ManifestRecord[] = present ? (JSON.parse(readFileSync(join(PAGES_DIR, 'manifest.json'), 'utf8')) as ManifestRecord[]) : [];

const BASE_FIELDS = ['asin', 'title', 'brand', 'breadcrumb', 'availability', 'seller', 'currency', 'price_new', 'price_used', 'price_refurbished', 'layout'] as const;

/** The manifest's "other" kind, told apart by its page type. */
function expectedKind(rec: ManifestRecord): string {
  if (rec.kind !== 'other') return rec.kind;
  return rec.extra?.['page_type'] === 'offer_listing' ? 'offer_listing' : 'error';
}

function lowestFrom(report: PageReport, condition: string | null): number | null {
  const prices = report.offer_summaries.filter((s) => condition === null || s.condition === condition).map((s) => s.from).filter((p): p is number => p !== null);
  return prices.length > 0 ? Math.min(...prices) : null;
}

/** [field, wanted, got] for every manifest field and every extra with a clear meaning. */
function comparisons(rec: ManifestRecord, r: PageReport): [string, unknown, unknown][] {
  const out: [string, unknown, unknown][] = [['kind', expectedKind(rec), r.kind]];
  for (const f of BASE_FIELDS) out.push([f, rec[f], r[f]]);
  const ex = rec.extra ?? {};
  // Struck reference prices, whatever the page calls them (List Price, RRP, Was, regular price).
  for (const key of ['list_price', 'was_price', 'regular_price']) if (key in ex) out.push([`extra.${key}`, ex[key], r.list_price]);
  if ('subscribe_save_price' in ex) out.push(['extra.subscribe_save_price', ex['subscribe_save_price'], r.subscribe_save_price]);
  if ('parent_asin' in ex) out.push(['extra.parent_asin', ex['parent_asin'], r.parent_asin]);
  if ('used_from' in ex) out.push(['extra.used_from', ex['used_from'], lowestFrom(r, 'used')]);
  if ('new_from' in ex) out.push(['extra.new_from', ex['new_from'], lowestFrom(r, 'new')]);
  if ('olp_new_from' in ex) out.push(['extra.olp_new_from', ex['olp_new_from'], lowestFrom(r, 'new')]);
  if ('olp_from' in ex) out.push(['extra.olp_from', ex['olp_from'], lowestFrom(r, null)]);
  if ('buybox_price' in ex) out.push(['extra.buybox_price', ex['buybox_price'], r.buy_box?.price ?? null]);
  if ('buybox_condition' in ex) out.push(['extra.buybox_condition', ex['buybox_condition'] === 'renewed' ? 'refurbished' : ex['buybox_condition'], r.buy_box?.condition ?? null]);
  if ('offers_count' in ex) out.push(['extra.offers_count', ex['offers_count'], r.offer_count]);
  if ('offer_prices' in ex) out.push(['extra.offer_prices', ex['offer_prices'], r.offers.map((o) => o.price)]);
  if ('canonical_asin' in ex) out.push(['extra.canonical_asin (not the page ASIN)', true, r.asin !== ex['canonical_asin']]);
  if (ex['buybox'] === 'used_only') out.push(['extra.buybox used_only', 'used', r.buy_box?.condition ?? null]);
  return out;
}

describe.skipIf(!present)('real Amazon pages', () => {
  it('matches every manifest field of every page (29 pages)', () => {
    expect(manifest.length).toBe(29);
    const perField = new Map<string, { ok: number; total: number }>();
    const mismatches: string[] = [];
    for (const rec of manifest) {
      const report = toPageReport(parsePage(readFileSync(join(PAGES_DIR, 'pages', rec.file)), { marketplace: rec.marketplace }));
      for (const [field, want, got] of comparisons(rec, report)) {
        const stat = perField.get(field) ?? { ok: 0, total: 0 };
        stat.total++;
        if (JSON.stringify(want) === JSON.stringify(got)) stat.ok++;
        else mismatches.push(`${rec.file} ${field}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
        perField.set(field, stat);
      }
    }
    process.stdout.write(`per-field matches: ${[...perField].map(([f, s]) => `${f} ${s.ok}/${s.total}`).join(', ')}\n`);
    expect(mismatches).toEqual([]);
  });

  it('reads the same from raw bytes and from decoded text', () => {
    for (const rec of manifest) {
      const bytes = readFileSync(join(PAGES_DIR, 'pages', rec.file));
      const fromBytes = toPageReport(parsePage(bytes, { marketplace: rec.marketplace }));
      const fromText = toPageReport(parsePage(bytes.toString('utf8'), { marketplace: rec.marketplace }));
      expect(fromBytes, rec.file).toEqual(fromText);
    }
  });

  it('reads on regions exactly what the same extraction reads on a DOM of the whole page', () => {
    for (const rec of manifest) {
      const html = readFileSync(join(PAGES_DIR, 'pages', rec.file), 'utf8');
      const fast = toPageReport(parsePage(html, { marketplace: rec.marketplace }));
      const opened = openSource(html);
      if (!opened.ok) throw new Error(`${rec.file}: ${opened.problem}`);
      const full = toPageReport(parseView(new DomPageView(opened.source, parseDocument(html)), getMarketplace(rec.marketplace)));
      expect(fast, rec.file).toEqual(full);
    }
  });

  it('tells the storefront from the page itself when it has marketplace markers', () => {
    for (const rec of manifest) {
      const detected = detectMarketplace(readFileSync(join(PAGES_DIR, 'pages', rec.file)));
      if (detected !== null) expect(detected, rec.file).toBe(rec.marketplace);
    }
    const products = manifest.filter((r) => r.kind === 'product');
    const detectedProducts = products.filter((r) => detectMarketplace(readFileSync(join(PAGES_DIR, 'pages', r.file))) === r.marketplace);
    expect(detectedProducts.length).toBe(products.length);
  });

  it('never reads a robot check or an error page as a product, whatever the status code', () => {
    for (const rec of manifest.filter((r) => r.kind === 'captcha' || r.extra?.['page_type'] === 'error_500_503_dog')) {
      const bytes = readFileSync(join(PAGES_DIR, 'pages', rec.file));
      for (const statusCode of [200, 503, undefined]) {
        const page = parsePage(bytes, { marketplace: rec.marketplace, statusCode });
        expect(page.kind, `${rec.file} ${statusCode}`).toBe(expectedKind(rec));
      }
    }
  });
});
