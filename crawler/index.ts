/**
 * crawler/: the crawler node — Crawlee crawlers fed by the coordinator through a Redis-backed request
 * manager, with proxy rotation, cluster-wide rate limits, robot-check back-off and the parser — and
 * the proxy pool and registry the admin commands manage.
 */
import type { CrawlerNode, CrawlerNodeOptions } from './crawler-node.js';

export type { CrawlerNode, CrawlerNodeOptions } from './crawler-node.js';

/**
 * Starts a crawler node (see crawler-node.ts); resolves once it is leasing. The crawling libraries
 * (Crawlee's HTTP crawler, got-scraping, and Playwright in browser mode) load only here, so commands
 * that merely use the proxy registry or the limiter start fast.
 */
export async function startCrawlerNode(options: CrawlerNodeOptions): Promise<CrawlerNode> {
  const { startCrawlerNode: start } = await import('./crawler-node.js');
  return start(options);
}
export { createProxyPool, type PoolHealth, type PooledProxy, type ProxyPool, type ProxyPoolOptions } from './proxy-pool.js';
export {
  addProxy,
  listProxies,
  registeredProxies,
  removeProxy,
  type ProxyListing,
  type ProxySource,
} from './proxy-registry.js';
export { testProxy, type ProxyTestResult } from './proxy-test.js';
export { createProxyHealthSource } from './proxy-health.js';
export { DIRECT_PROXY_ID, ProxyInputError, parseProxyUrl, redactProxyUrl, type ProxySpec } from './proxy-url.js';
export { createRateLimiter, ProxyCoolingError, RateLimitWaitTooLongError, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export { LeaseRequestManager, type CheckData, type LeaseGate, type LeaseRequestManagerOptions } from './lease-request-manager.js';
export { successEntry, failureEntry, type CheckContext } from './check-record.js';
export { decodeBody, ACCEPT_ENCODING } from './body-decode.js';
export { PRODUCT_PAGE_END_MARKERS, readBody, type BodyReading, type ReadBodyOptions } from './body-reader.js';
export { createPageReader, type PageReader, type PageInput } from './page-reader.js';
export {
  BlockedError,
  HandBackError,
  PageParseError,
  ProductGoneError,
  ProxyUnavailableError,
  RobotCheckError,
  StorefrontError,
  failureOf,
  type CheckFailure,
} from './errors.js';
