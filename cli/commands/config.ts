/** `dromedary config print`: the effective configuration, secrets redacted. */
import type { Command } from 'commander';
import { redactConfig } from '../../config/index.js';
import { configFromCommand, printJson } from '../context.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect configuration');
  config
    .command('print')
    .description('print the effective configuration (flag > env > file > default), secrets redacted')
    .action((_opts: unknown, command: Command) => {
      printJson(redactConfig(configFromCommand(command)));
    });
}
