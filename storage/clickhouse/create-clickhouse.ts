/**
 * Opens Dromedary's ClickHouse: a server when `clickhouse.url` is set, else the embedded engine (chDB)
 * with data in `<dataDir>/clickhouse`. Only one process can hold an embedded data folder; that process
 * serves a loopback bridge and advertises it in `<dataDir>/clickhouse-bridge.json`, and every other
 * process opening the same folder goes through the bridge instead.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { StorageLockedError, StorageUnavailableError } from '../errors.js';
import { type ClickHouseBridge, startClickHouseBridge } from './bridge-server.js';
import { EmbeddedEngine } from './embedded-engine.js';

export interface CreateClickHouseOptions {
  logger: Logger;
  /** When this process opens the embedded engine, serve the bridge so other processes can reach it. Default true. */
  serveBridge?: boolean;
  /** Create the configured database first if it is missing (`migrate` does this). Default false. */
  createDatabase?: boolean;
}

/** How a client reaches its data: useful in messages and for `dromedary sql --json`. */
export type ClickHouseMode = 'server' | 'embedded' | 'bridge';

interface BridgeAdvert {
  url: string;
  password: string;
  pid: number;
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

const embedded = new WeakMap<ClickHouseClient, { engine: EmbeddedEngine; bridge: ClickHouseBridge | undefined }>();
const modes = new WeakMap<ClickHouseClient, ClickHouseMode>();

/** The folder the embedded engine keeps its data in. */
export function embeddedDataPath(config: Config): string {
  return resolve(config.dataDir, 'clickhouse');
}

function advertPath(config: Config): string {
  return resolve(config.dataDir, 'clickhouse-bridge.json');
}

/**
 * A `@clickhouse/client` client for the configured ClickHouse, using database `clickhouse.database`.
 * Close it when done (that also releases the embedded engine and its bridge).
 */
export async function createClickHouse(config: Config, options: CreateClickHouseOptions): Promise<ClickHouseClient> {
  const { database } = config.clickhouse;
  const log = options.logger.child({ component: 'clickhouse' });
  if (config.clickhouse.url) {
    const server = { url: config.clickhouse.url, username: config.clickhouse.username, password: config.clickhouse.password };
    if (options.createDatabase) await createDatabaseOverHttp(server, config);
    const client = httpClient(server, database, config);
    modes.set(client, 'server');
    return client;
  }

  const advertised = await connectToAdvertisedBridge(config, log);
  const viaBridge = advertised instanceof Error ? undefined : advertised;
  if (viaBridge) {
    if (options.createDatabase) await createDatabaseOverHttp(viaBridge, config);
    const client = httpClient(viaBridge, database, config);
    modes.set(client, 'bridge');
    return client;
  }

  const path = embeddedDataPath(config);
  mkdirSync(path, { recursive: true });
  let engine: EmbeddedEngine;
  try {
    engine = EmbeddedEngine.open(path);
  } catch (err) {
    if (!(err instanceof StorageLockedError)) throw err;
    // The holder may have advertised its bridge in the meantime.
    const late = await connectToAdvertisedBridge(config, log);
    if (late && !(late instanceof Error)) {
      const client = httpClient(late, database, config);
      modes.set(client, 'bridge');
      return client;
    }
    const unreachable = late ?? advertised;
    if (unreachable instanceof Error) throw unreachable;
    throw new StorageLockedError(
      `${err.message}, which offers no bridge to it: stop that process, ` +
        'or run this command while a Dromedary process that serves the bridge (start, ingest) holds the data',
      { cause: err },
    );
  }
  try {
    if (options.createDatabase) {
      await engine.connection('default').command({ query: `CREATE DATABASE IF NOT EXISTS \`${database}\`` });
    }
    let bridge: ClickHouseBridge | undefined;
    if (options.serveBridge ?? true) {
      bridge = await startClickHouseBridge({ engine, database, logger: options.logger });
      writeAdvert(config, { url: bridge.url, password: bridge.password, pid: process.pid });
      const ours = bridge;
      engine.onClose(async () => {
        removeAdvert(config);
        await ours.stop();
      });
      log.debug({ url: bridge.url }, 'serving the embedded engine on a loopback bridge');
    }
    const client = createClient({
      // chDB implements the same Connection contract, typed from @clickhouse/client-common.
      connection: engine.connection(database, { closesEngine: true }) as unknown as ClientConnection,
      log: { level: ClickHouseLogLevel.OFF },
    });
    embedded.set(client, { engine, bridge });
    modes.set(client, 'embedded');
    return client;
  } catch (err) {
    await engine.close();
    throw err;
  }
}

/** How `client` reaches ClickHouse. */
export function clickHouseMode(client: ClickHouseClient): ClickHouseMode {
  return modes.get(client) ?? 'server';
}

/** The bridge this process serves for `client`'s embedded engine, if any (tests stop/start it to simulate an outage). */
export function clickHouseBridge(client: ClickHouseClient): ClickHouseBridge | undefined {
  return embedded.get(client)?.bridge;
}

interface HttpTarget {
  url: string;
  username: string;
  password: string;
}

function httpClient(target: HttpTarget, database: string, config: Config): ClickHouseClient {
  return createClient({
    url: target.url,
    username: target.username,
    password: target.password,
    database,
    request_timeout: config.clickhouse.requestTimeoutMs,
    compression: { request: false, response: false },
    // Errors reach the caller as exceptions; the client's own console logger would only repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    // A Distributed table hides insert errors unless the insert waits for the shards.
    clickhouse_settings: config.clickhouse.cluster ? { distributed_foreground_insert: 1 } : {},
  });
}

async function createDatabaseOverHttp(target: HttpTarget, config: Config): Promise<void> {
  const admin = httpClient(target, 'default', config);
  try {
    const onCluster = config.clickhouse.cluster ? ` ON CLUSTER \`${config.clickhouse.cluster}\`` : '';
    // Identifiers cannot be bound as values; both come from validated configuration.
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS \`${config.clickhouse.database}\`${onCluster}` });
  } finally {
    await admin.close();
  }
}

