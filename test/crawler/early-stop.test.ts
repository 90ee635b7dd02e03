/**
 * Reading a product page stops where its customer-reviews section begins. That is only allowed
 * because nothing the parser reads comes after it: checked here on every saved real Amazon page and
 * on every simulator layout and storefront. Also: the streaming reader decodes concatenated gzip
 * members, stops early on the wire, and refuses oversized or broken bodies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { MarketplaceCode } from '../../config/index.js';
import { PRODUCT_PAGE_END_MARKERS, PageParseError, createPageReader, readBody } from '../../crawler/index.js';
import { type ParsedPage, parsePage } from '../../parser/index.js';
import { type SimulatorHandle, startSimulator } from '../../simulator/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

const PAGES = resolve(PROJECT_ROOT, '..', 'shared', 'amazon-pages');
const sims: SimulatorHandle[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

/** What the crawler keeps of a page: the bytes before the tag holding the first marker. */
function prefix(page: Buffer): Buffer {
  let at = -1;
  for (const m of PRODUCT_PAGE_END_MARKERS) {
    const i = page.indexOf(m);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? page : page.subarray(0, page.lastIndexOf('<', at));
}

const comparable = (p: ParsedPage): string => JSON.stringify({ ...p, truncated: null });

/** `buf` in chunks of `size`, one every `delayMs` (as a network would deliver it). */
function chunked(buf: Buffer, size: number, delayMs = 0): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(
    (async function* () {
      for (const p of parts) {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        yield p;
      }
    })(),
  );
}

