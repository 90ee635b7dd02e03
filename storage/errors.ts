/**
 * The errors storage raises, each meaning one action for the caller:
 * - {@link StorageUnavailableError}: ClickHouse cannot be reached right now — retry later, nothing was lost.
 * - {@link StorageLockedError}: the embedded data folder is held by another process that offers no
 *   way in — stop that process or run the command through it; retrying will not help.
 * - {@link MigrationError}: a migration failed — stop, the schema needs attention.
 */

/** ClickHouse (server, embedded engine or its bridge) cannot be reached. Retry later. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** The embedded engine's folder belongs to another process that serves no bridge. Do not retry. */
export class StorageLockedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageLockedError';
  }
}

/** A schema migration failed; the database is left at the last migration that succeeded. Stop. */
export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}
