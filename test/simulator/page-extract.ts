/**
 * A tiny targeted reader of the simulator's own markup, so its tests check "the page embeds the
 * truth" without depending on parser/. It knows only the shapes the simulator writes.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Decodes the few entities the simulator writes. */
export function decode(s: string): string {
  return s
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** Text without tags, whitespace collapsed. */
export function text(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** The outer HTML of the first element with `id` (balanced on its tag name), or undefined. */
export function byId(html: string, id: string, from = 0): string | undefined {
  const at = html.indexOf(`id="${id}"`, from);
  if (at < 0) return undefined;
  const start = html.lastIndexOf('<', at);
  const tag = /^<([a-zA-Z0-9]+)/.exec(html.slice(start))![1]!;
  const re = new RegExp(`<(/?)${tag}\\b[^>]*?(/?)>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1]) depth--;
    else if (!m[2]) depth++;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  return html.slice(start);
}

/** The first `.a-offscreen` text inside `html`. */
export function offscreen(html: string | undefined): string | undefined {
  if (!html) return undefined;
  const m = /<span class="a-offscreen">([^<]*)<\/span>/.exec(html);
  return m ? decode(m[1]!) : undefined;
}

/** Minor units from a price the simulator printed: its formats always carry every minor digit. */
export function minor(priceText: string | undefined): number | null {
  if (priceText === undefined) return null;
  const digits = priceText.replace(/[^0-9]/g, '');
  return digits ? Number(digits) : null;
}

/** An HTTP GET with full control of Host, local address and encoding; resolves status, headers, decoded body. */
export function get(
  url: string,
  opts: { host?: string; localAddress?: string; gzip?: boolean } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; wireBytes: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        localAddress: opts.localAddress,
        agent: false,
        headers: { ...(opts.host ? { host: opts.host } : {}), ...(opts.gzip ? { 'accept-encoding': 'gzip, deflate, br' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const wire = Buffer.concat(chunks);
          const raw = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), wireBytes: wire.length });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** What the simulator's markup shows on a product page, read back. */
export interface Readback {
  asin: string | undefined;
  title: string | undefined;
  priceNew: number | null;
  priceUsed: number | null;
  listPrice: number | null;
  availability: 'in_stock' | 'out_of_stock' | 'unknown';
  sellerName: string | null;
}

/** Reads the simulator's product page (both layouts, every variant) with targeted lookups. */
export function readProductPage(html: string, words: { unavailable: string }): Readback {
  const asinInput = /<input type="hidden" id="ASIN" name="ASIN" value="([A-Z0-9]{10})">/.exec(html);
  const title = byId(html, 'productTitle');
  let priceNew: number | null = null;
  let priceUsed: number | null = null;
  let listPrice: number | null = null;
  let sellerName: string | null = null;
  if (html.includes('id="desktop_buybox"')) {
    // New layout: the buy box's own price row (never the Subscribe & Save row).
    const row = byId(html, 'qualifiedBuybox') ?? byId(html, 'newAccordionRow_0') ?? byId(html, 'newAccordionRow_1');
    priceNew = minor(offscreen(row && byId(row, 'corePrice_feature_div')));
    const used = byId(html, 'usedAccordionRow');
    priceUsed = minor(offscreen(used));
    const usedOnly = byId(html, 'usedOnlyBuybox');
    if (usedOnly) priceUsed = minor(text(/offer-price a-text-normal">([^<]*)</.exec(usedOnly)?.[1] ?? ''));
    const basis = /<span aria-hidden="true" class="a-size-small a-color-secondary aok-align-center basisPrice">[^<]*(<span class="a-price a-text-price"[\s\S]*?<\/span><\/span>)/.exec(html);
    if (basis && !html.includes('id="snsAccordionRowMiddle"')) listPrice = minor(offscreen(basis[1]));
    const sold = /(?:tabular-attribute-name="[^"]*"><div class="tabular-buybox-text a-spacing-none">|offer-display-feature-name="desktop-merchant-info"><div class="offer-display-feature-text[^"]*">)<span class="a-size-small[^"]*">(?:<a [^>]*>)?([^<]+)</g;
    let last: RegExpExecArray | null = null;
    for (let m = sold.exec(html); m; m = sold.exec(html)) last = m;
    if (last) sellerName = decode(last[1]!);
    if (usedOnly) sellerName = decode(/id="sellerProfileTriggerId"[^>]*>([^<]+)</.exec(usedOnly)?.[1] ?? '');
  } else {
    const block = byId(html, 'priceblock_dealprice') ?? byId(html, 'priceblock_saleprice') ?? byId(html, 'priceblock_ourprice');
    priceNew = block ? minor(text(block)) : null;
    if (!block) {
      const buyNew = byId(html, 'buyNewSection');
      if (buyNew) priceNew = minor(text(/offer-price a-text-normal">([^<]*)</.exec(buyNew)?.[1] ?? ''));
    }
    const used = byId(html, 'usedBuySection');
    if (used) priceUsed = minor(text(/offer-price a-text-normal">([^<]*)</.exec(used)?.[1] ?? ''));
    const strike = /class="(?:priceBlockStrikePriceString a-text-strike|a-color-secondary a-text-strike)">([^<]*)</.exec(html);
    listPrice = strike ? minor(decode(strike[1]!)) : null;
    const merchant = byId(html, 'merchant-info');
    if (merchant) {
      const link = /id="sellerProfileTriggerId"[^>]*>([^<]+)</.exec(merchant);
      sellerName = link ? decode(link[1]!) : text(merchant);
    }
  }
  const av = byId(html, 'availability');
  let availability: Readback['availability'] = 'unknown';
  if (av) availability = text(av).includes(words.unavailable) ? 'out_of_stock' : 'in_stock';
  else if (html.includes('id="usedOnlyBuybox"')) availability = 'in_stock';
  return { asin: asinInput?.[1], title: title ? text(title) : undefined, priceNew, priceUsed, listPrice, availability, sellerName };
}
