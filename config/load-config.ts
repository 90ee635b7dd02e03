/**
 * Reads configuration once, at start: flag > environment > file > default. Every bad value is
 * reported in one error. This module is the only place in Dromedary that reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Config, type ConfigInput, configSchema } from './config-schema.js';
import { MARKETPLACE_CODES } from './marketplaces.js';

/** Thrown when configuration is invalid; the message lists every problem. Fatal: fix the config. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Path of a JSON config file. Default: `$DROMEDARY_CONFIG`, else none. */
  file?: string | undefined;
  /** Environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over everything else. */
  flags?: ConfigInput;
}

type Json = Record<string, unknown>;
type EnvBinding = readonly [name: string, path: readonly string[], kind: 'string' | 'int' | 'number' | 'bool' | 'list'];

/** Environment variables and the config keys they set. Documented in the README's configuration reference. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  ['DROMEDARY_DATA_DIR', ['dataDir'], 'string'],
  ['DROMEDARY_INSTANCE_ID', ['instanceId'], 'string'],
  ['LOG_LEVEL', ['log', 'level'], 'string'],
  ['REDIS_URL', ['redis', 'url'], 'string'],
  ['DROMEDARY_REDIS_PREFIX', ['redis', 'keyPrefix'], 'string'],
  ['CLICKHOUSE_URL', ['clickhouse', 'url'], 'string'],
  ['CLICKHOUSE_USER', ['clickhouse', 'username'], 'string'],
  ['CLICKHOUSE_PASSWORD', ['clickhouse', 'password'], 'string'],
  ['CLICKHOUSE_DATABASE', ['clickhouse', 'database'], 'string'],
  ['CLICKHOUSE_CLUSTER', ['clickhouse', 'cluster'], 'string'],
  ['DROMEDARY_INGEST_MAX_STREAM_LENGTH', ['ingest', 'maxStreamLength'], 'int'],
  ['DROMEDARY_INGEST_BATCH_ENTRIES', ['ingest', 'batchEntries'], 'int'],
  ['DROMEDARY_INGEST_FAULT_INJECTION', ['ingest', 'faultInjection'], 'string'],
  ['DROMEDARY_LEASE_MS', ['coordinator', 'leaseMs'], 'int'],
  ['DROMEDARY_BATCH_SIZE', ['coordinator', 'batchSize'], 'int'],
  ['DROMEDARY_MIN_INTERVAL_MS', ['coordinator', 'minIntervalMs'], 'int'],
  ['DROMEDARY_MAX_INTERVAL_MS', ['coordinator', 'maxIntervalMs'], 'int'],
  ['DROMEDARY_RUN_INGESTER', ['coordinator', 'runIngester'], 'bool'],
  ['DROMEDARY_CRAWLER_MARKETPLACES', ['crawler', 'marketplaces'], 'list'],
  ['DROMEDARY_CRAWLER_CONCURRENCY', ['crawler', 'concurrency'], 'int'],
  ['DROMEDARY_PROXIES', ['crawler', 'proxies'], 'list'],
  ['DROMEDARY_PER_PROXY_RATE', ['crawler', 'perProxyRatePerSec'], 'number'],
  ['DROMEDARY_MARKETPLACE_RATE', ['crawler', 'marketplaceRatePerSec'], 'number'],
  ['DROMEDARY_BROWSER', ['crawler', 'browser'], 'bool'],
  ['CHROMIUM_PATH', ['crawler', 'chromiumPath'], 'string'],
  ['SMTP_URL', ['alerts', 'smtpUrl'], 'string'],
  ['DROMEDARY_MAIL_FROM', ['alerts', 'from'], 'string'],
  ['DROMEDARY_SECRET', ['alerts', 'secret'], 'string'],
  ['DROMEDARY_ALERTS_COOLDOWN_MS', ['alerts', 'cooldownMs'], 'int'],
  ['DROMEDARY_ALERTS_WEBHOOK_PRIVATE_ADDRESSES', ['alerts', 'webhookPrivateAddresses'], 'bool'],
  ['DROMEDARY_ALERTS_FAULT_INJECTION', ['alerts', 'faultInjection'], 'string'],
  ['DROMEDARY_API_HOST', ['api', 'host'], 'string'],
  ['DROMEDARY_API_PORT', ['api', 'port'], 'int'],
  ['DROMEDARY_PUBLIC_URL', ['api', 'publicUrl'], 'string'],
  ['DROMEDARY_ADMIN_TOKEN', ['api', 'adminToken'], 'string'],
  ['DROMEDARY_METRICS_PORT', ['metrics', 'port'], 'int'],
  // DROMEDARY_BASE_URL_<CODE> (e.g. DROMEDARY_BASE_URL_DE) points one storefront elsewhere.
  ...MARKETPLACE_CODES.map(
    (code) => [`DROMEDARY_BASE_URL_${code.toUpperCase()}`, ['marketplaces', code, 'baseUrl'], 'string'] as const,
  ),
];

/** Loads, merges and validates configuration. Throws {@link ConfigError} listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const filePath = options.file ?? env.DROMEDARY_CONFIG;
  const fromFile = filePath ? readConfigFile(filePath, problems) : {};
  const fromEnv = readEnv(env, problems);
  const merged = deepMerge(deepMerge(fromFile, fromEnv), options.flags ?? {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  config.instanceId ??= `${hostname()}-${process.pid}`;
  return deepFreeze(config);
}

/**
 * `config` with `overrides` laid over it and validated again: a new frozen object, the original is
 * untouched. Used where one process changes a few keys for a part it runs (the demo's storefronts).
 */
export function withOverrides(config: Config, overrides: ConfigInput): Config {
  return loadConfig({ env: {}, flags: deepMerge(config, overrides) });
}

/** A copy of `config` fit to print: passwords, tokens, secrets and URL credentials are replaced. */
export function redactConfig(config: Config): unknown {
  return redact(config, '');
}

function redact(value: unknown, key: string): unknown {
  if (typeof value === 'string') {
    if (/password|secret|token/i.test(key) && value !== '') return '[redacted]';
    return redactUrlCredentials(value);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

/** Replaces the password in a URL such as `http://user:pass@host` with `***`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]+@/i, '$1:***@');
}

function readConfigFile(path: string, problems: string[]): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`config file ${path}: ${(err as Error).message}`);
    return {};
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isPlainObject(value)) {
      problems.push(`config file ${path}: must hold a JSON object`);
      return {};
    }
    return value;
  } catch (err) {
    problems.push(`config file ${path}: not valid JSON (${(err as Error).message})`);
    return {};
  }
}

function readEnv(env: NodeJS.ProcessEnv, problems: string[]): Json {
  const out: Json = {};
  for (const [name, path, kind] of ENV_BINDINGS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = convert(raw, kind);
    if (value === undefined) {
      problems.push(`${name}: expected ${kind === 'bool' ? 'true or false' : kind === 'int' ? 'an integer' : `a ${kind}`}, got ${JSON.stringify(raw)}`);
      continue;
    }
    setPath(out, path, value);
  }
  return out;
}

function convert(raw: string, kind: EnvBinding[2]): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      return undefined;
    case 'list':
      return raw
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
  }
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1] as string] = value;
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(v) && isPlainObject(prev) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
