/**
 * The ingestion loop of one marketplace: read a batch of stream entries (consumer group), set invalid
 * ones aside, record the batch in flight (ids, token, sequence), insert it, then commit (acknowledge +
 * delete + clear the record + advance the watermark) in one script. The next batch is read while the
 * current one is inserted.
 *
 * Crash safety does not depend on reading the same batch again: a recorded batch is rebuilt from its
 * recorded entry ids and re-inserted with its recorded token and sequence number, which ClickHouse
 * deduplicates (tables and views) if the first insert had landed. Entries delivered but never recorded
 * were never inserted and are simply processed again.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config, MarketplaceCode } from '../../config/index.js';
import type { MarketplaceKeys } from '../../runtime/index.js';
import { announceCommitted, changedProducts } from './ingest-announce.js';
import { isDataError } from './insert-errors.js';
import { insertBatch, storedMaxSequence } from './ingest-insert.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { type BatchRows, type DecodedEntries, type PreparedRows, type RawEntry, decodeEntries, prepareRows, withSequence } from './ingest-rows.js';
import { BatchLostError, INGEST_GROUP, type InFlightRecord, type IngestScripts, readInFlight } from './ingest-scripts.js';

export interface LoopOptions {
  marketplace: MarketplaceCode;
  keys: MarketplaceKeys;
  consumer: string;
  redis: Redis;
  /** A connection of its own for blocking reads; the loop closes it. */
  reader: Redis;
  scripts: IngestScripts;
  clickhouse: ClickHouseClient;
  config: Config;
  logger: Logger;
  metrics: IngestMetrics;
  claimIdleMs: number;
  deadLetterCap: number;
  /** Pub/sub channel on which committed batches' products are announced (see ingest-announce.ts). */
  productsChangedChannel: string;
}

interface Batch {
  entries: RawEntry[];
  /** Set when this is a recorded batch being re-inserted. */
  record?: InFlightRecord;
  /** Decoded and prepared ahead of time (new entries read while the previous batch was inserted). */
  ready?: { decoded: DecodedEntries; prepared: PreparedRows };
}

/** Decodes entries and prepares their rows: CPU work that overlaps the previous batch's insert. */
function ready(entries: RawEntry[]): Batch {
  const decoded = decodeEntries(entries.filter(([, fields]) => fields !== null));
  return { entries, ready: { decoded, prepared: prepareRows(decoded.valid.map((v) => v.envelope)) } };
}

const MAX_BACKOFF_MS = 10_000;

export class MarketplaceIngestLoop {
  readonly #o: LoopOptions;
  readonly #log: Logger;
  #stopping = false;
  /** Entries of a batch that kept failing, to be tried one by one. */
  readonly #isolate: string[] = [];
  #lastClaimAt = Date.now();
  #lastGaugeAt = 0;

