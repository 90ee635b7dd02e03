/** What a product page says about the product itself; stored as the latest version per product. */
import { z } from 'zod';
import { MARKETPLACE_CODES, type MarketplaceCode } from '../config/index.js';
import { ASIN_PATTERN } from './price-observation.js';

export const productMetadataSchema = z.strictObject({
  marketplace: z.enum(MARKETPLACE_CODES as [MarketplaceCode, ...MarketplaceCode[]]),
  asin: z.string().regex(ASIN_PATTERN),
  title: z.string().max(2000),
  brand: z.string().max(500),
  /** Breadcrumb joined with " > "; empty when the page has none. */
  breadcrumb: z.string().max(2000),
  imageUrl: z.string().max(2000),
  /** Best sales rank shown on the page; null when absent. */
  salesRank: z.number().int().positive().nullable(),
  /** The variation parent, when the page names one. */
  parentAsin: z.string().regex(ASIN_PATTERN).nullable(),
  checkedAt: z.number().int().positive(),
});

export type ProductMetadata = z.infer<typeof productMetadataSchema>;
