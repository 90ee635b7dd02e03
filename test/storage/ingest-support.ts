/** Internal ingestion steps some tests exercise directly (loading known data quickly, the fast check). */
export { buildRows } from '../../storage/ingest/ingest-rows.js';
export { insertBatch } from '../../storage/ingest/ingest-insert.js';
export { isValidObservation } from '../../storage/ingest/observation-fast-check.js';