/** The advertised bridge if it answers; an error if one is advertised by a live process but does not answer. */
async function connectToAdvertisedBridge(config: Config, log: Logger): Promise<HttpTarget | StorageUnavailableError | undefined> {
  const file = advertPath(config);
  if (!existsSync(file)) return undefined;
  let advert: BridgeAdvert;
  try {
    advert = JSON.parse(readFileSync(file, 'utf8')) as BridgeAdvert;
  } catch {
    return undefined;
  }
  if (!isAlive(advert.pid)) return undefined;
  const target = { url: advert.url, username: 'default', password: advert.password };
  const probe = createClient({ ...target, request_timeout: 5_000, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const ping = await probe.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then(
      (r) => r.json(),
      (err: unknown) => err,
    );
    if (ping instanceof Error) {
      return new StorageUnavailableError(
        `process ${advert.pid} holds the embedded ClickHouse data in ${embeddedDataPath(config)} but its bridge at ${advert.url} does not answer`,
        { cause: ping },
      );
    }
    log.debug({ url: advert.url, pid: advert.pid }, 'using the bridge of the process that holds the embedded engine');
    return target;
  } finally {
    await probe.close();
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAdvert(config: Config, advert: BridgeAdvert): void {
  const file = advertPath(config);
  const tmp = join(resolve(config.dataDir), `.clickhouse-bridge.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(advert), { mode: 0o600 });
  renameSync(tmp, file);
}

function removeAdvert(config: Config): void {
  const file = advertPath(config);
  try {
    const advert = JSON.parse(readFileSync(file, 'utf8')) as BridgeAdvert;
    if (advert.pid === process.pid) rmSync(file, { force: true });
  } catch {
    // Already gone or replaced: nothing of ours to remove.
  }
}
