/**
 * Typed wrappers over the ingester's Lua scripts (each file beside this one names its KEYS, ARGV and
 * return value). Every multi-key step of ingestion is one script; all keys of one marketplace share
 * its hash tag.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { MarketplaceKeys } from '../../runtime/index.js';

const script = (name: string): string => readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');

const SCRIPTS = {
  dromedaryIngestBegin: { numberOfKeys: 3, lua: script('ingest-begin') },
  dromedaryIngestCommit: { numberOfKeys: 4, lua: script('ingest-commit') },
  dromedaryIngestAttempt: { numberOfKeys: 1, lua: script('ingest-attempt') },
  dromedaryIngestClaim: { numberOfKeys: 2, lua: script('ingest-claim') },
  dromedaryIngestDeadLetter: { numberOfKeys: 2, lua: script('ingest-dead-letter') },
  dromedaryIngestRestoreSeq: { numberOfKeys: 2, lua: script('ingest-restore-seq') },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

/** The consumer group every ingester reads with. */
export const INGEST_GROUP = 'ingesters';

/** An in-flight batch as recorded in Redis before its insert. */
export interface InFlightRecord {
  ids: string[];
  token: string;
  seq: number;
  attempts: number;
  startedAt: number;
}

/** Thrown when a consumer lost a batch's entries to another ingester: drop the batch, nothing was inserted. */
export class BatchLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchLostError';
  }
}

/** Maps a script's negative return code to the error it means. */
function beginError(code: number): Error {
  switch (code) {
    case -1:
      return new BatchLostError('an entry of the batch is no longer pending for this consumer (claimed by another ingester)');
    case -2:
      return new Error('this consumer already has a batch in flight');
    default:
      return new Error(`unexpected ingest-begin result ${code}`);
  }
}

/** The scripts bound to one Redis connection. */
export class IngestScripts {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, def);
    }
  }

  #call(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    return (this.#redis as unknown as Record<ScriptName, ScriptCall>)[name](...args);
  }

  /** Records the batch in flight; returns its sequence number. Throws {@link BatchLostError}. */
  async begin(keys: MarketplaceKeys, consumer: string, token: string, ids: readonly string[]): Promise<number> {
    const r = Number(await this.#call('dromedaryIngestBegin', keys.ingestStream, keys.ingestInFlight, keys.ingestSeq, INGEST_GROUP, consumer, token, Date.now(), ...ids));
    if (r < 0) throw beginError(r);
    return r;
  }

  /** Commits `seq` (ack = acknowledge and delete the entries too); returns the watermark. */
  async commit(keys: MarketplaceKeys, consumer: string, seq: number, ack: boolean, ids: readonly string[]): Promise<number> {
    return Number(
      await this.#call('dromedaryIngestCommit', keys.ingestStream, keys.ingestInFlight, keys.ingestCommitted, keys.ingestWatermark, INGEST_GROUP, consumer, seq, ack ? '1' : '0', ...ids),
    );
  }

  /** Counts a failed insert; returns the attempts so far, or -1 if the batch was taken over. */
  async attempt(keys: MarketplaceKeys, consumer: string, seq: number): Promise<number> {
    return Number(await this.#call('dromedaryIngestAttempt', keys.ingestInFlight, consumer, seq));
  }

  /** Takes over a stopped consumer's batch or idle entries. */
  async claim(
    keys: MarketplaceKeys,
    consumer: string,
    minIdleMs: number,
    maxEntries: number,
  ): Promise<{ kind: 'batch'; record: InFlightRecord } | { kind: 'entries'; ids: string[] } | { kind: 'none' }> {
    const r = (await this.#call('dromedaryIngestClaim', keys.ingestStream, keys.ingestInFlight, INGEST_GROUP, consumer, minIdleMs, maxEntries)) as string[];
    if (r[0] === 'batch' && r[1]) return { kind: 'batch', record: parseRecord(r[1]) };
    if (r[0] === 'entries') return { kind: 'entries', ids: r.slice(1) };
    return { kind: 'none' };
  }

  /** Restarts a lost sequence counter (and the watermark) at `stored`; true when it was lost. */
  async restoreSequence(keys: MarketplaceKeys, stored: number): Promise<boolean> {
    return Number(await this.#call('dromedaryIngestRestoreSeq', keys.ingestSeq, keys.ingestWatermark, stored)) === 1;
  }

  /** Moves entries to the dead-letter stream with their reasons, acknowledged and deleted. */
  async deadLetter(keys: MarketplaceKeys, consumer: string, capEntries: number, entries: readonly { id: string; reason: string }[]): Promise<number> {
    if (entries.length === 0) return 0;
    const args = entries.flatMap((e) => [e.id, e.reason.slice(0, 2_000)]);
    return Number(await this.#call('dromedaryIngestDeadLetter', keys.ingestStream, keys.ingestDeadLetter, INGEST_GROUP, capEntries, consumer, ...args));
  }
}

/** Reads a consumer's in-flight record, if any. */
export async function readInFlight(redis: Redis, keys: MarketplaceKeys, consumer: string): Promise<InFlightRecord | undefined> {
  const raw = await redis.hget(keys.ingestInFlight, consumer);
  return raw ? parseRecord(raw) : undefined;
}

function parseRecord(raw: string): InFlightRecord {
  const r = JSON.parse(raw) as Partial<InFlightRecord> & { ids?: unknown };
  // cjson encodes an empty Lua table as an object, not an array.
  const ids = Array.isArray(r.ids) ? (r.ids) : [];
  return { ids, token: String(r.token), seq: Number(r.seq), attempts: Number(r.attempts ?? 0), startedAt: Number(r.startedAt ?? 0) };
}
