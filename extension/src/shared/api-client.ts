/**
 * The extension's client of the Dromedary API: the browser lookup, chart data, tracking and the
 * token check. It runs in the background worker and on the options page, never in a content
 * script: the worker holds the host permission for the server (no CORS, mixed-content or
 * local-network restrictions of the Amazon page apply) and keeps the token away from Amazon's pages.
 *
 * Answers are checked for the fields the extension reads (a server of another version fails with a
 * clear `bad_response`, not a blank box); failures are values, never thrown, so they cross the
 * extension's message channel intact.
 */
import type { BrowserProductResponse, ChartResponse } from '../../../contracts/index.js';
import type { MarketplaceCode } from '../../../config/marketplaces.js';
import type { ApiFailure, ApiResult, CurrentUser, ExtensionRange, TrackRequest, TrackedProduct } from './api-results.js';

export { EXTENSION_RANGES, TRACK_CONDITIONS } from './api-results.js';
export type { ApiFailure, ApiResult, CurrentUser, ExtensionRange, TrackCondition, TrackRequest, TrackedProduct } from './api-results.js';

export interface ApiClientOptions {
  /** Server base URL, normalised (no trailing slash). */
  serverUrl: string;
  /** API token; empty when none is configured. */
  token: string;
  /** Give up on a call after this long, ms. Default 8,000. */
  timeoutMs?: number;
}

/** The calls the extension makes. */
export interface ApiClient {
  /** GET /api/v1/browser/product?url= — what the server knows about the product of a page. */
  lookup(pageUrl: string): Promise<ApiResult<BrowserProductResponse>>;
  /** GET /api/v1/products/{asin}/chart — the range's lines and statistics. */
  chart(marketplace: MarketplaceCode, asin: string, range: ExtensionRange): Promise<ApiResult<ChartResponse>>;
  /** POST /api/v1/products/track with the token. */
  track(request: TrackRequest): Promise<ApiResult<TrackedProduct>>;
  /** GET /api/v1/me with the token: checks it. */
  me(): Promise<ApiResult<CurrentUser>>;
  /** GET /healthz: checks that the server answers (no token needed). */
  health(): Promise<ApiResult<true>>;
}

const DEFAULT_TIMEOUT_MS = 8_000;

/** A client for one server and token. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const call = async <T>(
    path: string,
    init: { method?: string; body?: unknown; auth?: boolean; cache?: RequestCache },
    check: (body: unknown) => T | null,
  ): Promise<ApiResult<T>> => {
    if (init.auth && options.token === '') {
      return { ok: false, failure: { kind: 'no_token', message: 'Enter your API token in the extension options to track products.' } };
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.auth) headers.authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await fetch(`${options.serverUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        credentials: 'omit',
        cache: init.cache ?? 'default',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
      return { ok: false, failure: { kind: 'unreachable', message: timedOut ? `no answer within ${timeoutMs / 1000} s` : 'connection failed' } };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!response.ok) return { ok: false, failure: httpFailure(response.status, body) };
    const value = check(body);
    if (value === null) return { ok: false, failure: { kind: 'bad_response', message: `unexpected answer from ${path.split('?')[0] ?? path}` } };
    return { ok: true, value };
  };
  return {
    // Both revalidated every time (ETag: a 304 costs the server nothing). Whether a product is tracked
    // changes with the user's own clicks, and a cached "not tracked" would outlive them; the chart
    // must end at the same current price the summary shows.
    lookup: (pageUrl) => call(`/api/v1/browser/product?url=${encodeURIComponent(pageUrl)}`, { cache: 'no-cache' }, asLookup),
    chart: (marketplace, asin, range) =>
      call(
        `/api/v1/products/${encodeURIComponent(asin)}/chart?marketplace=${encodeURIComponent(marketplace)}&range=${encodeURIComponent(range)}`,
        { cache: 'no-cache' },
        asChart,
      ),
    track: (request) => call('/api/v1/products/track', { method: 'POST', body: request, auth: true }, asTracked),
    me: () => call('/api/v1/me', { auth: true }, asUser),
    health: () => call('/healthz', {}, (body) => (isRecord(body) && body.ok === true ? true : null)),
  };
}

function httpFailure(status: number, body: unknown): ApiFailure {
  if (isRecord(body) && typeof body.message === 'string') {
    const problems = Array.isArray(body.problems) ? body.problems.filter((p): p is string => typeof p === 'string') : [];
    return { kind: 'http', status, code: typeof body.error === 'string' ? body.error : 'error', message: body.message, problems };
  }
  return { kind: 'http', status, code: 'error', message: `HTTP ${status}`, problems: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isMinorOrNull = (v: unknown): boolean => v === null || typeof v === 'number';

function asLookup(body: unknown): BrowserProductResponse | null {
  if (!isRecord(body)) return null;
  const ok =
    typeof body.asin === 'string' &&
    typeof body.marketplace === 'string' &&
    typeof body.tracked === 'boolean' &&
    typeof body.known === 'boolean' &&
    typeof body.currency === 'string' &&
    typeof body.locale === 'string' &&
    isMinorOrNull(body.current) &&
    isMinorOrNull(body.lowest90) &&
    isMinorOrNull(body.highest90) &&
    (body.lowest === null || isRecord(body.lowest)) &&
    (body.highest === null || isRecord(body.highest)) &&
    isRecord(body.verdict) &&
    typeof body.verdict.verdict === 'string' &&
    Array.isArray(body.prices) &&
    isRecord(body.links);
  return ok ? (body as unknown as BrowserProductResponse) : null;
}

function asChart(body: unknown): ChartResponse | null {
  if (!isRecord(body)) return null;
  const linesOk =
    Array.isArray(body.lines) &&
    body.lines.every((l) => isRecord(l) && typeof l.series === 'string' && Array.isArray(l.t) && Array.isArray(l.price) && l.t.length === l.price.length);
  const ok = linesOk && typeof body.from === 'number' && typeof body.to === 'number' && typeof body.currency === 'string' && typeof body.locale === 'string';
  return ok ? (body as unknown as ChartResponse) : null;
}

function asTracked(body: unknown): TrackedProduct | null {
  if (!isRecord(body) || typeof body.trackingId !== 'string' || typeof body.asin !== 'string') return null;
  return {
    trackingId: body.trackingId,
    marketplace: String(body.marketplace),
    asin: body.asin,
    condition: String(body.condition),
    alertedNow: body.alertedNow === true,
  };
}

function asUser(body: unknown): CurrentUser | null {
  if (!isRecord(body) || typeof body.userId !== 'string' || typeof body.email !== 'string') return null;
  return { userId: body.userId, email: body.email, verified: body.verified === true };
}

/** One line for people about a failure. */
export function describeFailure(failure: ApiFailure, serverUrl?: string): string {
  switch (failure.kind) {
    case 'unreachable':
      return `Dromedary server ${serverUrl ? `${hostOf(serverUrl)} ` : ''}unreachable (${failure.message}).`;
    case 'http':
      if (failure.status === 401) return 'The API token was refused: check it in the extension options.';
      if (failure.status === 429) return 'Too many requests to the Dromedary server; try again in a minute.';
      return failure.problems.length > 0 ? `${failure.message} (${failure.problems.join('; ')})` : failure.message;
    case 'bad_response':
      return `The Dromedary server gave an unexpected answer (${failure.message}); is it up to date?`;
    case 'no_token':
      return failure.message;
  }
}

function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}
