/** Server URLs and tokens as people type them on the options page: checked and normalised (pure). */

/** A server URL or token the options page cannot accept; `field` names the input at fault. */
export class SettingsInputError extends Error {
  constructor(
    readonly field: 'serverUrl' | 'token',
    message: string,
  ) {
    super(message);
    this.name = 'SettingsInputError';
  }
}

/**
 * Normalises a server URL typed by a person: http(s) only, no credentials, query or fragment, no
 * trailing slash. A missing scheme means http:// (a self-hosted server on the local network).
 */
export function normaliseServerUrl(input: string): string {
  const text = input.trim();
  if (text === '') throw new SettingsInputError('serverUrl', 'Enter the address of your Dromedary server, e.g. http://127.0.0.1:8080');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new SettingsInputError('serverUrl', `"${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingsInputError('serverUrl', 'The server URL must start with http:// or https://');
  if (url.username || url.password) throw new SettingsInputError('serverUrl', 'Leave user name and password out of the server URL; use an API token');
  if (url.search || url.hash) throw new SettingsInputError('serverUrl', 'The server URL takes no query string or #fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Checks the shape of an API token (the server decides whether it is valid); empty means none. */
export function normaliseToken(input: string): string {
  const token = input.trim();
  if (token !== '' && !/^[A-Za-z0-9_-]{8,200}$/.test(token)) {
    throw new SettingsInputError('token', 'An API token is one word of letters, digits, "-" and "_" (drm_…)');
  }
  return token;
}

/** The match pattern granting access to a server (its origin, every path). */
export function serverOriginPattern(serverUrl: string): string {
  return `${new URL(serverUrl).origin}/*`;
}
