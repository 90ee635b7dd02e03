/**
 * One entry of a marketplace's ingestion stream: the results of a few checks from one crawler node.
 * Batching checks per entry keeps Redis and the ingester cheap (an entry per observation costs far
 * more). Producers write the entry as one field, {@link INGEST_ENTRY_FIELD}, holding the envelope as
 * JSON; the ingester validates it with {@link ingestEnvelopeSchema} before anything is stored.
 */
import { z } from 'zod';
import { crawlOutcomeSchema } from './crawl-outcome.js';
import { priceObservationSchema } from './price-observation.js';
import { productMetadataSchema } from './product-metadata.js';

export const INGEST_ENVELOPE_VERSION = 1;

/** The stream entry field that holds the JSON envelope. */
export const INGEST_ENTRY_FIELD = 'e';

export const ingestEnvelopeSchema = z.strictObject({
  v: z.literal(INGEST_ENVELOPE_VERSION),
  observations: z.array(priceObservationSchema),
  outcomes: z.array(crawlOutcomeSchema),
  products: z.array(productMetadataSchema),
});

export type IngestEnvelope = z.infer<typeof ingestEnvelopeSchema>;

/** The stream entry value for `envelope`. */
export function encodeIngestEnvelope(envelope: IngestEnvelope): string {
  return JSON.stringify(envelope);
}
