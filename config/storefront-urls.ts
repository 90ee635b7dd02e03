/** The URLs Dromedary fetches and links to, honouring per-marketplace base URL overrides. */
import type { Config } from './config-schema.js';
import { type MarketplaceCode, getMarketplace } from './marketplaces.js';

/** `https://www.amazon.de`, or the configured override (no trailing slash). */
export function marketplaceBaseUrl(config: Pick<Config, 'marketplaces'> | undefined, code: MarketplaceCode): string {
  const override = config?.marketplaces[code]?.baseUrl;
  if (override) return override.replace(/\/+$/, '');
  return `https://www.${getMarketplace(code).domain}`;
}

/** The product page of `asin` on `code`'s storefront. */
export function productUrl(config: Pick<Config, 'marketplaces'> | undefined, code: MarketplaceCode, asin: string): string {
  return `${marketplaceBaseUrl(config, code)}/dp/${asin}`;
}

/** The All Offers Display fragment (new, used and refurbished offers) of `asin`, page `page` (1-based). */
export function offersUrl(
  config: Pick<Config, 'marketplaces'> | undefined,
  code: MarketplaceCode,
  asin: string,
  page = 1,
): string {
  return `${marketplaceBaseUrl(config, code)}/gp/aod/ajax?asin=${asin}&pc=dp&pageno=${page}`;
}
