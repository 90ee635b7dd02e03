/** runtime/: what every role needs to run: logging, Redis connections, metrics, shutdown. */
export { createLogger, silentLogger, type CreateLoggerOptions, type Logger } from './logger.js';
export { Redis, closeRedis, connectRedis, type ConnectRedisOptions } from './redis-connection.js';
export { RedisServerMissingError, RedisServerProcess, freePort, type RedisServerProcessOptions } from './redis-server-process.js';
export {
  METRIC_PREFIX,
  createMetricsRegistry,
  startMetricsServer,
  type CreateMetricsRegistryOptions,
  type MetricsServer,
} from './metrics-server.js';
export { onShutdown, type Closeable } from './shutdown.js';
export { redisKeys, type AlertsKeys, type ApiKeys, type MarketplaceKeys, type RedisKeys } from './redis-keys.js';
export { advertisedPrivateRedis, startPrivateRedis, type PrivateRedis } from './private-redis.js';
