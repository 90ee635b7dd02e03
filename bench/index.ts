/**
 * bench/: the benchmark commands (`dromedary bench <name> --json`). Each measures Dromedary and, in the
 * same run, the baseline it is compared against, and prints one JSON object.
 */
import type { Command } from 'commander';

/** A benchmark module adds its subcommand to `dromedary bench`. */
export type RegisterBench = (bench: Command) => void;

const BENCHES: readonly RegisterBench[] = [];

/** Adds every benchmark subcommand to the `bench` command. */
export function registerBenches(bench: Command): void {
  for (const register of BENCHES) register(bench);
}
