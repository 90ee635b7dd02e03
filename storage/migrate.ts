/**
 * Schema migrations: numbered SQL files in storage/migrations/ (single node, also the embedded engine)
 * and storage/migrations-cluster/ (ReplicatedMergeTree + Distributed). Each file runs once, in order,
 * and is recorded in `schema_migrations` with its checksum; a shipped file is never edited (a changed
 * checksum is an error). Statements are idempotent (IF NOT EXISTS), so a run cut short is simply run
 * again.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { MigrationError } from './errors.js';

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

export interface MigrateOptions {
  /** The database the client uses (for the Distributed engine's arguments in the cluster variant). */
  database: string;
  /** Cluster name: apply the cluster variant ON CLUSTER this cluster. Unset: single node. */
  cluster?: string | undefined;
  logger: Logger;
  /** Apply migrations up to this version only (tests of a migration's effect on existing data). Unset: all. */
  upTo?: number | undefined;
}

export interface MigrateResult {
  database: string;
  cluster: string | null;
  /** Migrations applied by this run. */
  applied: { version: number; name: string }[];
  /** Migrations that were already applied. */
  alreadyApplied: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The migrations of a variant, in order. */
export function loadMigrations(variant: 'single' | 'cluster'): Migration[] {
  const dir = new URL(variant === 'single' ? './migrations/' : './migrations-cluster/', import.meta.url);
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(new URL(file, dir), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: splitStatements(text),
      };
    });
  const twice = migrations.find((m, i) => i > 0 && migrations[i - 1]?.version === m.version);
  if (twice) throw new MigrationError(`two migrations are numbered ${twice.version} (${twice.name} and another): each number once`);
  return migrations;
}

/** Splits a migration file into statements: comments dropped, `;` at the end of a line ends a statement. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/--.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    current.push(line);
    if (line.endsWith(';')) {
      statements.push(current.join('\n').replace(/;$/, ''));
      current = [];
    }
  }
  if (current.length > 0) statements.push(current.join('\n'));
  return statements;
}

/** Applies every migration not yet recorded. Throws {@link MigrationError} on the first failure. */
export async function migrate(client: ClickHouseClient, options: MigrateOptions): Promise<MigrateResult> {
  const log = options.logger.child({ component: 'migrate' });
  const cluster = options.cluster;
  if (cluster !== undefined && !IDENTIFIER.test(cluster)) throw new MigrationError(`invalid cluster name ${JSON.stringify(cluster)}`);
  const migrations = loadMigrations(cluster ? 'cluster' : 'single');
  await client.command({ query: migrationsTableSql(cluster, options.database) });
  const done = await appliedMigrations(client);
  const result: MigrateResult = { database: options.database, cluster: cluster ?? null, applied: [], alreadyApplied: 0 };
  for (const migration of migrations) {
    if (options.upTo !== undefined && migration.version > options.upTo) break;
    const previous = done.get(migration.version);
    if (previous !== undefined) {
      if (previous !== migration.checksum) {
        throw new MigrationError(`migration ${migration.name} was changed after it was applied (checksum differs); add a new migration instead`);
      }
      result.alreadyApplied++;
      continue;
    }
    for (const statement of migration.statements) {
      try {
        await client.command({ query: substitute(statement, cluster, options.database) });
      } catch (err) {
        throw new MigrationError(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
      format: 'JSONEachRow',
    });
    log.info({ migration: migration.name }, 'migration applied');
    result.applied.push({ version: migration.version, name: migration.name });
  }
  return result;
}

/** Versions already applied, with their checksums. */
export async function appliedMigrations(client: ClickHouseClient): Promise<Map<number, string>> {
  const rows = await client
    .query({ query: 'SELECT version, any(checksum) AS checksum FROM schema_migrations GROUP BY version', format: 'JSONEachRow' })
    .then((r) => r.json<{ version: number; checksum: string }>());
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

function migrationsTableSql(cluster: string | undefined, database: string): string {
  const columns = 'version UInt32, name String, checksum String, applied_at DateTime64(3, \'UTC\') DEFAULT now64(3)';
  if (!cluster) return `CREATE TABLE IF NOT EXISTS schema_migrations (${columns}) ENGINE = MergeTree ORDER BY version`;
  return substitute(
    `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER \${CLUSTER} (${columns}) ` +
      `ENGINE = ReplicatedMergeTree('/clickhouse/\${DATABASE}/schema_migrations', '{replica}') ORDER BY version`,
    cluster,
    database,
  );
}

/** Fills the cluster variant's `${CLUSTER}` and `${DATABASE}` (identifiers, validated; values are never substituted). */
function substitute(statement: string, cluster: string | undefined, database: string): string {
  return statement.replaceAll('${CLUSTER}', `\`${cluster ?? ''}\``).replaceAll('${DATABASE}', database);
}
