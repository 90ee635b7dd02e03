/**
 * Decoding and parsing the pages a check fetched — the CPU-heavy part of a check (inflating ~1.4 MB
 * and scanning it). {@link createPageReader} runs it on worker threads (default: one per spare core)
 * so the crawler's event loop only moves bytes; with `workers: 0` it runs inline.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MarketplaceCode } from '../config/index.js';
import { type ParsedOffers, type ParsedPage, parseOffers, parsePage } from '../parser/index.js';
import { MAX_WIRE_BYTES, decodeBody } from './body-decode.js';
import { PRODUCT_PAGE_END_MARKERS, contentCoding, readBody } from './body-reader.js';
import { PageParseError } from './errors.js';

/** A body to read: raw bytes with their `Content-Encoding`, or text already decoded. */
export interface PageInput {
  readonly body: Buffer | string;
  /** `Content-Encoding` of a Buffer body; undefined: not encoded. */
  readonly encoding: string | string[] | undefined;
  readonly marketplace: MarketplaceCode;
  readonly statusCode: number;
  readonly url: string;
  /** The Buffer body's memory belongs to it alone and may be moved to a worker (it is unusable after). */
  readonly movable?: boolean;
}

/** An offers answer: the offers, or (when it was not an offer list) what the page was. */
export type OffersReading = { readonly kind: 'offers'; readonly offers: ParsedOffers } | { readonly kind: 'page'; readonly page: ParsedPage };

/** A product page read off the wire. */
export interface StreamedPage {
  readonly page: ParsedPage;
  /** Bytes received (as sent). */
  readonly wireBytes: number;
  /** Bytes decoded (up to where the page's data ends). */
  readonly decodedBytes: number;
  /** Reading stopped where the page's data ends (see body-reader.ts). */
  readonly stoppedEarly: boolean;
}

/** What {@link PageReader.streamPage} needs besides the response. */
export interface StreamMeta {
  readonly encoding: string | string[] | undefined;
  readonly marketplace: MarketplaceCode;
  readonly statusCode: number;
  readonly url: string;
}

/** Reads pages; see the module comment. */
export interface PageReader {
  /**
   * Reads a product page straight off `response` (raw, compressed): decoded as it arrives and parsed
   * on the reader's thread, reading stops where the page's data ends (the response is then destroyed).
   * Rejects with {@link PageParseError} for an oversized or undecodable body, or the stream's error.
   */
  streamPage(response: Readable, meta: StreamMeta): Promise<StreamedPage>;
  /** Decodes and parses a page; rejects with {@link PageParseError} when the body does not decode. */
  page(input: PageInput): Promise<ParsedPage>;
  offers(input: PageInput): Promise<OffersReading>;
  /** Worker threads in use (0: inline). */
  readonly workers: number;
  close(): Promise<void>;
}

/** What a worker is asked to do: read a whole body, or follow a streamed one chunk by chunk. */
export type ReadRequest =
  | (PageInput & { readonly id: number; readonly op: 'page' | 'offers' })
  | { readonly id: number; readonly op: 'open'; readonly coding: string; readonly marketplace: MarketplaceCode; readonly statusCode: number; readonly url: string }
  | { readonly id: number; readonly op: 'chunk'; readonly chunk: Uint8Array }
  | { readonly id: number; readonly op: 'end' | 'abort' };

/** What a worker answers; `stop` comes first when a streamed page's data has ended (stop receiving). */
export type ReadReply =
  | { readonly id: number; readonly ok: true; readonly result: ParsedPage | OffersReading | StreamedPage }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly id: number; readonly stop: true };

/** The reading itself, shared by the inline reader and the workers. */
export function readInline(op: 'page' | 'offers', input: PageInput): ParsedPage | OffersReading {
  const body = typeof input.body === 'string' || input.encoding === undefined ? input.body : decodeBody(input.body, input.encoding);
  if (op === 'page') return parsePage(body, { marketplace: input.marketplace, statusCode: input.statusCode, url: input.url });
  const offers = parseOffers(body, { marketplace: input.marketplace, url: input.url });
  if (offers.source !== 'none') return { kind: 'offers', offers };
  return { kind: 'page', page: parsePage(body, { marketplace: input.marketplace, statusCode: input.statusCode, url: input.url }) };
}

/** Default worker threads: one per core beyond the first. */
export function defaultReaderWorkers(): number {
  return Math.max(0, availableParallelism() - 1);
}

export interface PageReaderOptions {
  /** Worker threads; 0 reads inline. Default {@link defaultReaderWorkers}. */
  workers?: number;
}

export function createPageReader(options: PageReaderOptions = {}): PageReader {
  const count = options.workers ?? defaultReaderWorkers();
  if (count <= 0) {
    return {
      workers: 0,
      async streamPage(response, meta) {
        const r = await readBody(response, meta.encoding, { stopAt: PRODUCT_PAGE_END_MARKERS });
        const page = parsePage(r.decoded, { marketplace: meta.marketplace, statusCode: meta.statusCode, url: meta.url });
        return { page, wireBytes: r.wireBytes, decodedBytes: r.decoded.length, stoppedEarly: r.stoppedEarly };
      },
      page: (input) => Promise.resolve().then(() => readInline('page', input) as ParsedPage),
      offers: (input) => Promise.resolve().then(() => readInline('offers', input) as OffersReading),
      close: () => Promise.resolve(),
    };
  }
  return workerReader(count);
}

