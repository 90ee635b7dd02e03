/**
 * `dromedary bench storage --engine-only`: what the ClickHouse engine alone costs per price point.
 * The insert bodies are built in memory first; then only the inserts run (the ingester's INSERT
 * statements, same batch size and deduplication tokens), with every view and, as the baseline, with
 * the views detached. CPU time is this process's (the embedded engine runs in it) from the first
 * insert until the background merges the inserts caused have finished, so merges are counted.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BatchRows, buildRows } from '../storage/ingest/ingest-rows.js';
import { insertBatch } from '../storage/ingest/ingest-insert.js';
import { selectRows } from '../storage/index.js';
import { syntheticChecks } from './storage-bench-data.js';

export interface EnginePhase {
  points: number;
  seconds: number;
  points_per_sec: number;
  /** CPU of the process per point, inserts and merges. */
  cpu_us_per_point: number;
  /** Seconds the merges ran on after the last insert. */
  merge_tail_seconds: number;
}

/** The insert bodies of `points` synthetic points, in batches of `batchPoints`. */
export function engineBatches(points: number, asins: number, batchPoints: number, asinPrefix: string, seed: number): BatchRows[] {
  const batches: BatchRows[] = [];
  let pending: Parameters<typeof buildRows>[0][number]['observations'] = [];
  const flush = (): void => {
    batches.push(buildRows([{ v: 1, observations: pending, outcomes: [], products: [] }], batches.length + 1));
    pending = [];
  };
  for (const check of syntheticChecks({ asins, points, asinPrefix, seed })) {
    pending.push(...check);
    if (pending.length >= batchPoints) flush();
  }
  if (pending.length > 0) flush();
  return batches;
}

/** Inserts `batches` and waits for the merges; returns the figures. */
export async function runEnginePhase(client: ClickHouseClient, batches: readonly BatchRows[], tokenPrefix: string): Promise<EnginePhase> {
  const points = batches.reduce((n, b) => n + b.pointCount, 0);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const [i, rows] of batches.entries()) await insertBatch(client, rows, `${tokenPrefix}-${i}`);
  const inserted = performance.now();
  for (;;) {
    const [row] = await selectRows<{ n: number | string }>(client, 'SELECT count() AS n FROM system.merges WHERE database = currentDatabase()');
    if (Number(row?.n ?? 0) === 0) break;
    await sleep(100);
  }
  const used = process.cpuUsage(cpu);
  const seconds = (inserted - started) / 1000;
  return {
    points,
    seconds: round(seconds, 2),
    points_per_sec: Math.round(points / seconds),
    cpu_us_per_point: round((used.user + used.system) / points, 2),
    merge_tail_seconds: round((performance.now() - inserted) / 1000, 2),
  };
}

/** `n` rounded to `digits` decimals (for printed figures). */
export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
