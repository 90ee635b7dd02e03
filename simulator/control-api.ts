/**
 * The truth and control endpoints under the reserved prefix `/__sim/` (JSON). They are never rate
 * limited or logged. Documented in docs/simulator.md.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { SERIES, type Series } from '../contracts/index.js';
import { UnknownProductError } from './market-state.js';
import { hostilitySchema } from './options.js';
import type { OfferTruth, ProductPageTruth } from './page-model.js';
import { SERVED_KINDS, type ServedKind } from './request-log.js';
import type { SimulatorCore} from './simulator-core.js';
import { type ProductTruth, SimulatorInputError } from './simulator-core.js';

/** A JSON answer. */
export interface ControlResponse {
  readonly status: number;
  readonly json: unknown;
}

const code = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]);
const series = z.enum(SERIES);
const dropBody = z.strictObject({
  marketplace: code,
  asin: z.string().regex(/^[A-Za-z0-9]{10}$/),
  series: series.optional(),
  price: z.number().int().positive().optional(),
  priceDecimal: z.number().positive().optional(),
  percent: z.number().positive().lt(100).optional(),
  durationMs: z.number().int().positive().optional(),
});
const stockBody = z.strictObject({
  marketplace: code,
  asin: z.string().regex(/^[A-Za-z0-9]{10}$/),
  series: series.optional(),
  durationMs: z.number().int().positive().optional(),
});
const stormBody = z.strictObject({
  marketplace: code.optional(),
  durationMs: z.number().int().positive(),
  status: z.union([z.literal(200), z.literal(503)]).optional(),
});

function withDecimals(core: SimulatorCore, mk: MarketplaceCode, t: ProductTruth): unknown {
  const d = (v: number | null) => core.decimal(mk, v);
  const page: ProductPageTruth = t.page;
  const offer = (o: OfferTruth) => ({ ...o, priceDecimal: d(o.price), shippingDecimal: d(o.shipping) });
  return {
    ...t,
    series: Object.fromEntries(SERIES.map((s) => [s, { ...t.series[s], priceDecimal: d(t.series[s].price) }])),
    page: {
      ...page,
      priceNewDecimal: d(page.priceNew),
      priceUsedDecimal: d(page.priceUsed),
      priceRefurbishedDecimal: d(page.priceRefurbished),
      listPriceDecimal: d(page.listPrice),
    },
    offers: { ...t.offers, pinned: t.offers.pinned ? offer(t.offers.pinned) : null, offers: t.offers.offers.map(offer) },
  };
}

function timeParam(q: URLSearchParams): number | undefined {
  const t = q.get('t');
  if (t === null) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) throw new SimulatorInputError(`t must be epoch milliseconds, got ${JSON.stringify(t)}`);
  return n;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new SimulatorInputError(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

/** Answers one `/__sim/…` request. `body` is the parsed JSON body of a POST (undefined for GET). */
export function controlRequest(core: SimulatorCore, method: string, url: string, body: unknown): ControlResponse {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(/\/+$/, '');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const parts = path.split('/').slice(2);
  try {
    if (method === 'GET') {
      switch (parts[0] ?? '') {
        case 'health':
          return { status: 200, json: { ok: true, requests: core.log.totalRequests } };
        case 'catalogue': {
          const mk = query.get('marketplace');
          const products = core.listCatalogue(mk ? parse(code, mk) : undefined);
          return { status: 200, json: { seed: core.options.seed, marketplaces: core.options.marketplaces, products } };
        }
        case 'truth': {
          const mk = parse(code, parts[1]);
          const t = core.truth(mk, (parts[2] ?? '').toUpperCase(), timeParam(query));
          return { status: 200, json: withDecimals(core, mk, t) };
        }
        case 'price': {
          const mk = parse(code, parts[1]);
          const s: Series = parse(series, parts[3]);
          const time = timeParam(query);
          const truth = core.priceAt(mk, (parts[2] ?? '').toUpperCase(), s, time);
          return { status: 200, json: { marketplace: mk, asin: (parts[2] ?? '').toUpperCase(), series: s, ...truth, priceDecimal: core.decimal(mk, truth.price) } };
        }
        case 'requests': {
          const served = query.get('served');
          const limit = query.get('limit');
          const entries = core.log.entries({
            ip: query.get('ip') ?? undefined,
            since: query.get('since') ? Number(query.get('since')) : undefined,
            sinceSeq: query.get('sinceSeq') ? Number(query.get('sinceSeq')) : undefined,
            served: served ? parse<ServedKind>(z.enum(SERVED_KINDS as [ServedKind, ...ServedKind[]]), served) : undefined,
            limit: limit ? Math.max(1, Math.min(100_000, Number(limit) || 1)) : 1000,
          });
          return { status: 200, json: { capacity: core.log.capacity, total: core.log.totalRequests, entries } };
        }
        case 'clients':
          return { status: 200, json: { clients: core.clients() } };
        case 'hostility':
          return { status: 200, json: core.hostility.current() };
        default:
          return { status: 404, json: { error: 'NotFound', message: `no endpoint GET ${path}` } };
      }
    }
    if (method === 'POST') {
      switch (parts[0] ?? '') {
        case 'drop': {
          const b = parse(dropBody, body);
          const mk = b.marketplace;
          const price = b.price ?? (b.priceDecimal !== undefined ? Math.round(b.priceDecimal * (mk === 'jp' ? 1 : 100)) : undefined);
          const r = core.forceDrop({ marketplace: mk, asin: b.asin.toUpperCase(), series: b.series, price, percent: b.percent, durationMs: b.durationMs });
          return { status: 200, json: { ...r, priceDecimal: core.decimal(mk, r.price), previousDecimal: core.decimal(mk, r.previous) } };
        }
        case 'stock-out':
        case 'restock': {
          const b = parse(stockBody, body);
          const input = { marketplace: b.marketplace, asin: b.asin.toUpperCase(), series: b.series, durationMs: b.durationMs };
          return { status: 200, json: parts[0] === 'restock' ? core.restock(input) : core.forceStockOut(input) };
        }
        case 'captcha-storm':
          return { status: 200, json: core.captchaStorm(parse(stormBody, body)) };
        case 'hostility': {
          const b = parse(hostilitySchema, body);
          const patch = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
          return { status: 200, json: core.setHostility(patch) };
        }
        case 'reset':
          core.reset();
          return { status: 200, json: { ok: true } };
        default:
          return { status: 404, json: { error: 'NotFound', message: `no endpoint POST ${path}` } };
      }
    }
    return { status: 405, json: { error: 'MethodNotAllowed', message: `${method} is not supported here` } };
  } catch (err) {
    if (err instanceof SimulatorInputError) return { status: 400, json: { error: err.name, message: err.message } };
    if (err instanceof UnknownProductError) return { status: 404, json: { error: err.name, message: err.message } };
    if (err instanceof RangeError) return { status: 400, json: { error: 'RangeError', message: err.message } };
    throw err;
  }
}