describe('stopping at the customer reviews', () => {
  it.skipIf(!existsSync(PAGES))('loses nothing the parser reads, on every saved real Amazon page', () => {
    const manifest = JSON.parse(readFileSync(join(PAGES, 'manifest.json'), 'utf8')) as { file: string; marketplace: MarketplaceCode; kind: string }[];
    let cut = 0;
    for (const rec of manifest) {
      const page = readFileSync(join(PAGES, 'pages', rec.file));
      const part = prefix(page);
      if (part.length < page.length) cut++;
      expect(comparable(parsePage(part, { marketplace: rec.marketplace })), rec.file).toBe(comparable(parsePage(page, { marketplace: rec.marketplace })));
    }
    expect(cut, 'product pages were cut').toBeGreaterThanOrEqual(manifest.filter((r) => r.kind === 'product').length);
  });

  it('loses nothing the parser reads on simulator pages of every layout, variant and storefront', async () => {
    const variants = new Set<string>();
    for (const seed of [1, 2]) {
      const sim = await startSimulator({ seed, products: 24, pageBytes: 200_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
      sims.push(sim);
      for (const mk of sim.options.marketplaces) {
        for (const p of sim.catalogue(mk)) {
          const r = sim.core.handle({ method: 'GET', host: undefined, url: `/${mk}/dp/${p.asin}`, ip: '10.0.0.1', acceptsGzip: false });
          const page = Buffer.concat(r.body!.chunks);
          const part = prefix(page);
          expect(part.length).toBeLessThan(page.length);
          expect(comparable(parsePage(part, { marketplace: mk })), `${seed} ${mk} ${p.variant}`).toBe(comparable(parsePage(page, { marketplace: mk })));
          variants.add(p.variant);
        }
      }
    }
    expect(variants.size).toBeGreaterThanOrEqual(9);
  });

  it('decodes concatenated gzip members as they arrive and stops reading the wire at the marker', async () => {
    const head = Buffer.from(`<html><body><div id="productTitle">A</div>${'x'.repeat(300_000)}`);
    const tail = Buffer.from(`<div id="customerReviews">${'y'.repeat(600_000)}</div></body></html>`);
    const wire = Buffer.concat([gzipSync(head), gzipSync(Buffer.from('<b>mid</b>')), gzipSync(tail, { level: 0 })]);
    const r = await readBody(chunked(wire, 16 * 1024, 5), 'gzip', { stopAt: PRODUCT_PAGE_END_MARKERS });
    expect(r.stoppedEarly).toBe(true);
    expect(r.decoded.toString()).toBe(`${head.toString()}<b>mid</b>`);
    expect(r.wireBytes).toBeLessThan(wire.length);

    const whole = await readBody(chunked(wire, 16 * 1024), 'gzip');
    expect(whole.stoppedEarly).toBe(false);
    expect(whole.decoded.length).toBe(head.length + 10 + tail.length);
    expect(whole.wireBytes).toBe(wire.length);
  });

  it('finds a marker split across two chunks, and reads identity bodies too', async () => {
    const body = Buffer.from(`<p>${'a'.repeat(1000)}</p><section id="customerReviews">rest</section>`);
    const split = body.indexOf('customerReviews') + 5;
    const r = await readBody(Readable.from([body.subarray(0, split), body.subarray(split)]), undefined, { stopAt: PRODUCT_PAGE_END_MARKERS });
    expect(r.stoppedEarly).toBe(true);
    expect(r.decoded.toString()).toBe(`<p>${'a'.repeat(1000)}</p>`);
  });

  it('stops only at the whole marker, wherever the chunks split it, past look-alikes', async () => {
    const head = `<a href="#customerReviews">4.5</a><i data-x="customerReviews"></i>customerReviews<b id="customerReviewsLink"></b>${'a'.repeat(200)}`;
    const body = Buffer.from(`${head}<section id="customerReviews">rest</section>`);
    const marker = body.indexOf('id="customerReviews"');
    for (let split = marker - 25; split <= marker + 25; split++) {
      const r = await readBody(Readable.from([body.subarray(0, split), body.subarray(split)]), undefined, { stopAt: PRODUCT_PAGE_END_MARKERS });
      expect(r.stoppedEarly, `split at ${split}`).toBe(true);
      expect(r.decoded.toString(), `split at ${split}`).toBe(head);
    }
    const none = Buffer.from(head);
    const whole = await readBody(Readable.from([none.subarray(0, 40), none.subarray(40)]), undefined, { stopAt: PRODUCT_PAGE_END_MARKERS });
    expect(whole.stoppedEarly).toBe(false);
    expect(whole.decoded.toString()).toBe(head);
  });

  it('reads a streamed page the same on a reader thread as on the event loop, stopping at the marker', async () => {
    const sim = await startSimulator({ seed: 3, products: 6, marketplaces: ['fr'], pageBytes: 300_000, hostility: { rateLimit: false, dogPageProbability: 0 } });
    sims.push(sim);
    const threaded = createPageReader({ workers: 1 });
    const inline = createPageReader({ workers: 0 });
    try {
      for (const p of sim.catalogue('fr')) {
        const r = sim.core.handle({ method: 'GET', host: undefined, url: `/fr/dp/${p.asin}`, ip: '10.0.0.2', acceptsGzip: true });
        const wire = Buffer.concat(r.body!.chunks);
        const meta = { encoding: 'gzip', marketplace: 'fr' as const, statusCode: 200, url: `/fr/dp/${p.asin}` };
        const a = await threaded.streamPage(chunked(wire, 32 * 1024), meta);
        const b = await inline.streamPage(chunked(wire, 32 * 1024), meta);
        expect(a.stoppedEarly && b.stoppedEarly).toBe(true);
        expect(a.decodedBytes).toBe(b.decodedBytes);
        expect(comparable(a.page)).toBe(comparable(b.page));
        expect(a.page.kind).toBe('product');
      }
      await expect(threaded.streamPage(chunked(Buffer.from('no gzip'), 4), { encoding: 'gzip', marketplace: 'fr', statusCode: 200, url: '/x' })).rejects.toBeInstanceOf(PageParseError);
    } finally {
      await threaded.close();
      await inline.close();
    }
  });

  it('refuses oversized, broken and unknown-coding bodies with a parse error', async () => {
    await expect(readBody(Readable.from([Buffer.alloc(2000)]), undefined, { maxWireBytes: 1000 })).rejects.toBeInstanceOf(PageParseError);
    await expect(readBody(Readable.from([gzipSync(Buffer.alloc(50_000))]), 'gzip', { maxDecodedBytes: 10_000 })).rejects.toBeInstanceOf(PageParseError);
    await expect(readBody(Readable.from([Buffer.from('not gzip at all')]), 'gzip')).rejects.toBeInstanceOf(PageParseError);
    await expect(readBody(Readable.from([Buffer.from('x')]), 'zstd')).rejects.toBeInstanceOf(PageParseError);
  });
});
