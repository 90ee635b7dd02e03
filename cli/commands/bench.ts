/** `dromedary bench <name>`: the benchmark commands, each defined in bench/. */
import type { Command } from 'commander';
import { registerBenches } from '../../bench/index.js';

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('measure Dromedary against its baselines (prints JSON with --json)');
  registerBenches(bench);
}
