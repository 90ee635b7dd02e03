/**
 * Sessions bound to proxies: each Crawlee session of a marketplace is created on one proxy (the least
 * used that is not cooling there) and keeps it for life, so its cookies are only ever presented from
 * that proxy's address. When a proxy cools or leaves the pool, its sessions are retired.
 */
import { Session, type SessionPool } from '@crawlee/core';
import type { MarketplaceCode } from '../config/index.js';
import { HandBackError, ProxyUnavailableError } from './errors.js';
import type { PooledProxy, ProxyPool } from './proxy-pool.js';

/** Session settings: a session is retired after this many uses or one robot check. */
export const SESSION_MAX_USES = 50;

/** The proxy binding of one marketplace's sessions. */
export interface SessionProxies {
  /** For `sessionPoolOptions.createSessionFunction`. */
  createSession(pool: SessionPool): Session;
  /** For `ProxyConfiguration.newUrlFunction`: the URL of the session's proxy (null: direct). */
  proxyUrl(sessionId: string): string | null;
  /** The session's proxy id. */
  proxyOf(session: Session | undefined): string;
  /**
   * Throws unless the session's proxy is usable now: {@link ProxyUnavailableError} (retire the
   * session, try another) when others are, {@link HandBackError} when no proxy is usable here.
   */
  ensureUsable(session: Session | undefined): void;
  /** Retires every session bound to `proxyId`. */
  retireSessionsOf(proxyId: string): void;
  /** Forget a retired session. */
  forget(session: Session): void;
}

export function createSessionProxies(marketplace: MarketplaceCode, pool: ProxyPool): SessionProxies {
  const byId = new Map<string, { session: Session; proxy: string }>();
  const byProxy = new Map<string, Set<Session>>();
  const usage = (id: string): number => byProxy.get(id)?.size ?? 0;

  function bind(session: Session, proxy: PooledProxy): void {
    byId.set(session.id, { session, proxy: proxy.id });
    let set = byProxy.get(proxy.id);
    if (!set) byProxy.set(proxy.id, (set = new Set()));
    set.add(session);
  }

  const self: SessionProxies = {
    createSession(sessionPool) {
      // With every proxy cooling, a session still needs one: it is handed back at its first use.
      const proxy = pool.pick(marketplace, usage) ?? pool.list()[0];
      // The pool always holds at least "direct" once started; an error here would stop the crawler.
      if (!proxy) throw new Error('the proxy pool is empty');
      const session = new Session({ sessionPool, maxUsageCount: SESSION_MAX_USES, maxErrorScore: 3, userData: { proxyId: proxy.id } });
      bind(session, proxy);
      return session;
    },

    proxyUrl(sessionId) {
      const bound = byId.get(sessionId);
      const proxy = bound ? pool.get(bound.proxy) : undefined;
      if (!bound || !proxy) {
        bound?.session.retire();
        throw new ProxyUnavailableError();
      }
      return proxy.fetchUrl;
    },

    proxyOf(session) {
      const id = session ? byId.get(session.id)?.proxy : undefined;
      if (!id) throw new ProxyUnavailableError();
      return id;
    },

    ensureUsable(session) {
      const id = session ? byId.get(session.id)?.proxy : undefined;
      if (id !== undefined && pool.usable(id, marketplace)) return;
      // A session whose proxy cools or left the pool (or a session already forgotten) is retired;
      // with no usable proxy left the check goes back to the schedule rather than spinning here.
      session?.retire();
      if (pool.pick(marketplace) === null) throw new HandBackError('paused');
      throw new ProxyUnavailableError();
    },

    retireSessionsOf(proxyId) {
      for (const s of [...(byProxy.get(proxyId) ?? [])]) s.retire();
    },

    forget(session) {
      const bound = byId.get(session.id);
      if (!bound) return;
      byId.delete(session.id);
      byProxy.get(bound.proxy)?.delete(session);
    },
  };
  return self;
}
