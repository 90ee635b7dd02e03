/** The `dromedary` executable: parse, run, map errors to exit codes. */
import { CommanderError } from 'commander';
import { reportError } from './errors.js';
import { buildProgram } from './program.js';

/** Runs the CLI with `argv` and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 64;
    return reportError(err, { json: argv.includes('--json') });
  }
}

const code = await runCli(process.argv.slice(2));
// Long-running roles resolve only when they have stopped; then the process may exit.
process.exitCode = code;
