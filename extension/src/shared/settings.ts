/**
 * The extension's settings — the Dromedary server's URL and the user's API token — kept in
 * the extension's local storage (`storage.local`). Only the background worker and the extension's
 * own pages read them: content scripts never see the token.
 */
import { ext } from './browser-api.js';
import { normaliseServerUrl, normaliseToken } from './settings-input.js';

export { SettingsInputError, normaliseServerUrl, normaliseToken, serverOriginPattern } from './settings-input.js';

/** What the user configures on the options page. */
export interface Settings {
  /** Base URL of the Dromedary server, without a trailing slash (may carry a path prefix). */
  readonly serverUrl: string;
  /** The user's API token (`drm_…`); empty until the user enters one (lookups need none). */
  readonly token: string;
}

/** Where a fresh install looks: `dromedary start` and `dromedary api` listen here by default. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

const STORAGE_KEY = 'settings';

/** The stored settings, or the defaults when nothing valid is stored. */
export async function loadSettings(): Promise<Settings> {
  const stored: unknown = (await ext.storage.local.get(STORAGE_KEY))[STORAGE_KEY];
  if (typeof stored !== 'object' || stored === null) return { serverUrl: DEFAULT_SERVER_URL, token: '' };
  const { serverUrl, token } = stored as Record<string, unknown>;
  try {
    return {
      serverUrl: typeof serverUrl === 'string' ? normaliseServerUrl(serverUrl) : DEFAULT_SERVER_URL,
      token: typeof token === 'string' ? normaliseToken(token) : '',
    };
  } catch {
    return { serverUrl: DEFAULT_SERVER_URL, token: '' };
  }
}

/** Stores settings already normalised and checked by the options page. */
export async function saveSettings(settings: Settings): Promise<void> {
  await ext.storage.local.set({ [STORAGE_KEY]: { serverUrl: settings.serverUrl, token: settings.token } });
}
