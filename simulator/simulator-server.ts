/**
 * `startSimulator`: the simulator as a running HTTP server (and HTTPS on the same port with `tls`),
 * with its truth and controls as methods of the returned handle.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Logger } from 'pino';
import type { MarketplaceCode } from '../config/index.js';
import type { Series } from '../contracts/index.js';
import { controlRequest } from './control-api.js';
import type { HostilityOptions } from './hostility.js';
import type { SeriesTruth } from './market-state.js';
import { type SimulatorOptions, type SimulatorOptionsInput, parseSimulatorOptions } from './options.js';
import type { OffersTruth, ProductPageTruth } from './page-model.js';
import type { ClientStats, RequestLogEntry, ServedKind } from './request-log.js';
import {
  type CaptchaStormInput,
  type CatalogueEntry,
  type ForceDropInput,
  type ProductTruth,
  type StockInput,
  SimulatorCore,
} from './simulator-core.js';
import { type TlsMaterial, selfSignedCertificate } from './tls-certificate.js';

/** What `startSimulator` accepts besides the options. */
export interface StartSimulatorOptions extends SimulatorOptionsInput {
  /** The clock, epoch ms; tests may move time. Default `Date.now`. */
  now?: () => number;
  /** Logger for start/stop and failures (never per request). */
  logger?: Logger;
}

/** A running simulator. */
export interface SimulatorHandle {
  /** `http://host:port` (plain HTTP; the storefront is chosen by Host header or path prefix). */
  readonly url: string;
  /** `https://host:port` when TLS is on. */
  readonly httpsUrl: string | undefined;
  /** Per storefront: the base URL to put in `marketplaces.<code>.baseUrl` (`http://host:port/us`). */
  readonly urls: Readonly<Record<string, string>>;
  readonly port: number;
  readonly host: string;
  readonly options: SimulatorOptions;
  /** The certificate served with TLS. */
  readonly tls: TlsMaterial | undefined;
  catalogue(marketplace?: MarketplaceCode): CatalogueEntry[];
  truth(marketplace: MarketplaceCode, asin: string, time?: number): ProductTruth;
  pageTruth(marketplace: MarketplaceCode, asin: string, time?: number): ProductPageTruth;
  offersTruth(marketplace: MarketplaceCode, asin: string, time?: number): OffersTruth;
  priceAt(marketplace: MarketplaceCode, asin: string, series: Series, time?: number): SeriesTruth;
  requests(filter?: { ip?: string; since?: number; sinceSeq?: number; limit?: number; served?: ServedKind }): RequestLogEntry[];
  /** The log entry of a response, by its `x-amz-rid` header. */
  requestFor(rid: string | null | undefined): RequestLogEntry | undefined;
  clients(): ClientStats[];
  forceDrop(input: ForceDropInput): ReturnType<SimulatorCore['forceDrop']>;
  forceStockOut(input: StockInput): { from: number; until: number | null };
  restock(input: StockInput): { from: number; until: number | null };
  captchaStorm(input: CaptchaStormInput): { until: number };
  setHostility(patch: Partial<HostilityOptions>): HostilityOptions;
  reset(): void;
  /** The simulator itself, for in-process serving (measurements). */
  readonly core: SimulatorCore;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

const MAX_CONTROL_BODY = 64 * 1024;

function clientIp(socket: net.Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const m = /(?:^|,)\s*(?:gzip|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?/i.exec(header);
  return m !== null && (m[1] === undefined || Number(m[1]) > 0);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CONTROL_BODY) {
        reject(new RangeError('control body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return resolve({});
      try {
        resolve(JSON.parse(text) as unknown);
      } catch (err) {
        reject(new RangeError('control body is not JSON', { cause: err }));
      }
    });
    req.on('error', reject);
  });
}

