/**
 * simulator/: a faithful, hostile stand-in for Amazon's storefronts, for tests, benchmarks and the
 * demo. `startSimulator` serves product pages (old and new layouts), offer fragments, robot checks
 * and dog pages for a seeded catalogue whose prices move over time, and exposes the ground truth
 * and test controls in process and under `/__sim/`.
 */
export { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from './simulator-server.js';
export {
  SimulatorCore,
  SimulatorInputError,
  requestIdFor,
  seqFromRequestId,
  type CaptchaStormInput,
  type CatalogueEntry,
  type ForceDropInput,
  type ProductTruth,
  type SimRequest,
  type SimResponse,
  type StockInput,
} from './simulator-core.js';
export {
  DEFAULT_MARKETPLACES,
  SimulatorOptionsError,
  parseSimulatorOptions,
  type SimulatorOptions,
  type SimulatorOptionsInput,
} from './options.js';
export { DEFAULT_HOSTILITY, type HostilityOptions, type RateLimitOptions } from './hostility.js';
export { PAGE_VARIANTS, type Layout, type PageVariant } from './catalogue.js';
export { CAPTCHA_SHAPES, type CaptchaShape } from './blocked-pages.js';
export { UnknownProductError, type SeriesTruth } from './market-state.js';
export { AOD_PAGE_SIZE, type OfferTruth, type OffersTruth, type PageAvailability, type PageSeller, type ProductPageTruth } from './page-model.js';
export { SERVED_KINDS, type ClientStats, type EmbeddedOffers, type EmbeddedProduct, type RequestLogEntry, type ServedKind } from './request-log.js';
export { moneyStyle, minorToDecimal, type MoneyStyle } from './money-format.js';
export type { TlsMaterial } from './tls-certificate.js';
