/**
 * Turns a page body (string or raw bytes) into something the scanners can search cheaply.
 *
 * A Buffer is never decoded as a whole: decoding 1.5 MB of UTF-8 costs more than the whole parse.
 * Its bytes are viewed as a latin1 string instead (one char per byte, so ASCII markers and byte
 * offsets line up), and only the small regions that are actually read are decoded with the page's
 * real charset.
 */

/** Default cap on a page's size: real product pages are 0.3–3.2 MB. */
export const DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** A page body ready for scanning. */
export interface PageSource {
  /** The text to scan. For Buffer input each char is one byte; use {@link decode} before reading words. */
  readonly text: string;
  /** The real characters of `text[start, end)`. */
  decode(start: number, end: number): string;
}

/** Why a body cannot be a page. */
export type SourceProblem = 'empty' | 'binary' | 'too_large';

/** A usable source, or the reason there is none. */
export type SourceResult = { readonly ok: true; readonly source: PageSource } | { readonly ok: false; readonly problem: SourceProblem };

/** Options of {@link openSource}. */
export interface OpenSourceOptions {
  /** Largest body accepted, bytes (strings: UTF-16 units). Default {@link DEFAULT_MAX_PAGE_BYTES}. */
  readonly maxBytes?: number;
}

/** Checks size and content and wraps the body for scanning. Never throws. */
export function openSource(input: string | Uint8Array, options: OpenSourceOptions = {}): SourceResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAGE_BYTES;
  if (input.length > maxBytes) return { ok: false, problem: 'too_large' };
  if (typeof input === 'string') {
    if (input.trim().length === 0) return { ok: false, problem: 'empty' };
    if (looksBinary(input)) return { ok: false, problem: 'binary' };
    return { ok: true, source: { text: input, decode: (start, end) => input.slice(start, end) } };
  }
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const text = bytes.toString('latin1');
  if (text.trim().length === 0) return { ok: false, problem: 'empty' };
  if (looksBinary(text)) return { ok: false, problem: 'binary' };
  const charset = sniffCharset(text);
  if (charset === 'utf-8') {
    return { ok: true, source: { text, decode: (start, end) => bytes.toString('utf8', start, end) } };
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return { ok: true, source: { text, decode: (start, end) => decoder.decode(bytes.subarray(start, end)) } };
}

/** HTML never holds NUL or many control characters; images, archives and UTF-16 do. */
function looksBinary(text: string): boolean {
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return control > sample.length / 20;
}

/** The charset a browser would pick: BOM, else the first meta charset in the head, else UTF-8. */
function sniffCharset(text: string): string {
  if (text.startsWith('\u00ef\u00bb\u00bf')) return 'utf-8';
  const head = text.length > 2048 ? text.slice(0, 2048) : text;
  const match = /<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w-]{2,40})/i.exec(head);
  const label = match?.[1]?.toLowerCase();
  if (!label || label === 'utf-8' || label === 'utf8') return 'utf-8';
  return label;
}
