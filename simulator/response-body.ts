/**
 * Response bodies made of precomputed and per-request pieces. With gzip, every piece is its own
 * gzip member: concatenated members are one valid gzip stream (RFC 1952 §2.2) that Node's zlib and
 * browsers decode, so the megabytes of shared noise are compressed once and only the small
 * product-specific regions are compressed per request.
 */
import { gzipSync } from 'node:zlib';
import type { BodyPart } from './page-noise.js';

/** A piece of a body: shared precomputed bytes, or text rendered for this request. */
export type Segment = BodyPart | string;

/** The bytes to send, in order, and their total length. */
export interface Body {
  readonly chunks: readonly Buffer[];
  readonly length: number;
  readonly gzip: boolean;
  /** Bytes of the decoded body. */
  readonly rawLength: number;
}

/** Level for per-request members: fastest; they are small. */
const DYNAMIC_LEVEL = 1;

/** Assembles `segments` into a body, gzip-encoded when `gzip`. Adjacent texts become one member. */
export function buildBody(segments: readonly Segment[], gzip: boolean): Body {
  const chunks: Buffer[] = [];
  let length = 0;
  let rawLength = 0;
  let pending = '';
  const flush = () => {
    if (!pending) return;
    const raw = Buffer.from(pending, 'utf8');
    rawLength += raw.length;
    const out = gzip ? gzipSync(raw, { level: DYNAMIC_LEVEL }) : raw;
    chunks.push(out);
    length += out.length;
    pending = '';
  };
  for (const s of segments) {
    if (typeof s === 'string') {
      pending += s;
      continue;
    }
    flush();
    const out = gzip ? s.gzip : s.raw;
    chunks.push(out);
    length += out.length;
    rawLength += s.raw.length;
  }
  flush();
  return { chunks, length, gzip, rawLength };
}

/** A body of one text. */
export function textBody(text: string, gzip: boolean): Body {
  return buildBody([text], gzip);
}
