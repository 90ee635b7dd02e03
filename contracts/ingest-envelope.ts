/**
 * One entry of the ingestion stream: the results of a few checks from one crawler node. Batching
 * checks per entry keeps Redis and the ingester cheap (an entry per observation costs far more).
 */
import { z } from 'zod';
import { crawlOutcomeSchema } from './crawl-outcome.js';
import { priceObservationSchema } from './price-observation.js';
import { productMetadataSchema } from './product-metadata.js';

export const INGEST_ENVELOPE_VERSION = 1;

export const ingestEnvelopeSchema = z.strictObject({
  v: z.literal(INGEST_ENVELOPE_VERSION),
  observations: z.array(priceObservationSchema),
  outcomes: z.array(crawlOutcomeSchema),
  products: z.array(productMetadataSchema),
});

export type IngestEnvelope = z.infer<typeof ingestEnvelopeSchema>;
