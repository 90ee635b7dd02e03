/**
 * Crawlee 3.18.1 types a `requestManager` crawler option (added in 3.15), but its constructor-time
 * option validation (`ow` exact shapes of BasicCrawler, HttpCrawler, BrowserCrawler) does not list
 * it, so passing it throws "Did not expect property `requestManager` to exist". This sets the same
 * field the constructor would have set; `initializeRequestManager()` then keeps it (it only fills an
 * unset manager), and the crawler never opens a default request queue.
 */
import type { IRequestManager } from '@crawlee/core';

/** Makes `crawler` take its work from `manager`. Call right after constructing the crawler, before `run()`. */
export function attachRequestManager(crawler: object, manager: IRequestManager): void {
  const target = crawler as { requestManager?: IRequestManager };
  if (target.requestManager !== undefined) throw new Error('the crawler already has a request manager');
  target.requestManager = manager;
}
