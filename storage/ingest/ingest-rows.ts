/**
 * From stream entries to insert bodies: decode and validate each entry (the contracts' zod schema is
 * the one definition of its shape), then build JSONCompactEachRow bodies for price_points,
 * crawl_outcomes and products. Pure functions: the same entries and sequence number always give the
 * same bodies, which is what lets a re-inserted batch deduplicate.
 */
import {
  INGEST_ENTRY_FIELD,
  INGEST_ENVELOPE_VERSION,
  SERIES,
  type IngestEnvelope,
  type Series,
  crawlOutcomeSchema,
  ingestEnvelopeSchema,
  productMetadataSchema,
} from '../../contracts/index.js';
import { isValidObservation } from './observation-fast-check.js';

/** A raw stream entry as ioredis returns it: id and flat field/value list (null once deleted). */
export type RawEntry = [id: string, fields: string[] | null];

export interface DecodedEntries {
  valid: { id: string; envelope: IngestEnvelope }[];
  invalid: { id: string; reason: string }[];
}

/** Parses and validates entries; an invalid one gets a reason (first problems of the schema). */
export function decodeEntries(entries: readonly RawEntry[]): DecodedEntries {
  const out: DecodedEntries = { valid: [], invalid: [] };
  for (const [id, fields] of entries) {
    const text = fields ? fieldValue(fields, INGEST_ENTRY_FIELD) : undefined;
    if (text === undefined) {
      out.invalid.push({ id, reason: `entry has no "${INGEST_ENTRY_FIELD}" field` });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      out.invalid.push({ id, reason: `not JSON: ${(err as Error).message}` });
      continue;
    }
    let envelope = fastEnvelope(json);
    if (!envelope) {
      const parsed = ingestEnvelopeSchema.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        out.invalid.push({ id, reason: `invalid envelope: ${problems.join('; ')}` });
        continue;
      }
      envelope = parsed.data;
    }
    const beyond = storageLimitProblem(envelope);
    if (beyond) {
      out.invalid.push({ id, reason: `value outside what storage holds: ${beyond}` });
      continue;
    }
    out.valid.push({ id, envelope });
  }
  return out;
}

/**
 * The envelope if it is valid, checked the fast way (observations are the bulk); undefined means
 * "not sure": the caller runs the zod schema, which also explains what is wrong.
 */
function fastEnvelope(json: unknown): IngestEnvelope | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const e = json as Record<string, unknown>;
  if (e.v !== INGEST_ENVELOPE_VERSION || Object.keys(e).length !== 4) return undefined;
  const { observations, outcomes, products } = e;
  if (!Array.isArray(observations) || !Array.isArray(outcomes) || !Array.isArray(products)) return undefined;
  for (const o of observations) if (!isValidObservation(o)) return undefined;
  for (const c of outcomes) if (!crawlOutcomeSchema.safeParse(c).success) return undefined;
  for (const p of products) if (!productMetadataSchema.safeParse(p).success) return undefined;
  return json as IngestEnvelope;
}

const MAX_UINT32 = 4_294_967_295;
const MAX_UINT16 = 65_535;

/**
 * Limits of the columns beyond the contract's own: prices are UInt32 minor units (42.9 million in a
 * two-decimal currency) and offer counts UInt16. ClickHouse would silently wrap larger values.
 */