function startWorker(): Worker {
  const js = new URL('./page-reader-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  // Running from source (tsx, vitest): the worker registers the TypeScript loader (a development
  // dependency) before it imports the worker module.
  const ts = new URL('./page-reader-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(ts)}); });`, { eval: true });
}

function workerReader(count: number): PageReader {
  type Result = ParsedPage | OffersReading | StreamedPage;
  const pending = new Map<number, { resolve: (v: Result) => void; reject: (e: Error) => void; worker: Worker; onStop?: () => void }>();
  const load = new Map<Worker, number>();
  let nextId = 1;
  let closed = false;

  const spawn = (): Worker => {
    const w = startWorker();
    w.unref();
    load.set(w, 0);
    w.on('message', (reply: ReadReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      if ('stop' in reply) {
        p.onStop?.();
        return;
      }
      pending.delete(reply.id);
      load.set(w, (load.get(w) ?? 1) - 1);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new PageParseError(reply.error));
    });
    w.on('error', (err) => fail(w, err));
    w.on('exit', (code) => {
      if (!closed) fail(w, new Error(`page reader worker exited with code ${code}`));
    });
    return w;
  };

  function fail(w: Worker, err: Error): void {
    load.delete(w);
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      p.reject(err);
    }
    if (!closed) spawn();
  }

  for (let i = 0; i < count; i++) spawn();

  function leastLoaded(): Worker {
    let worker: Worker | undefined;
    let least = Infinity;
    for (const [w, n] of load) {
      if (n < least) {
        least = n;
        worker = w;
      }
    }
    load.set(worker!, least + 1);
    return worker!;
  }

  function run(op: 'page' | 'offers', input: PageInput): Promise<Result> {
    if (closed) return Promise.reject(new Error('the page reader is closed'));
    const w = leastLoaded();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, worker: w });
      const message: ReadRequest = { id, op, ...input };
      // A body that owns its memory moves to the worker without a copy.
      const b = input.body;
      const transfer = input.movable && typeof b !== 'string' && b.buffer instanceof ArrayBuffer ? [b.buffer] : [];
      w.postMessage(message, transfer);
    });
  }

  function stream(response: Readable, meta: StreamMeta): Promise<Result> {
    if (closed) return Promise.reject(new Error('the page reader is closed'));
    let coding: string;
    try {
      coding = contentCoding(meta.encoding);
    } catch (err) {
      response.destroy();
      return Promise.reject(err instanceof Error ? err : new PageParseError(String(err)));
    }
    const w = leastLoaded();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      let wireBytes = 0;
      let stopped = false;
      const detach = (): void => {
        response.off('data', onData);
        response.off('end', onEnd);
        response.off('error', onError);
      };
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        detach();
        if (!response.readableEnded) response.destroy();
      };
      const onData = (chunk: Buffer): void => {
        wireBytes += chunk.length;
        if (wireBytes > MAX_WIRE_BYTES) {
          stop();
          w.postMessage({ id, op: 'abort' } satisfies ReadRequest);
          settle(new PageParseError(`body larger than ${MAX_WIRE_BYTES} bytes`));
          return;
        }
        w.postMessage({ id, op: 'chunk', chunk } satisfies ReadRequest);
      };
      const onEnd = (): void => {
        detach();
        w.postMessage({ id, op: 'end' } satisfies ReadRequest);
      };
      const onError = (err: Error): void => {
        stop();
        w.postMessage({ id, op: 'abort' } satisfies ReadRequest);
        settle(err);
      };
      const settle = (err: Error): void => {
        if (!pending.has(id)) return;
        pending.delete(id);
        load.set(w, (load.get(w) ?? 1) - 1);
        reject(err);
      };
      pending.set(id, {
        resolve: (r) => {
          stop();
          resolve({ ...(r as StreamedPage), wireBytes });
        },
        reject: (e) => {
          stop();
          reject(e);
        },
        worker: w,
        onStop: stop,
      });
      w.postMessage({ id, op: 'open', coding, marketplace: meta.marketplace, statusCode: meta.statusCode, url: meta.url } satisfies ReadRequest);
      response.on('data', onData);
      response.on('end', onEnd);
      response.on('error', onError);
    });
  }

  return {
    workers: count,
    streamPage: async (response, meta) => (await stream(response, meta)) as StreamedPage,
    page: async (input) => (await run('page', input)) as ParsedPage,
    offers: async (input) => (await run('offers', input)) as OffersReading,
    async close() {
      if (closed) return;
      closed = true;
      for (const p of pending.values()) p.reject(new Error('the page reader is closed'));
      pending.clear();
      await Promise.all([...load.keys()].map((w) => w.terminate()));
      load.clear();
    },
  };
}
