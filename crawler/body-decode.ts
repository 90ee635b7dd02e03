/**
 * Response bodies arrive compressed (the crawler asks for gzip, deflate or Brotli and reads the raw
 * bytes, so decoding happens once, synchronously, with a size cap). Concatenated gzip members decode
 * as one body (RFC 1952 §2.2).
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { PageParseError } from './errors.js';

/** What the crawler asks for: codings Node decodes natively (no zstd before Node 22). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Largest decoded page accepted, bytes (real product pages are 0.3–3.2 MB). */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

/** Largest body read from the network, bytes. */
export const MAX_WIRE_BYTES = 8 * 1024 * 1024;

/** Decodes `body` sent with `Content-Encoding: encoding`; throws {@link PageParseError} when it cannot. */
export function decodeBody(body: Buffer, encoding: string | string[] | undefined, maxBytes = MAX_DECODED_BYTES): Buffer {
  const coding = (Array.isArray(encoding) ? encoding.join(',') : (encoding ?? '')).trim().toLowerCase();
  try {
    switch (coding) {
      case '':
      case 'identity':
        if (body.length > maxBytes) throw new PageParseError(`body of ${body.length} bytes is over the ${maxBytes}-byte cap`);
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, { maxOutputLength: maxBytes });
      case 'deflate':
        // Servers send zlib-wrapped or raw deflate under the same name.
        return (body[0] ?? 0) % 16 === 8 ? inflateSync(body, { maxOutputLength: maxBytes }) : inflateRawSync(body, { maxOutputLength: maxBytes });
      case 'br':
        return brotliDecompressSync(body, { maxOutputLength: maxBytes });
      default:
        throw new PageParseError(`unsupported content encoding ${JSON.stringify(coding.slice(0, 40))}`);
    }
  } catch (err) {
    if (err instanceof PageParseError) throw err;
    throw new PageParseError(`body does not decode as ${coding}: ${(err as Error).message}`, { cause: err });
  }
}
