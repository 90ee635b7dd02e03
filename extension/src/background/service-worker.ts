/**
 * The background worker (a service worker in Chrome, an event page in Firefox): the only part of the
 * extension that talks to the Dromedary server. It answers the content script's and the popup's
 * messages with the stored settings, so the API token never reaches an Amazon page, and its
 * requests carry the extension's host permission for the server instead of the page's origin.
 */
import { ext } from '../shared/browser-api.js';
import { type ApiResult, createApiClient } from '../shared/api-client.js';
import { type Message, type MessageMap, type Reply, type ReplyContext, parseMessage } from '../shared/messages.js';
import { canonicalProductUrl } from '../shared/product-page.js';
import { loadSettings } from '../shared/settings.js';

ext.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (reply: unknown) => void) => {
  // Only this extension's own scripts and pages may ask (no externally_connectable; checked anyway).
  if (sender.id !== ext.runtime.id) return false;
  const message = parseMessage(raw);
  if (!message) return false;
  handle(message).then(sendResponse, (err: unknown) => {
    sendResponse({ ok: false, failure: { kind: 'bad_response', message: err instanceof Error ? err.message : 'internal error' }, context: { serverUrl: '', hasToken: false } });
  });
  // Keeps the channel open for the asynchronous reply.
  return true;
});

ext.runtime.onInstalled.addListener((details) => {
  // A new install starts on the options page: the server and token are set there (and, in
  // Firefox, the host permissions granted).
  if (details.reason === 'install') void ext.runtime.openOptionsPage();
});

async function handle(message: Message): Promise<MessageMap[Message['type']]['reply']> {
  const settings = await loadSettings();
  const context: ReplyContext = { serverUrl: settings.serverUrl, hasToken: settings.token !== '' };
  const api = createApiClient({ serverUrl: settings.serverUrl, token: settings.token });
  const withContext = <T>(result: ApiResult<T>): Reply<T> => ({ ...result, context });
  switch (message.type) {
    case 'lookup':
      return withContext(await api.lookup(canonicalProductUrl(message)));
    case 'chart':
      return withContext(await api.chart(message.marketplace, message.asin, message.range));
    case 'track':
      return withContext(await api.track(message.input));
    case 'openOptions':
      await ext.runtime.openOptionsPage();
      return { ok: true, value: true, context };
  }
}
