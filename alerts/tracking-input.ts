/**
 * What a user asks to track, validated at the boundary (zod), and how a condition maps to the price
 * series of contracts/:
 *
 * | condition | Amazon only | series judged |
 * |---|---|---|
 * | new | no | `new` (the featured new offer) |
 * | new | yes | `amazon` |
 * | used | no | `used` |
 * | used | yes | `warehouse` (Amazon's own used / resale offers) |
 * | refurbished | no | `refurbished` |
 * | refurbished | yes | refused: Amazon sells no refurbished series of its own |
 * | any | no | the cheapest of `new`, `used`, `refurbished` at each check |
 * | any | yes | the cheapest of `amazon`, `warehouse` |
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { ASIN_PATTERN, type Series } from '../contracts/index.js';
import type { TrackingCondition } from '../storage/index.js';
import { InvalidInputError } from './errors.js';

export const TRACKING_CONDITIONS = ['new', 'used', 'refurbished', 'any'] as const satisfies readonly TrackingCondition[];

/** The series a tracking judges, cheapest first wins when there are several. */
export function seriesFor(condition: TrackingCondition, amazonOnly: boolean): readonly Series[] {
  switch (condition) {
    case 'new':
      return amazonOnly ? ['amazon'] : ['new'];
    case 'used':
      return amazonOnly ? ['warehouse'] : ['used'];
    case 'refurbished':
      if (amazonOnly) throw new InvalidInputError('amazonOnly is not available for refurbished offers', ['amazonOnly: not available for condition refurbished']);
      return ['refurbished'];
    case 'any':
      return amazonOnly ? ['amazon', 'warehouse'] : ['new', 'used', 'refurbished'];
  }
}

const minorUnits = z.number().int().positive().max(4_000_000_000);

const rulesSchema = z
  .strictObject({
    /** Alert when the price is at or below this, minor units. */
    targetPrice: minorUnits.nullable().optional(),
    /** Alert on a drop of at least this many percent from the last price (0 < x ≤ 100). */
    dropPercent: z.number().positive().max(100).nullable().optional(),
    /** Alert on a drop of at least this amount from the last price, minor units. */
    dropAmount: minorUnits.nullable().optional(),
    /** Alert on a new all-time low. */
    allTimeLow: z.boolean().optional(),
    /** Alert when the product comes back in stock. */
    backInStock: z.boolean().optional(),
  });

const channelsSchema = z.strictObject({
  /** Send alerts by email (to the user's verified address). Default true. */
  email: z.boolean().optional(),
  /** POST alerts to this http(s) URL, signed with the tracking's webhook secret. null removes it. */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry credentials')
    .nullable()
    .optional(),
});

/** A new tracking. */
export const trackInputSchema = z.strictObject({
  marketplace: z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]),
  asin: z.string().trim().toUpperCase().regex(ASIN_PATTERN, 'not an ASIN (10 letters and digits)'),
  condition: z.enum(TRACKING_CONDITIONS).default('new'),
  amazonOnly: z.boolean().default(false),
  rules: rulesSchema,
  channels: channelsSchema.default({}),
});

/** A change to a tracking: what is given replaces what was (rules as a whole when given). */
export const trackingPatchSchema = z.strictObject({
  condition: z.enum(TRACKING_CONDITIONS).optional(),
  amazonOnly: z.boolean().optional(),
  rules: rulesSchema.optional(),
  channels: channelsSchema.optional(),
});

export type TrackInput = z.input<typeof trackInputSchema>;
export type TrackingPatch = z.input<typeof trackingPatchSchema>;
export type TrackingRules = z.output<typeof rulesSchema>;

/** The rules of a tracking with every field set. */
export interface RuleSet {
  targetPrice: number | null;
  dropPercent: number | null;
  dropAmount: number | null;
  allTimeLow: boolean;
  backInStock: boolean;
}

/** Parses `input` with `schema`, or throws InvalidInputError listing every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
    throw new InvalidInputError(`invalid input: ${problems.join('; ')}`, problems);
  }
  return parsed.data;
}

/** Complete rules from user input; at least one rule must be set. */
export function ruleSet(rules: TrackingRules): RuleSet {
  const set: RuleSet = {
    targetPrice: rules.targetPrice ?? null,
    dropPercent: rules.dropPercent ?? null,
    dropAmount: rules.dropAmount ?? null,
    allTimeLow: rules.allTimeLow ?? false,
    backInStock: rules.backInStock ?? false,
  };
  if (set.targetPrice === null && set.dropPercent === null && set.dropAmount === null && !set.allTimeLow && !set.backInStock) {
    throw new InvalidInputError('a tracking needs at least one rule', ['rules: set targetPrice, dropPercent, dropAmount, allTimeLow or backInStock']);
  }
  return set;
}

/** Normalises an email address for storage and lookup; throws InvalidInputError if it is not one. */
export function normaliseEmail(input: unknown): string {
  const parsed = z.email().max(254).safeParse(typeof input === 'string' ? input.trim().toLowerCase() : input);
  if (!parsed.success) throw new InvalidInputError('not an email address', ['email: not an email address']);
  return parsed.data;
}