  constructor(options: LoopOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'ingester', marketplace: options.marketplace });
  }

  /** Asks the loop to stop reading; the batch in hand is finished (or left recorded for recovery). */
  stop(): void {
    this.#stopping = true;
  }

  /** Runs until {@link stop}. Never throws. */
  async run(): Promise<void> {
    await this.#untilDone('create the consumer group', () => this.#ensureGroup());
    await this.#untilDone('check the sequence counter', () => this.#restoreSequence());
    await this.#untilDone('recover the batch in flight', () => this.#recoverOwnRecord());
    await this.#untilDone('process entries left pending', () => this.#drainOwnPending());
    let prefetched: Promise<Batch | undefined> | undefined;
    while (!this.#stopping) {
      try {
        if (Date.now() - this.#lastClaimAt >= this.#o.claimIdleMs / 2) {
          this.#lastClaimAt = Date.now();
          await this.#claimFromStoppedConsumers();
        }
        const batch = await (prefetched ?? this.#read());
        prefetched = undefined;
        if (!batch) continue;
        if (!this.#stopping && this.#isolate.length === 0) prefetched = this.#read();
        await this.#process(batch);
        await this.#updateGauges();
      } catch (err) {
        this.#log.error({ err }, 'ingest loop step failed; retrying');
        await sleep(1_000);
      }
    }
    // Finish what was already read (it is delivered to this consumer).
    const last = await prefetched?.catch(() => undefined);
    if (last) await this.#process(last).catch((err: unknown) => this.#log.error({ err }, 'last batch failed'));
    await this.#o.reader.quit().catch(() => this.#o.reader.disconnect());
  }

  async #untilDone(what: string, step: () => Promise<void>): Promise<void> {
    let backoff = 250;
    while (!this.#stopping) {
      try {
        await step();
        return;
      } catch (err) {
        this.#log.warn({ err, step: what }, 'ingest step failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup('CREATE', this.#o.keys.ingestStream, INGEST_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /**
   * If Redis lost the sequence counter while ClickHouse holds batches, restart it above them. Reads
   * ClickHouse only when the counter is missing (a new install, or lost state).
   */
  async #restoreSequence(): Promise<void> {
    const { redis, keys, marketplace, clickhouse } = this.#o;
    if ((await redis.exists(keys.ingestSeq)) === 1) return;
    const stored = await storedMaxSequence(clickhouse, marketplace);
    if (await this.#o.scripts.restoreSequence(keys, stored)) {
      this.#log.warn({ seq: stored }, 'the ingestion sequence was lost from Redis: restarted above the highest batch in ClickHouse');
    }
  }

  /** Reads the next batch: entries to try one by one first, else new entries (blocking up to blockMs). */
  async #read(): Promise<Batch | undefined> {
    const id = this.#isolate.shift();
    if (id !== undefined) return { entries: await this.#fetch([id]) };
    try {
      const reply = (await this.#o.reader.xreadgroup(
        'GROUP', INGEST_GROUP, this.#o.consumer,
        'COUNT', this.#o.config.ingest.batchEntries,
        'BLOCK', this.#o.config.ingest.blockMs,
        'STREAMS', this.#o.keys.ingestStream, '>',
      ));
      const entries = reply?.[0]?.[1] ?? [];
      return entries.length > 0 ? ready(entries) : undefined;
    } catch (err) {
      if (this.#stopping) return undefined;
      if (String((err as Error).message).includes('NOGROUP')) await this.#ensureGroup();
      else this.#log.warn({ err }, 'reading the ingestion stream failed; retrying');
      await sleep(500);
      return undefined;
    }
  }

  /** Entries by id (a deleted one comes back with null fields). */
  async #fetch(ids: readonly string[]): Promise<RawEntry[]> {
    const pipeline = this.#o.redis.pipeline();
    for (const id of ids) pipeline.xrange(this.#o.keys.ingestStream, id, id);
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((id, i) => {
      const [err, value] = replies[i] ?? [null, []];
      if (err) throw err;
      const found = (value as RawEntry[])[0];
      return [id, found ? found[1] : null];
    });
  }

  async #recoverOwnRecord(): Promise<void> {
    const record = await readInFlight(this.#o.redis, this.#o.keys, this.#o.consumer);
    if (!record) return;
    this.#log.info({ seq: record.seq, entries: record.ids.length }, 'recovering the batch that was in flight');
    await this.#process({ entries: await this.#fetch(record.ids), record });
  }

  async #drainOwnPending(): Promise<void> {
    for (;;) {
      const pending = (await this.#o.redis.xpending(
        this.#o.keys.ingestStream, INGEST_GROUP, '-', '+', this.#o.config.ingest.batchEntries, this.#o.consumer,
      )) as [string, string, number, number][];
      if (pending.length === 0 || this.#stopping) return;
      this.#log.info({ entries: pending.length }, 'processing entries delivered before a restart');
      await this.#process({ entries: await this.#fetch(pending.map((p) => p[0])) });
      while (this.#isolate.length > 0 && !this.#stopping) {
        const id = this.#isolate.shift() as string;
        await this.#process({ entries: await this.#fetch([id]) });
      }
    }
  }

  async #claimFromStoppedConsumers(): Promise<void> {
    const claimed = await this.#o.scripts.claim(this.#o.keys, this.#o.consumer, this.#o.claimIdleMs, this.#o.config.ingest.batchEntries);
    if (claimed.kind === 'batch') {
      this.#log.warn({ seq: claimed.record.seq }, 'took over the batch of a stopped ingester');
      await this.#process({ entries: await this.#fetch(claimed.record.ids), record: claimed.record });
    } else if (claimed.kind === 'entries') {
      this.#log.warn({ entries: claimed.ids.length }, 'took over idle entries of a stopped ingester');
      await this.#process({ entries: await this.#fetch(claimed.ids) });
    }
  }

  async #process(batch: Batch): Promise<void> {
    const { marketplace } = this.#o;
    const { decoded, prepared } = batch.ready ?? ready(batch.entries).ready!;
    const changed = changedProducts(decoded.valid.map((v) => v.envelope));
    if (batch.record) {
      await this.#insertAndCommit(batch.record, withSequence(prepared, batch.record.seq), 'recovered', changed);
      return;
    }
    if (decoded.invalid.length > 0) {
      await this.#o.scripts.deadLetter(this.#o.keys, this.#o.consumer, this.#o.deadLetterCap, decoded.invalid);
      this.#o.metrics.deadLettered.inc({ marketplace, reason: 'invalid' }, decoded.invalid.length);
      for (const d of decoded.invalid) this.#log.warn({ entry: d.id, reason: d.reason }, 'invalid ingestion entry set aside');
    }
    const gone = batch.entries.filter(([, fields]) => fields === null).map(([id]) => id);
    if (gone.length > 0) await this.#o.redis.xack(this.#o.keys.ingestStream, INGEST_GROUP, ...gone);
    if (decoded.valid.length === 0) return;
    const ids = decoded.valid.map((v) => v.id);
    const token = randomUUID();
    let seq: number;
    try {
      seq = await this.#o.scripts.begin(this.#o.keys, this.#o.consumer, token, ids);
    } catch (err) {
      if (err instanceof BatchLostError) {
        this.#o.metrics.batches.inc({ marketplace, result: 'lost' });
        this.#log.warn({ entries: ids.length }, 'entries were claimed by another ingester; batch dropped before insert');
        return;
      }
      throw err;
    }
    await this.#insertAndCommit({ ids, token, seq, attempts: 0, startedAt: Date.now() }, withSequence(prepared, seq), 'ok', changed);
  }

  async #insertAndCommit(record: InFlightRecord, rows: BatchRows, result: 'ok' | 'recovered', changed: readonly string[]): Promise<void> {
    const { marketplace, metrics } = this.#o;
    let backoff = 250;
    for (;;) {
      const end = metrics.insertSeconds.startTimer({ marketplace });
      try {
        await insertBatch(this.#o.clickhouse, rows, record.token);
        end();
        break;
      } catch (err) {
        metrics.batches.inc({ marketplace, result: 'retry' });
        if (isDataError(err)) {
          const attempts = await this.#o.scripts.attempt(this.#o.keys, this.#o.consumer, record.seq);
          if (attempts < 0) {
            metrics.batches.inc({ marketplace, result: 'lost' });
            return;
          }
          this.#log.warn({ err, seq: record.seq, attempts }, 'insert rejected');
          if (attempts >= this.#o.config.ingest.maxDeliveries) {
            await this.#giveUp(record, err as Error, attempts);
            return;
          }
        } else {
          this.#log.warn({ err, seq: record.seq, retryInMs: backoff }, 'ClickHouse unavailable; entries wait in the stream');
        }
        // On shutdown the record stays: the next start (or another ingester) re-inserts it.
        if (this.#stopping) return;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    if (this.#o.config.ingest.faultInjection === 'kill-after-insert') process.kill(process.pid, 'SIGKILL');
    await this.#retryRedis('commit', () => this.#o.scripts.commit(this.#o.keys, this.#o.consumer, record.seq, true, record.ids));
    await announceCommitted(this.#o.redis, this.#o.productsChangedChannel, marketplace, changed, this.#log);
    metrics.batches.inc({ marketplace, result });
    metrics.points.inc({ marketplace }, rows.pointCount);
    metrics.outcomes.inc({ marketplace }, rows.outcomeCount);
    metrics.products.inc({ marketplace }, rows.productCount);
  }

  /** A batch kept failing: split it (entries retried one by one), or set a single entry aside. */
  async #giveUp(record: InFlightRecord, err: Error, attempts: number): Promise<void> {
    const { marketplace, metrics } = this.#o;
    await this.#o.scripts.commit(this.#o.keys, this.#o.consumer, record.seq, false, record.ids);
    if (record.ids.length > 1) {
      metrics.batches.inc({ marketplace, result: 'split' });
      this.#isolate.push(...record.ids);
      return;
    }
    const reason = `insert failed ${attempts} times: ${err.message}`;
    await this.#o.scripts.deadLetter(this.#o.keys, this.#o.consumer, this.#o.deadLetterCap, record.ids.map((id) => ({ id, reason })));
    metrics.deadLettered.inc({ marketplace, reason: 'undeliverable' }, record.ids.length);
    this.#log.error({ entry: record.ids[0], reason }, 'ingestion entry set aside after repeated insert failures');
  }

  async #retryRedis<T>(what: string, step: () => Promise<T>): Promise<T> {
    let backoff = 100;
    for (;;) {
      try {
        return await step();
      } catch (err) {
        this.#log.warn({ err, step: what }, 'Redis step failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async #updateGauges(): Promise<void> {
    if (Date.now() - this.#lastGaugeAt < 1_000) return;
    this.#lastGaugeAt = Date.now();
    const [length, summary] = await Promise.all([
      this.#o.redis.xlen(this.#o.keys.ingestStream),
      this.#o.redis.xpending(this.#o.keys.ingestStream, INGEST_GROUP) as Promise<[number, ...unknown[]]>,
    ]);
    this.#o.metrics.streamLength.set({ marketplace: this.#o.marketplace }, length);
    this.#o.metrics.pending.set({ marketplace: this.#o.marketplace }, Number(summary[0] ?? 0));
  }
}
