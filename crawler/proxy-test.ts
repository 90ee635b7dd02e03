/**
 * `dromedary admin proxies test`: fetch one storefront page through a proxy and report what came
 * back (status, latency, whether it was a product page or a robot check, bytes).
 */
import { performance } from 'node:perf_hooks';
import { Server as ProxyChainServer } from 'proxy-chain';
import type { MarketplaceCode } from '../config/index.js';
import { parsePage } from '../parser/index.js';
import { ACCEPT_ENCODING, MAX_WIRE_BYTES, decodeBody } from './body-decode.js';
import { parseProxyUrl, redactCredentialsInText } from './proxy-url.js';

/** What one test fetch saw. */
export interface ProxyTestResult {
  readonly id: string;
  readonly label: string;
  readonly url: string;
  /** HTTP status; null when no answer came. */
  readonly status: number | null;
  readonly latencyMs: number;
  /** What the page was (`product`, `captcha`, `error`, …) or `failed`. */
  readonly page: string;
  readonly bytes: number;
  /** Why it failed (no credentials in it). */
  readonly error: string | null;
  readonly ok: boolean;
}

/** Fetches `url` (a page of `marketplace`) through `proxyUrl`. Never throws for network trouble. */
export async function testProxy(proxyUrl: string, url: string, marketplace: MarketplaceCode, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<ProxyTestResult> {
  const spec = parseProxyUrl(proxyUrl);
  let local: ProxyChainServer | undefined;
  let fetchUrl = spec.url;
  if (spec.needsLocalServer) {
    local = new ProxyChainServer({ port: 0, host: '127.0.0.1', prepareRequestFunction: () => ({ requestAuthentication: false, upstreamProxyUrl: spec.url }) });
    await local.listen();
    fetchUrl = `http://127.0.0.1:${local.port}`;
  }
  const t0 = performance.now();
  try {
    // Loaded on use: got-scraping is heavy and most admin commands never need it.
    const { gotScraping } = await import('got-scraping');
    const res = await gotScraping({
      url,
      proxyUrl: fetchUrl,
      decompress: false,
      responseType: 'buffer',
      headers: { 'accept-encoding': ACCEPT_ENCODING },
      timeout: { request: timeoutMs },
      retry: { limit: 0 },
    });
    const latencyMs = Math.round(performance.now() - t0);
    const raw = res.body;
    if (raw.length > MAX_WIRE_BYTES) throw new Error('body too large');
    const page = parsePage(decodeBody(raw, res.headers['content-encoding']), { marketplace, statusCode: res.statusCode, url });
    return { id: spec.id, label: spec.label, url, status: res.statusCode, latencyMs, page: page.kind, bytes: raw.length, error: null, ok: res.statusCode < 400 && page.kind !== 'captcha' && page.kind !== 'error' };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - t0);
    const error = redactCredentialsInText(err instanceof Error ? err.message : String(err)).slice(0, 300);
    return { id: spec.id, label: spec.label, url, status: null, latencyMs, page: 'failed', bytes: 0, error, ok: false };
  } finally {
    await local?.close(true);
  }
}
