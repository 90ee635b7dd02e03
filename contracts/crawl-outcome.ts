/**
 * The outcome of one check, successful or not. A failed check (robot check, block, timeout, …) is
 * recorded only as an outcome, never as a price.
 */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { ASIN_PATTERN } from './price-observation.js';

export const CRAWL_OUTCOMES = [
  'ok',
  'captcha',
  'blocked',
  'not_found',
  'parse_failure',
  'timeout',
  'network_error',
  'http_error',
] as const;
export type CrawlOutcomeKind = (typeof CRAWL_OUTCOMES)[number];

export const crawlOutcomeSchema = z.strictObject({
  marketplace: z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]),
  asin: z.string().regex(ASIN_PATTERN),
  outcome: z.enum(CRAWL_OUTCOMES),
  /** HTTP status of the product page; null when no response arrived. */
  httpStatus: z.number().int().min(0).max(999).nullable(),
  /** A short reason, no HTML and no cookies. */
  detail: z.string().max(500),
  checkedAt: z.number().int().positive(),
  crawlerId: z.string().min(1).max(200),
  checkId: z.string().min(1).max(200),
  /** Wall time of the check, ms. */
  durationMs: z.number().int().nonnegative(),
  /** Response bytes received for the check (all requests). */
  bytes: z.number().int().nonnegative(),
});

export type CrawlOutcome = z.infer<typeof crawlOutcomeSchema>;
