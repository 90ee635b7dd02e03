// Adds lock entries for optional, platform-specific packages that the registry mirror in use did not
// serve (npm then leaves them out of package-lock.json, and `npm ci` refuses the lock). Each entry
// names the platform it is for, so npm skips it elsewhere. Run after `npm install` if the lockfile
// test reports a missing optional dependency.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
};

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    if (lock.packages[at] || lock.packages[`${key}/${at}`]) continue;
    const platform = Object.entries(PLATFORM).find(([suffix]) => name.endsWith(suffix))?.[1];
    if (!platform) throw new Error(`${name} (optional dependency of ${key || 'the project'}) is missing from the lock and is not a known platform package`);
    lock.packages[at] = { version, ...platform, optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform package entries`);
