/**
 * The producer side of `dromedary bench storage`, run as a child process so generating and sending
 * observations does not share the ingester's event loop (crawler nodes are other processes too).
 * Receives its options as JSON in argv[2], sends { produced, seconds } over IPC when done.
 */
import type { MarketplaceCode } from '../config/index.js';
import { encodeIngestEnvelope, type PriceObservation } from '../contracts/index.js';
import { closeRedis, connectRedis, redisKeys } from '../runtime/index.js';
import { createIngestProducer } from '../storage/index.js';
import { syntheticChecks } from './storage-bench-data.js';

interface ProducerData {
  redisUrl: string;
  keyPrefix: string;
  asins: number;
  points: number;
  observationsPerEntry: number;
  maxStreamLength: number;
  asinPrefix: string;
  seed: number;
}

const data = JSON.parse(process.argv[2] ?? '{}') as ProducerData;
const redis = connectRedis({ url: data.redisUrl, name: 'bench-producer' });
const producer = createIngestProducer({ redis, keys: redisKeys(data.keyPrefix), maxStreamLength: data.maxStreamLength, pollMs: 5 });
const marketplace: MarketplaceCode = 'us';
const started = performance.now();
let produced = 0;
let buffer: PriceObservation[] = [];
const inFlight = new Set<Promise<unknown>>();
for (const check of syntheticChecks({ asins: data.asins, points: data.points, asinPrefix: data.asinPrefix, seed: data.seed })) {
  buffer.push(...check);
  if (buffer.length < data.observationsPerEntry) continue;
  const encoded = encodeIngestEnvelope({ v: 1, observations: buffer, outcomes: [], products: [] });
  produced += buffer.length;
  buffer = [];
  const p = producer.appendEncoded(marketplace, encoded).finally(() => inFlight.delete(p));
  inFlight.add(p);
  if (inFlight.size >= 16) await Promise.race(inFlight);
}
if (buffer.length > 0) {
  produced += buffer.length;
  await producer.appendEncoded(marketplace, encodeIngestEnvelope({ v: 1, observations: buffer, outcomes: [], products: [] }));
}
await Promise.all(inFlight);
await closeRedis(redis);
process.send?.({ produced, seconds: (performance.now() - started) / 1000 });
process.disconnect?.();
