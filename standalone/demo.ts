/**
 * `dromedary start --demo`: the marketplace simulator in the same process, the storefronts pointed at
 * it, a seeded catalogue tracked, and checks every few seconds, so that a newcomer sees charts fill in
 * within a minute, offline.
 */
import type { ConfigInput, MarketplaceCode } from '../config/index.js';
import { type SimulatorHandle, startSimulator } from '../simulator/index.js';

export interface DemoOptions {
  /** Products tracked per storefront. Default 40. */
  productsPerMarketplace?: number;
  /** Storefronts simulated. Default us, de, jp. */
  marketplaces?: readonly MarketplaceCode[];
  /** Seed of the simulated catalogue and prices. Default 7. */
  seed?: number;
  /** Prices may move once per this many ms. Default 20,000. */
  priceEpochMs?: number;
}

/** The simulator, and what the rest of the process must change to use it. */
export interface Demo {
  readonly simulator: SimulatorHandle;
  readonly marketplaces: readonly MarketplaceCode[];
  /** Configuration laid over the user's: storefront base URLs, short check intervals, demo rates. */
  readonly overrides: ConfigInput;
  /** The ASINs to track, per storefront. */
  readonly catalogue: ReadonlyMap<MarketplaceCode, readonly string[]>;
  close(): Promise<void>;
}

/** Starts the simulator for the demo. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const marketplaces = options.marketplaces ?? (['us', 'de', 'jp'] as const);
  const productsPerMarketplace = options.productsPerMarketplace ?? 40;
  const simulator = await startSimulator({
    seed: options.seed ?? 7,
    products: productsPerMarketplace,
    marketplaces: [...marketplaces],
    priceEpochMs: options.priceEpochMs ?? 20_000,
    // Hostile enough to show robot checks now and then, never enough to stall the demo.
    hostility: { rateLimit: { ratePerSec: 30, burst: 60, cooldownMs: 5_000 }, dogPageProbability: 0.005 },
  });
  const catalogue = new Map<MarketplaceCode, readonly string[]>(
    marketplaces.map((code) => [code, simulator.catalogue(code).map((entry) => entry.asin)]),
  );
  const overrides: ConfigInput = {
    marketplaces: Object.fromEntries(marketplaces.map((code) => [code, { baseUrl: simulator.urls[code] }])),
    coordinator: { minIntervalMs: 10_000, maxIntervalMs: 20_000, failureBackoffMs: 5_000, maxFailureBackoffMs: 60_000, leaseMs: 30_000 },
    // Without proxies every storefront is fetched from one address: stay under the simulator's per-address limit.
    crawler: { marketplaces: [...marketplaces], perProxyRatePerSec: 6, marketplaceRatePerSec: 6, captchaCooldownMs: 5_000, maxCaptchaCooldownMs: 30_000 },
    alerts: { cooldownMs: 60_000 },
  };
  return {
    simulator,
    marketplaces,
    overrides,
    catalogue,
    close: () => simulator.close(),
  };
}
