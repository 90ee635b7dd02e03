/**
 * How the simulator fights back, like the real site: a token bucket per client IP whose
 * overdraft starts a cool-down during which that IP gets only robot checks; CAPTCHA storms (every
 * client, or one storefront, for a while); occasional 503 dog pages; slow answers. Decisions that
 * are random draw from one seeded stream, so a run with the same requests in the same order
 * behaves the same.
 */
import type { MarketplaceCode } from '../config/index.js';
import { CAPTCHA_SHAPES, type CaptchaShape } from './blocked-pages.js';
import { Rng, hash32 } from './random.js';

/** Per-client-IP request budget. */
export interface RateLimitOptions {
  /** Sustained requests per second per client IP. */
  ratePerSec: number;
  /** Requests a client may send at once before the rate applies. */
  burst: number;
  /** After an overdraft, the client gets only robot checks for this long, ms. */
  cooldownMs: number;
}

/** The knobs of hostility; every field can be changed while running. */
export interface HostilityOptions {
  /** Per-IP rate limit, or false for none. Default 2/s, burst 20, cool-down 60 s. */
  rateLimit: RateLimitOptions | false;
  /** Share of robot checks answered with HTTP 503 instead of 200 (0..1). Default 0.5. */
  captcha503Share: number;
  /** Probability that a request gets a 503 dog page (0..1). Default 0.005. */
  dogPageProbability: number;
  /** Added response delay, ms: a fixed value or a uniform range. Default 0. */
  latencyMs: number | { min: number; max: number };
}

export const DEFAULT_HOSTILITY: Readonly<HostilityOptions> = Object.freeze({
  rateLimit: Object.freeze({ ratePerSec: 2, burst: 20, cooldownMs: 60_000 }),
  captcha503Share: 0.5,
  dogPageProbability: 0.005,
  latencyMs: 0,
});

/** A CAPTCHA storm: every request (of one storefront, or all) gets a robot check until `until`. */
export interface CaptchaStorm {
  readonly marketplace: MarketplaceCode | null;
  readonly until: number;
  /** Force one status; default mixed per `captcha503Share`. */
  readonly status: 200 | 503 | null;
}

/** Why a request was answered with something other than what it asked for. */
export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'captcha'; readonly reason: 'rate' | 'cooldown' | 'storm'; readonly shape: CaptchaShape; readonly status: 200 | 503 }
  | { readonly kind: 'dog' };

interface Bucket {
  tokens: number;
  updatedAt: number;
  blockedUntil: number;
}

/** Most client IPs tracked at once; the least recently seen is forgotten first. */
const MAX_CLIENTS = 100_000;

/** Decides, per request, whether the simulator answers or blocks. */
export class Hostility {
  private options: HostilityOptions;
  private readonly buckets = new Map<string, Bucket>();
  private storms: CaptchaStorm[] = [];
  private rng: Rng;

  constructor(
    private readonly seed: number,
    options: Partial<HostilityOptions> = {},
  ) {
    this.options = { ...DEFAULT_HOSTILITY, ...options };
    this.rng = new Rng(hash32(seed, 'hostility'));
  }

  /** The options in force. */
  current(): HostilityOptions {
    return this.options;
  }

  /** Changes some options; buckets keep their state. */
  update(patch: Partial<HostilityOptions>): HostilityOptions {
    this.options = { ...this.options, ...patch };
    return this.options;
  }

  /** Starts a storm. */
  storm(storm: CaptchaStorm): void {
    this.storms.push(storm);
  }

  /** Forgets buckets, cool-downs and storms; restarts the random stream. */
  reset(): void {
    this.buckets.clear();
    this.storms = [];
    this.rng = new Rng(hash32(this.seed, 'hostility'));
  }

  /** The cool-down end of `ip`, epoch ms, or 0. */
  blockedUntil(ip: string): number {
    return this.buckets.get(ip)?.blockedUntil ?? 0;
  }

  /** Decides what request of `ip` to `marketplace` at `now` gets. */
  judge(ip: string, marketplace: MarketplaceCode | null, now: number): Verdict {
    const storm = this.activeStorm(marketplace, now);
    const limit = this.options.rateLimit;
    let bucketVerdict: 'rate' | 'cooldown' | null = null;
    if (limit) bucketVerdict = this.take(ip, limit, now);
    if (storm) return this.captcha('storm', storm.status);
    if (bucketVerdict) return this.captcha(bucketVerdict, null);
    if (this.options.dogPageProbability > 0 && this.rng.next() < this.options.dogPageProbability) return { kind: 'dog' };
    return { kind: 'pass' };
  }

  /** The delay to add to a response, ms. */
  latency(): number {
    const l = this.options.latencyMs;
    if (typeof l === 'number') return l;
    return l.min + this.rng.next() * Math.max(0, l.max - l.min);
  }

  private activeStorm(marketplace: MarketplaceCode | null, now: number): CaptchaStorm | undefined {
    if (this.storms.length === 0) return undefined;
    this.storms = this.storms.filter((s) => s.until > now);
    return this.storms.find((s) => s.marketplace === null || s.marketplace === marketplace);
  }

  private captcha(reason: 'rate' | 'cooldown' | 'storm', status: 200 | 503 | null): Verdict {
    const shape = CAPTCHA_SHAPES[Math.floor(this.rng.next() * CAPTCHA_SHAPES.length)]!;
    const s = status ?? (this.rng.next() < this.options.captcha503Share ? 503 : 200);
    return { kind: 'captcha', reason, shape, status: s };
  }

  /** Takes a token; returns null when allowed, else why not. */
  private take(ip: string, limit: RateLimitOptions, now: number): 'rate' | 'cooldown' | null {
    let b = this.buckets.get(ip);
    if (!b) {
      b = { tokens: limit.burst, updatedAt: now, blockedUntil: 0 };
      if (this.buckets.size >= MAX_CLIENTS) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      this.buckets.set(ip, b);
    }
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.updatedAt) / 1000) * limit.ratePerSec);
    b.updatedAt = now;
    if (now < b.blockedUntil) return 'cooldown';
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    b.blockedUntil = now + limit.cooldownMs;
    return 'rate';
  }
}
