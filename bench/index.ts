/**
 * bench/: the benchmark commands (`dromedary bench <name> --json`). Each measures Dromedary and, in the
 * same run, the baseline it is compared against, and prints one JSON object.
 */
import type { Command } from 'commander';
import { registerStorageBench } from './storage-bench.js';
import { registerCoordinatorBench } from './coordinator-bench.js';
import { registerParseBench } from './parse-bench.js';
import { registerApiBench } from './api-bench.js';
import { registerCrawlBench } from './crawl-bench.js';
import { registerAlertsBench } from './alerts-bench.js';

/** A benchmark module adds its subcommand to `dromedary bench`. */
export type RegisterBench = (bench: Command) => void;

const BENCHES: readonly RegisterBench[] = [registerCoordinatorBench, registerStorageBench, registerParseBench, registerAlertsBench, registerCrawlBench, registerApiBench];

/** Adds every benchmark subcommand to the `bench` command. */
export function registerBenches(bench: Command): void {
  for (const register of BENCHES) register(bench);
}
