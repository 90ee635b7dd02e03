import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { silentLogger } from '../../runtime/index.js';
import { StorageLockedError, createClickHouse } from '../../storage/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/temp-dir.js';

afterAll(() => removeTempDirs());

describe('an embedded data folder held by another process', () => {
  it('is refused with a clear error when the holder serves no bridge', async () => {
    const dataDir = makeTempDir('drom-lock-');
    const holder = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/hold-embedded-engine.ts', import.meta.url)), dataDir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
        holder.once('exit', () => reject(new Error('holder exited early')));
      });
      const config = loadConfig({ env: {}, flags: { dataDir } });
      const attempt = createClickHouse(config, { logger: silentLogger() });
      await expect(attempt).rejects.toBeInstanceOf(StorageLockedError);
      await expect(attempt).rejects.toThrow(/in use by process \d+, which offers no bridge/);
    } finally {
      holder.stdin.end();
      await exited;
    }
  });
});
