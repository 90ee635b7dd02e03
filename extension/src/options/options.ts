/**
 * The options page: the server URL and API token. Saving first asks the browser for permission to
 * reach the server (and, in Firefox, where host permissions are opt-in, the Amazon storefronts),
 * then checks the pair with a test call — GET /api/v1/me with the token, or /healthz without one —
 * and stores them only when that succeeds.
 */
import { ext } from '../shared/browser-api.js';
import { createApiClient, describeFailure } from '../shared/api-client.js';
import { storefrontDomains } from '../shared/product-page.js';
import { SettingsInputError, loadSettings, normaliseServerUrl, normaliseToken, saveSettings, serverOriginPattern } from '../shared/settings.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`options.html lacks #${id}`);
  return found as T;
};

const form = $<HTMLFormElement>('options-form');
const serverInput = $<HTMLInputElement>('server-url');
const tokenInput = $<HTMLInputElement>('token');
const message = $<HTMLParagraphElement>('message');
const saveButton = $<HTMLButtonElement>('save');

/** The Amazon origins the content script needs; Firefox lets the user withhold them. */
const storefrontPatterns = storefrontDomains().map((domain) => `https://*.${domain}/*`);

function show(text: string, kind: 'info' | 'error' | 'ok'): void {
  message.textContent = text;
  message.dataset.kind = kind;
}

async function init(): Promise<void> {
  const settings = await loadSettings();
  serverInput.value = settings.serverUrl;
  tokenInput.value = settings.token;
  if (__BROWSER__ === 'firefox') {
    const granted = await ext.permissions.contains({ origins: storefrontPatterns });
    $('permissions-note').textContent = granted
      ? 'Access to the Amazon storefronts: granted.'
      : 'Access to the Amazon storefronts: not granted yet — "Check and save" asks for it (the price box needs it).';
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  let serverUrl: string;
  let token: string;
  try {
    serverUrl = normaliseServerUrl(serverInput.value);
    token = normaliseToken(tokenInput.value);
  } catch (err) {
    if (err instanceof SettingsInputError) {
      show(err.message, 'error');
      (err.field === 'serverUrl' ? serverInput : tokenInput).focus();
      return;
    }
    throw err;
  }
  // The permission request must start within the click itself (Firefox drops it after an await).
  const origins = __BROWSER__ === 'firefox' ? [serverOriginPattern(serverUrl), ...storefrontPatterns] : [serverOriginPattern(serverUrl)];
  const permission = ext.permissions.request({ origins });
  void save(serverUrl, token, permission);
});

async function save(serverUrl: string, token: string, permission: Promise<boolean>): Promise<void> {
  saveButton.disabled = true;
  try {
    let granted: boolean;
    try {
      granted = await permission;
    } catch (err) {
      show(`The browser refused the permission request: ${err instanceof Error ? err.message : String(err)}`, 'error');
      return;
    }
    if (!granted) {
      show(`Dromedary needs permission to reach ${new URL(serverUrl).host} (and the Amazon storefronts) to work. Nothing was saved.`, 'error');
      return;
    }
    show(`Checking ${serverUrl}…`, 'info');
    const api = createApiClient({ serverUrl, token });
    if (token === '') {
      const health = await api.health();
      if (!health.ok) {
        show(`${describeFailure(health.failure, serverUrl)} Nothing was saved.`, 'error');
        return;
      }
      await saveSettings({ serverUrl, token });
      show('Saved. The server answers; add an API token to track products.', 'ok');
      return;
    }
    const me = await api.me();
    if (!me.ok) {
      show(`${describeFailure(me.failure, serverUrl)} Nothing was saved.`, 'error');
      return;
    }
    await saveSettings({ serverUrl, token });
    show(`Saved. Signed in as ${me.value.email}${me.value.verified ? '' : ' (address not verified yet: alerts by email wait for it)'}.`, 'ok');
  } finally {
    saveButton.disabled = false;
  }
}

init().catch((err: unknown) => show(`Could not read the settings: ${err instanceof Error ? err.message : String(err)}`, 'error'));
