/**
 * The API's cache of computed responses about products (chart data, browser lookups, chart images):
 * in-process, least-recently-used, bounded in entries and bytes, each entry kept at most `maxAgeMs`.
 * Entries are grouped by product so that an announcement "this product changed" (see
 * invalidation-listener.ts) evicts every response about it. Concurrent misses of one key share one
 * computation (the embedded engine runs one query at a time: a burst on one product costs one query),
 * and a computation overtaken by an eviction of its product is returned but not kept.
 */
import { createHash } from 'node:crypto';

/** A cached response: its body and a strong validator. */
export interface CachedBody {
  /** The body; gzip-compressed when `encoding` says so. */
  body: string | Buffer;
  /** `gzip` when `body` is compressed (JSON and text are kept compressed: a fifth of the memory). */
  encoding?: 'gzip';
  /** A strong ETag (quoted), derived from the uncompressed body. */
  etag: string;
  /** When it was computed, epoch ms. */
  at: number;
}

/** What a computation returns: the body, optionally compressed, and the ETag of its uncompressed form. */
export interface ComputedBody {
  body: string | Buffer;
  encoding?: 'gzip';
  etag?: string;
}

export interface ProductCacheOptions {
  /** Most entries kept. Default 20,000. */
  maxEntries?: number;
  /** Most bytes of bodies kept. Default 256 MiB. */
  maxBytes?: number;
  /** Longest an entry is served, ms (bounds staleness if an announcement is lost). Default 15 minutes. */
  maxAgeMs?: number;
  /** Clock; default Date.now. */
  now?: () => number;
}

interface Entry extends CachedBody {
  product: string;
  bytes: number;
}

interface Flight {
  product: string;
  promise: Promise<CachedBody>;
  stale: boolean;
}

/** Cache statistics (also exported as metrics). */
export interface CacheCounters {
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
}

/** The cache; one per API process. */
export class ProductCache {
  readonly #entries = new Map<string, Entry>();
  readonly #byProduct = new Map<string, Set<string>>();
  readonly #flights = new Map<string, Flight>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #bytes = 0;
  readonly counters: CacheCounters = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

  constructor(options: ProductCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 20_000;
    this.#maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.#maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The product key of (marketplace, asin). */
  static productKey(marketplace: string, asin: string): string {
    return `${marketplace}:${asin}`;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The entry for `key` (about `product`), computing it with `compute` on a miss. */
  async get(product: string, key: string, compute: () => Promise<ComputedBody>): Promise<CachedBody> {
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.at <= this.#maxAgeMs) {
      // Refresh its place in the LRU order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.counters.hits++;
      return entry;
    }
    if (entry) this.#remove(key, entry);
    const flying = this.#flights.get(key);
    if (flying) {
      this.counters.hits++;
      return flying.promise;
    }
    this.counters.misses++;
    const flight: Flight = { product, stale: false, promise: Promise.resolve(undefined as unknown as CachedBody) };
    flight.promise = (async () => {
      try {
        const result = await compute();
        const computed: CachedBody = { body: result.body, etag: result.etag ?? etagOf(result.body), at: this.#now() };
        if (result.encoding) computed.encoding = result.encoding;
        if (!flight.stale) this.#store(key, product, computed);
        return computed;
      } finally {
        this.#flights.delete(key);
      }
    })();
    this.#flights.set(key, flight);
    return flight.promise;
  }

  /** Evicts every entry about `product` and keeps computations in flight for it from being stored. */
  invalidate(product: string): void {
    this.counters.invalidations++;
    const keys = this.#byProduct.get(product);
    if (keys) {
      for (const key of [...keys]) {
        const entry = this.#entries.get(key);
        if (entry) this.#remove(key, entry);
      }
    }
    for (const flight of this.#flights.values()) if (flight.product === product) flight.stale = true;
  }

  /** Evicts everything (after a lost announcement channel, for example). */
  clear(): void {
    this.#entries.clear();
    this.#byProduct.clear();
    this.#bytes = 0;
    for (const flight of this.#flights.values()) flight.stale = true;
  }

  #store(key: string, product: string, computed: CachedBody): void {
    const bytes = typeof computed.body === 'string' ? Buffer.byteLength(computed.body) : computed.body.length;
    if (bytes > this.#maxBytes / 4) return;
    const previous = this.#entries.get(key);
    if (previous) this.#remove(key, previous);
    this.#entries.set(key, { ...computed, product, bytes });
    this.#bytes += bytes;
    let keys = this.#byProduct.get(product);
    if (!keys) this.#byProduct.set(product, (keys = new Set()));
    keys.add(key);
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#entries.entries().next().value;
      if (!oldest) break;
      this.#remove(oldest[0], oldest[1]);
      this.counters.evictions++;
    }
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    const keys = this.#byProduct.get(entry.product);
    if (keys) {
      keys.delete(key);
      if (keys.size === 0) this.#byProduct.delete(entry.product);
    }
  }
}

/** A strong ETag for a body (a SHA-1 of it: native, fast on large bodies; not a security boundary). */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}
