/**
 * coordinator/: when each (marketplace, ASIN) is checked. The schedule, leases and last prices live
 * in Redis; every change is one Lua script on the marketplace's hash slot. Crawler nodes and the
 * admin commands use {@link createCoordinatorClient}; the coordinator role runs {@link startCoordinator}.
 */
export {
  checkIdOf,
  createCoordinatorClient,
  leaseMarketplace,
  type AckInput,
  type CoordinatorClient,
  type CoordinatorClientOptions,
  type FailInput,
  type ReleaseResult,
  type RenewResult,
  type ScheduleEntry,
  type SettleInput,
} from './coordinator-client.js';
export { checksFromEnvelope, restrictEnvelope } from './envelope-checks.js';
export {
  CoordinatorError,
  CoordinatorInputError,
  CoordinatorScriptError,
  LeaseLostError,
  NotHeldError,
} from './errors.js';
export type { MarketplaceStatus, ProxyHealth, ProxyHealthSource, RecentChecks } from './marketplace-status.js';
export { schedulePolicy, type SchedulePolicy } from './schedule-policy.js';
export { decodeState, encodeState, type ProductState } from './state-codec.js';
export {
  addProducts,
  rebuildSchedule,
  recordRetirements,
  removeProducts,
  type AddResult,
  type CatalogAdminOptions,
  type RebuildOptions,
  type RebuildResult,
  type RemoveResult,
} from './catalog-admin.js';
export { readProductInput, type ProductInput, type ProductInputProblem, type ReadProductInputOptions } from './product-input.js';
export { startCoordinator, type CoordinatorRole, type CoordinatorRoleOptions } from './coordinator-role.js';
