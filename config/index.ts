/** config/: typed configuration and the marketplace catalogue. */
export {
  MARKETPLACES,
  MARKETPLACE_CODES,
  UnknownMarketplaceError,
  getMarketplace,
  isMarketplaceCode,
  marketplaceForHost,
  type Marketplace,
  type MarketplaceCode,
  type NumberFormat,
} from './marketplaces.js';
export {
  InvalidProductReferenceError,
  isAsin,
  parseAsin,
  parseProductReference,
  type ProductReference,
} from './amazon-url.js';
export { DEFAULT_REDIS_URL, configSchema, type Config, type ConfigInput } from './config-schema.js';
export { ConfigError, ENV_BINDINGS, loadConfig, redactConfig, redactUrlCredentials, withOverrides, type LoadConfigOptions } from './load-config.js';
export { marketplaceBaseUrl, productUrl, offersUrl } from './storefront-urls.js';
