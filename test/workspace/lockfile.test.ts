/**
 * A fresh clone must install with `npm ci`, which refuses a lockfile that lacks an entry for any
 * optional dependency of a locked package — including platform packages for other systems that a
 * registry mirror did not serve. `scripts/lock-optional-platforms.mjs` adds such entries.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> };

describe('package-lock.json', () => {
  it('holds an entry for every optional dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // npm resolves a dependency in the package's own node_modules, then up the tree.
        const candidates = [`${key ? `${key}/` : ''}node_modules/${name}`, `node_modules/${name}`];
        if (!candidates.some((c) => c in lock.packages)) missing.push(`${name} (of ${key || 'the project'})`);
      }
    }
    expect(missing, 'run: node scripts/lock-optional-platforms.mjs').toEqual([]);
  });
});
