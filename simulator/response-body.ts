/**
 * Response bodies made of precomputed and per-request pieces. With gzip, the body is ONE gzip member
 * whose deflate stream is the concatenation of independently compressed pieces, each ending on a byte
 * boundary (sync flush): the megabytes of shared noise are compressed once, only the small
 * product-specific regions are compressed per request, and every decoder accepts the result (browsers
 * such as Chromium decode only the first member of a multi-member gzip stream). The CRC-32 of the whole
 * body is computed per request (~0.3 ms for 1.4 MB with zlib's native crc32).
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
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

/** Level for per-request pieces: fastest; they are small. */
const DYNAMIC_LEVEL = 1;
/** gzip member header: magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final fixed-Huffman deflate block: ends the stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** Assembles `segments` into a body, gzip-encoded when `gzip`. Adjacent texts are compressed together. */
export function buildBody(segments: readonly Segment[], gzip: boolean): Body {
  const chunks: Buffer[] = gzip ? [GZIP_HEADER] : [];
  let length = chunks.length > 0 ? GZIP_HEADER.length : 0;
  let rawLength = 0;
  let crc = 0;
  let pending = '';
  const push = (raw: Buffer, deflated: Buffer | undefined): void => {
    const out = gzip ? (deflated ?? deflateRawSync(raw, { level: DYNAMIC_LEVEL, finishFlush: constants.Z_SYNC_FLUSH })) : raw;
    if (gzip) crc = crc32(raw, crc);
    chunks.push(out);
    length += out.length;
    rawLength += raw.length;
  };
  const flush = (): void => {
    if (!pending) return;
    push(Buffer.from(pending, 'utf8'), undefined);
    pending = '';
  };
  for (const s of segments) {
    if (typeof s === 'string') {
      pending += s;
      continue;
    }
    flush();
    push(s.raw, s.deflated);
  }
  flush();
  if (gzip) {
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(rawLength >>> 0, 4);
    chunks.push(FINAL_BLOCK, trailer);
    length += FINAL_BLOCK.length + trailer.length;
  }
  return { chunks, length, gzip, rawLength };
}

/** A body of one text. */
export function textBody(text: string, gzip: boolean): Body {
  return buildBody([text], gzip);
}
