/** What the migration tests use from storage (splitStatements is internal to migrate.ts). */
export { loadMigrations, migrate, selectRows } from '../../storage/index.js';
export { splitStatements as splitStatementsForTest } from '../../storage/migrate.js';
