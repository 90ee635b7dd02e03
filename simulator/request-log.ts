/**
 * What the simulator served, to whom: a ring buffer of the latest requests (bounded, default 10,000
 * entries) and per-client-IP counters (at most 10,000 IPs, least recently seen dropped first) with
 * a 10-second request rate.
 */
import type { MarketplaceCode } from '../config/index.js';
import type { CaptchaShape } from './blocked-pages.js';
import type { Layout, PageVariant } from './catalogue.js';
import type { PageAvailability, PageSeller } from './page-model.js';

/** What a response was. */
export type ServedKind = 'product' | 'offers' | 'offer_listing' | 'captcha' | 'dog' | 'not_found' | 'other';
export const SERVED_KINDS: readonly ServedKind[] = ['product', 'offers', 'offer_listing', 'captcha', 'dog', 'not_found', 'other'];

/** The prices a product page embedded (minor units). */
export interface EmbeddedProduct {
  readonly layout: Layout;
  readonly variant: PageVariant;
  readonly priceNew: number | null;
  readonly priceUsed: number | null;
  readonly priceRefurbished: number | null;
  readonly listPrice: number | null;
  readonly availability: PageAvailability;
  readonly seller: PageSeller;
}

/** The offers an offer page embedded. */
export interface EmbeddedOffers {
  readonly page: number;
  readonly totalOfferCount: number;
  readonly offers: readonly { readonly price: number; readonly shipping: number; readonly condition: string; readonly seller: string; readonly pinned: boolean }[];
}

/** One served request. */
export interface RequestLogEntry {
  /** Sequence number since start (also sent as the `x-amz-rid` header). */
  readonly seq: number;
  /** When it was served, epoch ms: prices are those at this instant. */
  readonly time: number;
  readonly ip: string;
  readonly marketplace: MarketplaceCode | null;
  readonly method: string;
  readonly path: string;
  readonly served: ServedKind;
  readonly status: number;
  readonly asin: string | null;
  /** For robot checks: which shape, and why it was served. */
  readonly captcha: { readonly shape: CaptchaShape; readonly reason: 'rate' | 'cooldown' | 'storm' } | null;
  readonly product: EmbeddedProduct | null;
  readonly offers: EmbeddedOffers | null;
  /** Body bytes sent (after compression) and decoded. */
  readonly bytes: number;
  readonly rawBytes: number;
  readonly gzip: boolean;
}

/** Counters of one client IP. */
export interface ClientStats {
  readonly ip: string;
  readonly requests: number;
  readonly served: Readonly<Record<ServedKind, number>>;
  readonly firstAt: number;
  readonly lastAt: number;
  /** Requests per second over the last 10 seconds. */
  readonly ratePerSec: number;
  /** End of the client's robot-check cool-down, epoch ms (0: none). */
  readonly blockedUntil: number;
}

interface MutableClient {
  ip: string;
  requests: number;
  served: Record<ServedKind, number>;
  firstAt: number;
  lastAt: number;
  /** Requests per whole second, for the last 10 seconds. */
  window: Int32Array;
  windowSecond: number;
}

const WINDOW_SECONDS = 10;
const MAX_CLIENTS = 10_000;

function emptyServed(): Record<ServedKind, number> {
  return { product: 0, offers: 0, offer_listing: 0, captcha: 0, dog: 0, not_found: 0, other: 0 };
}

/** The log. */
export class RequestLog {
  private readonly ring: (RequestLogEntry | undefined)[];
  private next = 0;
  /** Entries logged since the last reset. */
  private count = 0;
  /** Entries logged since start: sequence numbers never repeat, even across resets. */
  private total = 0;
  private readonly clients = new Map<string, MutableClient>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('request log capacity must be a positive integer');
    this.ring = new Array<RequestLogEntry | undefined>(capacity);
  }

  /** Sequence number of the next entry. */
  nextSeq(): number {
    return this.total + 1;
  }

  /** Appends an entry (evicting the oldest when full) and counts it for its client. */
  add(entry: RequestLogEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count++;
    this.total++;
    let c = this.clients.get(entry.ip);
    if (!c) {
      if (this.clients.size >= MAX_CLIENTS) {
        const oldest = this.clients.keys().next().value;
        if (oldest !== undefined) this.clients.delete(oldest);
      }
      c = { ip: entry.ip, requests: 0, served: emptyServed(), firstAt: entry.time, lastAt: entry.time, window: new Int32Array(WINDOW_SECONDS), windowSecond: Math.floor(entry.time / 1000) };
    } else this.clients.delete(entry.ip);
    this.clients.set(entry.ip, c);
    c.requests++;
    c.served[entry.served]++;
    c.lastAt = entry.time;
    this.advance(c, Math.floor(entry.time / 1000));
    c.window[c.windowSecond % WINDOW_SECONDS]!++;
  }

  /** Entries still held, oldest first, filtered. */
  entries(filter: { ip?: string; sinceSeq?: number; since?: number; limit?: number; served?: ServedKind } = {}): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const held = Math.min(this.count, this.capacity);
    for (let i = 0; i < held; i++) {
      const e = this.ring[(this.next - held + i + this.capacity) % this.capacity];
      if (!e) continue;
      if (filter.ip !== undefined && e.ip !== filter.ip) continue;
      if (filter.sinceSeq !== undefined && e.seq < filter.sinceSeq) continue;
      if (filter.since !== undefined && e.time < filter.since) continue;
      if (filter.served !== undefined && e.served !== filter.served) continue;
      out.push(e);
    }
    return filter.limit !== undefined ? out.slice(-filter.limit) : out;
  }

  /** The entry with sequence number `seq`, if still held. */
  bySeq(seq: number): RequestLogEntry | undefined {
    if (seq < 1 || seq > this.total || this.total - seq >= Math.min(this.count, this.capacity)) return undefined;
    const e = this.ring[(this.next - 1 - (this.total - seq) + this.capacity) % this.capacity];
    return e?.seq === seq ? e : undefined;
  }

  /** Requests logged since start (including evicted ones). */
  get totalRequests(): number {
    return this.total;
  }

  /** Per-IP counters at `now`; `blockedUntil` looks up each IP's cool-down. */
  clientStats(now: number, blockedUntil: (ip: string) => number): ClientStats[] {
    return [...this.clients.values()].map((c) => {
      this.advance(c, Math.floor(now / 1000));
      let n = 0;
      for (const v of c.window) n += v;
      return {
        ip: c.ip,
        requests: c.requests,
        served: { ...c.served },
        firstAt: c.firstAt,
        lastAt: c.lastAt,
        ratePerSec: n / WINDOW_SECONDS,
        blockedUntil: blockedUntil(c.ip),
      };
    });
  }

  /** Forgets everything. */
  reset(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
    this.clients.clear();
  }

  private advance(c: MutableClient, second: number): void {
    if (second <= c.windowSecond) return;
    const steps = Math.min(WINDOW_SECONDS, second - c.windowSecond);
    for (let i = 1; i <= steps; i++) c.window[(c.windowSecond + i) % WINDOW_SECONDS] = 0;
    c.windowSecond = second;
  }
}
