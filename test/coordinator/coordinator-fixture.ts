/** Shared set-up of the coordinator tests: a client on a real Redis with test-sized settings. */
import { type ConfigInput, loadConfig } from '../../config/index.js';
import { type CoordinatorClient, type SchedulePolicy, createCoordinatorClient } from '../../coordinator/index.js';
import { type Redis, redisKeys } from '../../runtime/index.js';
import type { TestRedis } from '../helpers/redis.js';

export type CoordinatorSettings = NonNullable<ConfigInput['coordinator']>;

/** A coordinator client on its own connection (so concurrent clients really race). */
export function coordinatorFor(
  testRedis: TestRedis,
  settings: CoordinatorSettings = {},
  { maxStreamLength = 200_000, policy }: { maxStreamLength?: number; policy?: Partial<SchedulePolicy> } = {},
): { client: CoordinatorClient; redis: Redis } {
  const config = loadConfig({
    env: {},
    flags: { redis: { url: testRedis.url, keyPrefix: testRedis.keyPrefix }, coordinator: settings, ingest: { maxStreamLength } },
  });
  const redis = testRedis.client('coordinator-test');
  return { client: createCoordinatorClient({ redis, keys: redisKeys(testRedis.keyPrefix), config, policy }), redis };
}

/** `n` distinct well-formed ASINs starting with `lead` (2 characters). */
export function makeAsins(n: number, lead = 'B0'): string[] {
  return Array.from({ length: n }, (_, i) => `${lead}${i.toString(36).toUpperCase().padStart(8, '0')}`);
}
