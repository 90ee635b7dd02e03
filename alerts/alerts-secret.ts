/**
 * The secret that signs email links and webhook payload keys. Configured as `alerts.secret`
 * (DROMEDARY_SECRET). For a single-host install on the embedded engine it may be left unset: a random
 * one is generated once and kept in `<dataDir>/alerts-secret` (mode 0600), so links keep working across
 * restarts. With a ClickHouse server (a cluster, several hosts) it must be configured: every process
 * must sign with the same key, and no built-in value is ever used.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { AlertsConfigError } from './errors.js';

/** The configured secret, or the data folder's generated one (embedded installs only). */
export function resolveAlertsSecret(config: Config, logger: Logger): string {
  if (config.alerts.secret) return config.alerts.secret;
  if (config.clickhouse.url) {
    throw new AlertsConfigError('alerts.secret (DROMEDARY_SECRET, at least 16 characters) is required when ClickHouse is a server: every process must sign links with the same secret');
  }
  const path = resolve(config.dataDir, 'alerts-secret');
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 16) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new AlertsConfigError(`cannot read ${path}`, { cause: err });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': if another process created it first, use theirs.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn({ path }, 'alerts.secret is not set: generated one for this data folder (set DROMEDARY_SECRET for a cluster)');
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw new AlertsConfigError(`cannot write ${path}`, { cause: err });
  }
}
