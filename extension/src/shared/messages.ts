/**
 * The messages content scripts and extension pages send to the background worker, which alone
 * talks to the server. Each request type has one reply type; every reply carries the context the
 * views need (which server, whether a token is set) so they never read the settings themselves.
 */
import { ext } from './browser-api.js';
import type { BrowserProductResponse, ChartResponse } from '../../../contracts/index.js';
import { type MarketplaceCode, isMarketplaceCode } from '../../../config/marketplaces.js';
import { type ApiResult, EXTENSION_RANGES, type ExtensionRange, TRACK_CONDITIONS, type TrackRequest, type TrackedProduct } from './api-client.js';

/** What every reply says about the configuration. */
export interface ReplyContext {
  /** The configured server's base URL (links in answers are relative to it). */
  readonly serverUrl: string;
  /** An API token is configured (tracking is possible). */
  readonly hasToken: boolean;
}

/** A reply: the call's outcome plus the context. */
export type Reply<T> = ApiResult<T> & { readonly context: ReplyContext };

/** Request and reply of each message type. */
export interface MessageMap {
  /** Only the product (storefront and ASIN) leaves the page: the worker asks with its canonical URL. */
  lookup: { request: { readonly marketplace: MarketplaceCode; readonly asin: string }; reply: Reply<BrowserProductResponse> };
  chart: { request: { readonly marketplace: MarketplaceCode; readonly asin: string; readonly range: ExtensionRange }; reply: Reply<ChartResponse> };
  track: { request: { readonly input: TrackRequest }; reply: Reply<TrackedProduct> };
  openOptions: { request: object; reply: Reply<true> };
}

export type MessageType = keyof MessageMap;

/** A message as sent: its type and its request fields. */
export type Message = { [K in MessageType]: { readonly type: K } & MessageMap[K]['request'] }[MessageType];

/**
 * Sends a message to the background worker. Never rejects: a worker that cannot be reached (the
 * extension was updated under an open page) comes back as an `unreachable` failure.
 */
export async function send<K extends MessageType>(type: K, request: MessageMap[K]['request']): Promise<MessageMap[K]['reply']> {
  try {
    const reply = await ext.runtime.sendMessage<Message, MessageMap[K]['reply'] | undefined>({ type, ...request } as Message);
    if (reply) return reply;
  } catch {
    // Falls through to the failure below.
  }
  return {
    ok: false,
    failure: { kind: 'unreachable', message: 'the extension is not running here; reload the page' },
    context: { serverUrl: '', hasToken: false },
  } as MessageMap[K]['reply'];
}

const ASIN = /^[A-Z0-9]{10}$/;

/** Reads an incoming message (the worker's boundary); null for anything malformed. */
export function parseMessage(value: unknown): Message | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'lookup':
      return isMarketplaceCode(m.marketplace) && typeof m.asin === 'string' && ASIN.test(m.asin) ? { type: 'lookup', marketplace: m.marketplace, asin: m.asin } : null;
    case 'chart':
      return isMarketplaceCode(m.marketplace) && typeof m.asin === 'string' && ASIN.test(m.asin) && isRange(m.range)
        ? { type: 'chart', marketplace: m.marketplace, asin: m.asin, range: m.range }
        : null;
    case 'track': {
      const input = parseTrackRequest(m.input);
      return input ? { type: 'track', input } : null;
    }
    case 'openOptions':
      return { type: 'openOptions' };
    default:
      return null;
  }
}

function isRange(value: unknown): value is ExtensionRange {
  return typeof value === 'string' && (EXTENSION_RANGES as readonly string[]).includes(value);
}

function parseTrackRequest(value: unknown): TrackRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!isMarketplaceCode(v.marketplace) || typeof v.asin !== 'string' || !ASIN.test(v.asin)) return null;
  if (typeof v.condition !== 'string' || !(TRACK_CONDITIONS as readonly string[]).includes(v.condition) || typeof v.amazonOnly !== 'boolean') return null;
  if (typeof v.rules !== 'object' || v.rules === null) return null;
  const r = v.rules as Record<string, unknown>;
  const rules: { targetPrice?: number; dropPercent?: number } = {};
  if (typeof r.targetPrice === 'number') rules.targetPrice = r.targetPrice;
  if (typeof r.dropPercent === 'number') rules.dropPercent = r.dropPercent;
  return { marketplace: v.marketplace, asin: v.asin, condition: v.condition as TrackRequest['condition'], amazonOnly: v.amazonOnly, rules };
}
