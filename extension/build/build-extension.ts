/**
 * Builds the extension for Chrome and Firefox from one source: esbuild bundles the background
 * worker, the content script, the popup and the options page (one IIFE each; `__BROWSER__` tells
 * the two builds apart), the pages, styles and icons are copied or rendered, each browser gets its
 * manifest, and each unpacked folder is zipped (fflate; fixed timestamps, so the same source gives
 * the same zip).
 *
 *   npm run build:extension                          # extension/dist/{chrome,firefox}/ + zips
 *   npx tsx extension/build/build-extension.ts --out-dir /tmp/x --no-minify
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { build } from 'esbuild';
import { type Zippable, type ZippableFile, zipSync } from 'fflate';
import { BROWSERS, type Browser, buildManifest } from './manifest.js';

const EXTENSION_DIR = fileURLToPath(new URL('../', import.meta.url));
const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const ICON_SIZES = [16, 32, 48, 128] as const;
/** Zip entries carry this time, not the build's: the same source gives byte-identical zips. */
const ZIP_MTIME = new Date('2024-01-01T00:00:00Z');

export interface BuildExtensionOptions {
  /** Output folder; default extension/dist. Each browser gets `<outDir>/<browser>/` and `<outDir>/dromedary-<browser>-<version>.zip`. */
  outDir?: string;
  /** Browsers to build; default both. */
  browsers?: readonly Browser[];
  /** Minify the bundles. Default true. */
  minify?: boolean;
  /** Write the zips. Default true. */
  zip?: boolean;
}

/** One built extension. */
export interface BuiltExtension {
  browser: Browser;
  /** The unpacked extension (load this folder). */
  dir: string;
  /** The zip, or null when not asked for. */
  zip: string | null;
  /** Files of the unpacked extension, relative, sorted. */
  files: string[];
  /** Total size of the unpacked files, bytes. */
  bytes: number;
}

/** Builds the extension; see the file header. */
export async function buildExtension(options: BuildExtensionOptions = {}): Promise<BuiltExtension[]> {
  const outDir = options.outDir ?? join(EXTENSION_DIR, 'dist');
  const version = (JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  const icons = renderIcons();
  const built: BuiltExtension[] = [];
  for (const browser of options.browsers ?? BROWSERS) {
    const dir = join(outDir, browser);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'icons'), { recursive: true });
    await bundle(browser, dir, options.minify ?? true);
    copyStatic(dir);
    for (const [size, png] of icons) writeFileSync(join(dir, 'icons', `icon-${size}.png`), png);
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(buildManifest(browser, version), null, 2)}\n`);
    const files = listFiles(dir);
    let zip: string | null = null;
    if (options.zip ?? true) {
      zip = join(outDir, `dromedary-${browser}-${version}.zip`);
      const entries: Zippable = Object.fromEntries(files.map((f): [string, ZippableFile] => [f, [readFileSync(join(dir, f)), { mtime: ZIP_MTIME }]]));
      writeFileSync(zip, zipSync(entries, { level: 9 }));
    }
    built.push({ browser, dir, zip, files, bytes: files.reduce((n, f) => n + statSync(join(dir, f)).size, 0) });
  }
  return built;
}

async function bundle(browser: Browser, dir: string, minify: boolean): Promise<void> {
  const src = join(EXTENSION_DIR, 'src');
  await build({
    entryPoints: {
      background: join(src, 'background/service-worker.ts'),
      content: join(src, 'content/content-script.ts'),
      popup: join(src, 'popup/popup.ts'),
      options: join(src, 'options/options.ts'),
    },
    outdir: dir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: browser === 'chrome' ? 'chrome121' : 'firefox140',
    define: { __BROWSER__: JSON.stringify(browser) },
    loader: { '.css': 'text' },
    minify,
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'silent',
  });
}

function copyStatic(dir: string): void {
  const src = join(EXTENSION_DIR, 'src');
  const copies: [from: string, to: string][] = [
    [join(src, 'popup/popup.html'), 'popup.html'],
    [join(src, 'options/options.html'), 'options.html'],
    [join(src, 'pages.css'), 'pages.css'],
    [join(ROOT_DIR, 'node_modules/uplot/dist/uPlot.min.css'), 'uplot.css'],
  ];
  for (const [from, to] of copies) writeFileSync(join(dir, to), readFileSync(from));
}

function renderIcons(): Map<number, Buffer> {
  const svg = readFileSync(join(EXTENSION_DIR, 'static/icon.svg'));
  return new Map(ICON_SIZES.map((size) => [size, new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng()]));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function parseArgs(argv: readonly string[]): BuildExtensionOptions {
  const options: BuildExtensionOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out-dir' && argv[i + 1]) options.outDir = argv[++i];
    else if (arg === '--no-minify') options.minify = false;
    else if (arg === '--no-zip') options.zip = false;
    else if (arg === '--browser' && argv[i + 1]) options.browsers = [argv[++i] as Browser];
    else throw new Error(`unknown argument ${String(arg)} (use --out-dir DIR, --browser chrome|firefox, --no-minify, --no-zip)`);
  }
  if (options.browsers?.some((b) => !(BROWSERS as readonly string[]).includes(b))) throw new Error(`--browser takes ${BROWSERS.join(' or ')}`);
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const built = await buildExtension(parseArgs(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(built.map(({ browser, dir, zip, files, bytes }) => ({ browser, dir, zip, files: files.length, bytes })))}\n`);
  } catch (err) {
    process.stderr.write(`build:extension failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
