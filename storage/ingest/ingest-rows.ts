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
  /** price_points rows, JSONCompactEachRow (bytes: the bulk of a batch, built without strings). */
  points: Buffer;
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

/**
 * Width of the slot each price-point row keeps for its batch's sequence number, which is known only
 * after the rows are built: the number is written right-aligned, after spaces (JSON allows them before
 * a value). 16 digits hold every safe integer.
 */
const SEQ_SLOT = 16;

/** Rows of a batch before its sequence number is known. */
export interface PreparedRows {
  /** price_points rows, each with a blank {@link SEQ_SLOT} where its last value goes. */
  points: Buffer;
  /** Where each row's slot starts in `points` (one per row). */
  seqSlots: Uint32Array;
  /** Each row's last element is missing (JSON arrays open at the end). */
  outcomes: string[];
  products: string[];
}

/**
 * Writes JSONCompactEachRow bytes straight into a growing Buffer. Building the price-point rows and
 * adding the sequence number took ~3.9 µs per point with a string per row joined afterwards (the row
 * strings and their garbage), ~2.7 µs this way; it is the largest single cost of the ingester's main
 * thread (measured on 1M synthetic points). Only ASCII goes through `ascii`: enums, ASINs, marketplace and currency codes, which the
 * contract's patterns keep ASCII; free text (the crawler id) is JSON-encoded as UTF-8.
 */
class RowWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(capacity: number) {
    this.#buf = Buffer.allocUnsafe(Math.max(capacity, 1024));
  }

  /** Makes room for `bytes` more. */
  reserve(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  ascii(text: string): void {
    this.#pos += this.#buf.write(text, this.#pos, 'latin1');
  }

  utf8(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.#pos += this.#buf.write(text, this.#pos, 'utf8');
  }

  /** A non-negative safe integer, or null, then a comma. */
  number(value: number | null): void {
    if (value === null) {
      this.ascii('null,');
      return;
    }
    let digits = 1;
    for (let rest = Math.floor(value / 10); rest > 0; rest = Math.floor(rest / 10)) digits++;
    let at = this.#pos + digits;
    this.#pos = at + 1;
    this.#buf[at] = COMMA;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      this.#buf[--at] = DIGIT_0 + (rest - next * 10);
      rest = next;
    } while (rest > 0);
  }

  /** Leaves a blank slot of `width` bytes and returns where it starts. */
  slot(width: number): number {
    const at = this.#pos;
    this.#buf.fill(SPACE, at, at + width);
    this.#pos += width;
    return at;
  }

  /** The bytes written (a view of the writer's buffer). */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }
}

const COMMA = 0x2c;
const SPACE = 0x20;
const DIGIT_0 = 0x30;
/** Room for one price-point row without its crawler id: 16 fields, the longest ~20 bytes each. */
const ROW_RESERVE = 400;
/** Typical bytes of a row (synthetic bench: 118), for the first allocation. */
const ROW_GUESS = 128;

/**
 * Prepares the rows of `envelopes` (the costly part, done while the previous batch is inserted). A
 * check delivered twice within the batch (same checkId) is stored once; across batches, redelivery is
 * deduplicated by the insert token.
 */
export function prepareRows(envelopes: readonly IngestEnvelope[]): PreparedRows {
  let observations = 0;
  for (const envelope of envelopes) observations += envelope.observations.length;
  const points = new RowWriter(observations * ROW_GUESS);
  let pointCount = 0;
  const seqSlots = new Uint32Array(observations);
  const outcomes: string[] = [];
  const products: string[] = [];
  // checkId -> bit set of the series already taken from that check.
  const seenPoints = new Map<string, number>();
  const seenOutcomes = new Set<string>();
  const open = (row: unknown[]): string => {
    const text = JSON.stringify(row);
    return `${text.slice(0, -1)},`;
  };
  for (const envelope of envelopes) {
    for (const o of envelope.observations) {
      const bit = SERIES_BIT[o.series];
      const seen = seenPoints.get(o.checkId) ?? 0;
      if ((seen & bit) !== 0) continue;
      seenPoints.set(o.checkId, seen | bit);
      points.reserve(ROW_RESERVE);
      points.ascii(`["${o.marketplace}","${o.asin}","${o.series}","${o.condition}","${o.sellerKind}",`);
      points.number(o.price);
      points.number(o.previousPrice);
      points.number(o.previousCheckedAt === null ? null : seconds(o.previousCheckedAt));
      points.ascii(`"${o.currency}",`);
      points.number(o.listPrice);
      points.ascii(o.isBuyBox ? 'true,"' : 'false,"');
      points.ascii(`${o.availability}",`);
      points.number(o.offerCount);
      points.number(seconds(o.checkedAt));
      points.utf8(JSON.stringify(o.crawlerId));
      points.reserve(SEQ_SLOT + 3);
      points.ascii(',');
      seqSlots[pointCount++] = points.slot(SEQ_SLOT);
      points.ascii(']\n');
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
  return { points: points.bytes(), seqSlots: seqSlots.subarray(0, pointCount), outcomes, products };
}

/**
 * The insert bodies of prepared rows under batch sequence number `seq` (the rows' last column). The
 * prepared rows are left as they were, so the same rows can be given another number.
 */
export function withSequence(prepared: PreparedRows, seq: number): BatchRows {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`batch sequence number ${seq} is not a safe non-negative integer`);
  const close = `${seq}]\n`;
  const join = (rows: string[]): string => (rows.length === 0 ? '' : `${rows.join(close)}${close}`);
  const points = Buffer.from(prepared.points);
  const digits = String(seq);
  const offset = SEQ_SLOT - digits.length;
  for (const slot of prepared.seqSlots) points.write(digits, slot + offset, 'latin1');
  return {
    points,
    pointCount: prepared.seqSlots.length,
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