/** Starts a simulator; resolves when it listens. */
export async function startSimulator(input: StartSimulatorOptions = {}): Promise<SimulatorHandle> {
  const { now, logger, ...rest } = input;
  const options = parseSimulatorOptions(rest);
  const core = new SimulatorCore(options, now ?? Date.now);
  core.warm();
  const tls: TlsMaterial | undefined =
    options.tls === false ? undefined : options.tls === true ? await selfSignedCertificate(options.marketplaces) : options.tls;

  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();

  const onControl = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body: unknown;
    try {
      body = req.method === 'POST' ? await readJson(req) : undefined;
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'BadRequest', message: err instanceof Error ? err.message : 'bad body' }));
      return;
    }
    const r = controlRequest(core, req.method ?? 'GET', req.url ?? '/', body);
    const text = JSON.stringify(r.json);
    res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(text);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    if (url === '/__sim' || url.startsWith('/__sim/')) {
      onControl(req, res).catch((err: unknown) => {
        logger?.error({ err }, 'simulator control request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'InternalError' }));
      });
      return;
    }
    let r;
    try {
      r = core.handle({
        method: req.method ?? 'GET',
        host: req.headers.host,
        url,
        ip: clientIp(req.socket),
        acceptsGzip: acceptsGzip(req.headers['accept-encoding']),
      });
    } catch (err) {
      logger?.error({ err }, 'simulator request failed');
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('simulator error');
      return;
    }
    const response = r;
    const send = () => {
      if (res.destroyed) return;
      res.cork();
      res.writeHead(response.status, response.headers);
      if (response.body) for (const chunk of response.body.chunks) res.write(chunk);
      res.end();
      res.uncork();
    };
    if (response.delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, response.delayMs);
      timers.add(timer);
    } else send();
  };

  const httpServer = http.createServer({ keepAliveTimeout: 30_000 }, onRequest);
  const httpsServer = tls ? https.createServer({ cert: tls.cert, key: tls.key, keepAliveTimeout: 30_000 }, onRequest) : undefined;
  // With TLS, one port serves both: the first byte of a TLS connection is a handshake record (0x16).
  const listener: net.Server = httpsServer
    ? net.createServer((socket) => {
        socket.once('data', (first: Buffer) => {
          socket.pause();
          socket.unshift(first);
          (first[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
      })
    : httpServer;
  listener.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address() as net.AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${address.port}`;
  const httpsUrl = tls ? `https://${hostForUrl}:${address.port}` : undefined;
  const urls = Object.fromEntries(options.marketplaces.map((code) => [code, `${url}/${code}`]));
  logger?.info({ url, httpsUrl, marketplaces: options.marketplaces, products: options.products, seed: options.seed }, 'simulator listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    httpsUrl,
    urls,
    port: address.port,
    host: options.host,
    options,
    tls,
    core,
    catalogue: (mk) => core.listCatalogue(mk),
    truth: (mk, asin, time) => core.truth(mk, asin, time),
    pageTruth: (mk, asin, time) => core.truth(mk, asin, time).page,
    offersTruth: (mk, asin, time) => core.truth(mk, asin, time).offers,
    priceAt: (mk, asin, series, time) => core.priceAt(mk, asin, series, time),
    requests: (filter) => core.log.entries(filter),
    requestFor: (rid) => {
      const seq = rid && /^S[0-9A-Z]{19}$/.test(rid) ? parseInt(rid.slice(1), 36) : undefined;
      return seq === undefined ? undefined : core.log.bySeq(seq);
    },
    clients: () => core.clients(),
    forceDrop: (i) => core.forceDrop(i),
    forceStockOut: (i) => core.forceStockOut(i),
    restock: (i) => core.restock(i),
    captchaStorm: (i) => core.captchaStorm(i),
    setHostility: (p) => core.setHostility(p),
    reset: () => core.reset(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        listener.close(() => resolve());
        for (const s of sockets) s.destroy();
        httpServer.closeAllConnections();
        logger?.info({ url }, 'simulator stopped');
      });
      return closing;
    },
  };
}