function storageLimitProblem(envelope: IngestEnvelope): string | undefined {
  for (const [i, o] of envelope.observations.entries()) {
    for (const [field, value] of [['price', o.price], ['previousPrice', o.previousPrice], ['listPrice', o.listPrice]] as const) {
      if (value !== null && value > MAX_UINT32) return `observations.${i}.${field}: ${value} > ${MAX_UINT32}`;
    }
    if (o.offerCount !== null && o.offerCount > MAX_UINT16) return `observations.${i}.offerCount: ${o.offerCount} > ${MAX_UINT16}`;
  }
  for (const [i, c] of envelope.outcomes.entries()) {
    if (c.durationMs > MAX_UINT32 || c.bytes > MAX_UINT32) return `outcomes.${i}: durationMs or bytes > ${MAX_UINT32}`;
  }
  for (const [i, p] of envelope.products.entries()) {
    if (p.salesRank !== null && p.salesRank > MAX_UINT32) return `products.${i}.salesRank > ${MAX_UINT32}`;
  }
  return undefined;
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** Insert bodies for one batch. */
export interface BatchRows {
  points: string;
  pointCount: number;
  outcomes: string;
  outcomeCount: number;
  products: string;
  productCount: number;
}

/** Column order of the bodies below (the INSERT names them). */
export const PRICE_POINT_COLUMNS = [
  'marketplace', 'asin', 'series', 'condition', 'seller_kind', 'price', 'previous_price', 'previous_checked_at', 'currency',
  'list_price', 'is_buy_box', 'availability', 'offer_count', 'checked_at', 'crawler_id', 'ingest_seq',
] as const;
export const CRAWL_OUTCOME_COLUMNS = [
  'marketplace', 'asin', 'outcome', 'http_status', 'detail', 'checked_at', 'crawler_id', 'check_id', 'duration_ms', 'bytes', 'ingest_seq',
] as const;
export const PRODUCT_COLUMNS = [
  'marketplace', 'asin', 'title', 'brand', 'breadcrumb', 'image_url', 'sales_rank', 'parent_asin', 'checked_at', 'ingest_seq',
] as const;

const SERIES_BIT = Object.fromEntries(SERIES.map((s, i) => [s, 1 << i])) as Record<Series, number>;
const seconds = (ms: number): number => Math.floor(ms / 1000);
const millis = (ms: number): string => (ms / 1000).toFixed(3);

/** Rows of a batch before its sequence number is known: each row is a JSON array missing its last element. */
export interface PreparedRows {
  points: string[];
  outcomes: string[];
  products: string[];
}

/**
 * Prepares the rows of `envelopes` (the costly part, done while the previous batch is inserted). A
 * check delivered twice within the batch (same checkId) is stored once; across batches, redelivery is
 * deduplicated by the insert token.
 */
export function prepareRows(envelopes: readonly IngestEnvelope[]): PreparedRows {
  const points: string[] = [];
  const outcomes: string[] = [];
  const products: string[] = [];
  // checkId -> bit set of the series already taken from that check.
  const seenPoints = new Map<string, number>();
  const seenOutcomes = new Set<string>();
  const open = (row: unknown[]): string => {
    const text = JSON.stringify(row);
    return `${text.slice(0, -1)},`;
  };
  const n = (v: number | null): string => (v === null ? 'null' : String(v));
  for (const envelope of envelopes) {
    for (const o of envelope.observations) {
      const bit = SERIES_BIT[o.series];
      const seen = seenPoints.get(o.checkId) ?? 0;
      if ((seen & bit) !== 0) continue;
      seenPoints.set(o.checkId, seen | bit);
      // Built by hand (the hot path): every string here is an enum, an ASIN, a currency code or the
      // crawler id (JSON-encoded); numbers are validated integers.
      points.push(
        `["${o.marketplace}","${o.asin}","${o.series}","${o.condition}","${o.sellerKind}",${n(o.price)},${n(o.previousPrice)},` +
          `${o.previousCheckedAt === null ? 'null' : seconds(o.previousCheckedAt)},"${o.currency}",${n(o.listPrice)},${o.isBuyBox},` +
          `"${o.availability}",${n(o.offerCount)},${seconds(o.checkedAt)},${JSON.stringify(o.crawlerId)},`,
      );
    }
    for (const c of envelope.outcomes) {
      if (seenOutcomes.has(c.checkId)) continue;
      seenOutcomes.add(c.checkId);
      outcomes.push(open([c.marketplace, c.asin, c.outcome, c.httpStatus, c.detail, millis(c.checkedAt), c.crawlerId, c.checkId, c.durationMs, c.bytes]));
    }
    for (const p of envelope.products) {
      products.push(open([p.marketplace, p.asin, p.title, p.brand, p.breadcrumb, p.imageUrl, p.salesRank, p.parentAsin, millis(p.checkedAt)]));
    }
  }
  return { points, outcomes, products };
}

/** The insert bodies of prepared rows under batch sequence number `seq` (the rows' last column). */
export function withSequence(prepared: PreparedRows, seq: number): BatchRows {
  const close = `${seq}]\n`;
  const join = (rows: string[]): string => (rows.length === 0 ? '' : `${rows.join(close)}${close}`);
  return {
    points: join(prepared.points),
    pointCount: prepared.points.length,
    outcomes: join(prepared.outcomes),
    outcomeCount: prepared.outcomes.length,
    products: join(prepared.products),
    productCount: prepared.products.length,
  };
}

/** Both steps at once: the bodies for `envelopes` under sequence number `seq`. */
export function buildRows(envelopes: readonly IngestEnvelope[], seq: number): BatchRows {
  return withSequence(prepareRows(envelopes), seq);
}
