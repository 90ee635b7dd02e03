/** The simulator's options, their defaults and their validation (one place, one error listing every bad value). */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import type { Layout } from './catalogue.js';
import { DEFAULT_HOSTILITY, type HostilityOptions } from './hostility.js';

/** Storefronts served when none are named. */
export const DEFAULT_MARKETPLACES: readonly MarketplaceCode[] = ['us', 'uk', 'de', 'fr', 'it', 'es', 'jp', 'in', 'ca'];

const code = z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]);
const latency = z.union([z.number().nonnegative(), z.strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() })]);
const rateLimit = z.union([
  z.literal(false),
  z.strictObject({ ratePerSec: z.number().positive(), burst: z.number().positive(), cooldownMs: z.number().nonnegative() }),
]);

/** Schema of the hostility knobs (also the body of `POST /__sim/hostility`). */
export const hostilitySchema = z.strictObject({
  rateLimit: rateLimit.optional(),
  captcha503Share: z.number().min(0).max(1).optional(),
  dogPageProbability: z.number().min(0).max(1).optional(),
  latencyMs: latency.optional(),
});

export const simulatorOptionsSchema = z.strictObject({
  /** Seed of the catalogue, the price paths and the random hostility. Default 1. */
  seed: z.number().int().nonnegative().default(1),
  /** Products per storefront. Default 50. */
  products: z.number().int().positive().max(1_000_000).default(50),
  /** Storefronts served. Default us, uk, de, fr, it, es, jp, in, ca. */
  marketplaces: z.array(code).min(1).default([...DEFAULT_MARKETPLACES]),
  /** Layouts served; products alternate between them. Default both. */
  layouts: z.array(z.enum(['old', 'new'])).min(1).default(['old', 'new']),
  /** Mean product page size, bytes (pages vary from 0.6× to 1.4× of it). Default 1,400,000. */
  pageBytes: z.number().int().min(10_000).max(20_000_000).default(1_400_000),
  /** Length of a price epoch, ms: prices can change once per epoch. Default 1 hour. */
  priceEpochMs: z.number().int().positive().default(3_600_000),
  /** Entries kept in the request log (ring buffer). Default 10,000. */
  requestLogSize: z.number().int().positive().max(10_000_000).default(10_000),
  /** Hostility; see {@link HostilityOptions}. */
  hostility: hostilitySchema.default({}),
  /** Port to listen on; 0 picks a free one. Default 0. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Address to listen on. Default 127.0.0.1. */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Serve TLS too (self-signed certificate for every served storefront's domains, localhost and
   * 127.0.0.1): the port then answers both HTTPS and plain HTTP. Or pass your own PEM cert and key.
   */
  tls: z.union([z.boolean(), z.strictObject({ cert: z.string().min(1), key: z.string().min(1) })]).default(false),
});

/** Options as a caller writes them. */
export type SimulatorOptionsInput = z.input<typeof simulatorOptionsSchema>;
/** Options with defaults applied. */
export type SimulatorOptions = z.output<typeof simulatorOptionsSchema>;

/** Thrown for invalid simulator options; the message lists every problem. Not retryable. */
export class SimulatorOptionsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorOptionsError';
  }
}

/** Validates options and applies defaults. */
export function parseSimulatorOptions(input: SimulatorOptionsInput): SimulatorOptions {
  const parsed = simulatorOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new SimulatorOptionsError(`invalid simulator options: ${problems}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Hostility options with defaults applied. */
export function hostilityFrom(input: z.output<typeof hostilitySchema>): HostilityOptions {
  return {
    rateLimit: input.rateLimit ?? DEFAULT_HOSTILITY.rateLimit,
    captcha503Share: input.captcha503Share ?? DEFAULT_HOSTILITY.captcha503Share,
    dogPageProbability: input.dogPageProbability ?? DEFAULT_HOSTILITY.dogPageProbability,
    latencyMs: input.latencyMs ?? DEFAULT_HOSTILITY.latencyMs,
  };
}

export type { Layout };
