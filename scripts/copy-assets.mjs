// Copies the non-TypeScript files the code reads at run time (SQL migrations, Lua scripts, static web
// assets, templates) from the part folders into dist/, keeping their paths.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const PARTS = ['contracts', 'config', 'runtime', 'parser', 'simulator', 'storage', 'coordinator', 'crawler', 'alerts', 'charts', 'api', 'standalone', 'cli', 'bench'];
const ASSET = /\.(sql|lua|html|css|svg|json|txt|woff2?|png|ico|js)$/;
const root = new URL('..', import.meta.url).pathname;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name) && !name.endsWith('.d.ts')) {
      cpSync(path, join(root, 'dist', relative(root, path)));
    }
  }
}
// Migrations are read by listing their folder: a file removed from the source must leave dist too.
for (const dir of ['migrations', 'migrations-cluster']) rmSync(join(root, 'dist', 'storage', dir), { recursive: true, force: true });
for (const part of PARTS) {
  const dir = join(root, part);
  if (existsSync(dir)) walk(dir);
}
