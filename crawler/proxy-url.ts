/**
 * Proxy URLs as Dromedary handles them: validated once, identified by a short stable id (a hash, so
 * logs, metrics and Redis never hold credentials), and shown only with the password masked.
 */
import { createHash } from 'node:crypto';
import { redactUrlCredentials } from '../config/index.js';

/** A proxy URL that cannot be used (bad syntax, unsupported scheme). Don't retry: fix the input. */
export class ProxyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyInputError';
  }
}

/** Upstream schemes a proxy may use; SOCKS and credentialed proxies are fronted by a local proxy-chain server. */
export const PROXY_PROTOCOLS = ['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'] as const;

/** The id used when a node fetches without a proxy (its own address counts as one proxy). */
export const DIRECT_PROXY_ID = 'direct';

/** A validated upstream proxy. */
export interface ProxySpec {
  /** Stable id: `p` + 12 hex digits of the SHA-256 of the normalised URL. Same on every node. */
  readonly id: string;
  /** The URL as configured (may hold credentials: never log it). */
  readonly url: string;
  /** The URL with the password masked, for people. */
  readonly label: string;
  /** True when the upstream needs credentials or speaks SOCKS: it is reached through a local proxy-chain server. */
  readonly needsLocalServer: boolean;
}

/** Parses and validates a proxy URL; throws {@link ProxyInputError} for anything unusable. */
export function parseProxyUrl(input: string): ProxySpec {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProxyInputError(`not a proxy URL: ${JSON.stringify(redactUrlCredentials(text).slice(0, 200))}`);
  }
  if (!(PROXY_PROTOCOLS as readonly string[]).includes(url.protocol)) {
    throw new ProxyInputError(`unsupported proxy scheme ${JSON.stringify(url.protocol)} (use http, https or socks5)`);
  }
  if (!url.hostname) throw new ProxyInputError('a proxy URL needs a host');
  if (url.pathname !== '/' && url.pathname !== '') throw new ProxyInputError('a proxy URL has no path');
  const normalised = url.toString().replace(/\/$/, '');
  const id = `p${createHash('sha256').update(normalised).digest('hex').slice(0, 12)}`;
  return Object.freeze({
    id,
    url: normalised,
    label: redactProxyUrl(normalised),
    needsLocalServer: url.username !== '' || url.password !== '' || url.protocol.startsWith('socks'),
  });
}

/** `http://user:***@host:port`: the password (if any) masked. */
export function redactProxyUrl(url: string): string {
  return redactUrlCredentials(url);
}

/** Masks every `scheme://user:password@` in free text (library error messages may quote proxy URLs). */
export function redactCredentialsInText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]+@/gi, '$1:***@');
}
