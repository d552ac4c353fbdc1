// Bundles the playground into static files with esbuild: dist/index.html, style.css, main.js (the
// page) and worker.js (the training). The @backprop packages come from their built dist/index.js,
// the very files `import '@backprop/core'` loads for users, never from their sources.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
/** Where `buildPlayground` writes by default. */
export const DIST = join(HERE, 'dist');
const PACKAGES = ['core', 'nn', 'optim', 'data'] as const;

// @backprop/data reaches these only through dynamic imports inside Node-only functions (mnist()'s
// file reading, fit()'s progress bar, PNG plots). The page never calls those, so none may enter the bundle.
const NODE_ONLY = ['cli-progress', '@resvg/resvg-js', 'node:*'];

const entry = (pkg: string) => join(ROOT, 'packages', pkg, 'dist', 'index.js');

// Every @backprop/* import, from the page or from inside another package's dist, resolves to that
// package's dist entry: one copy of core, the published one.
const useBuiltPackages: Plugin = {
  name: 'backprop-dist',
  setup(b) {
    b.onResolve({ filter: /^@backprop\/(core|nn|optim|data)$/ }, (args) => ({
      path: entry(args.path.slice('@backprop/'.length)),
    }));
  },
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  }
  return newest;
}

/**
 * Packages whose dist is missing or older than their src: building the page from them would not
 * show the code users get. Empty when every dist is current.
 *
 * @example
 * ```ts
 * staleBuilds(); // [] after `npx --yes pnpm@9.15.9 build`
 * ```
 */
export function staleBuilds(): string[] {
  return PACKAGES.filter((pkg) => {
    const out = entry(pkg);
    return !existsSync(out) || statSync(out).mtimeMs < newestMtime(join(ROOT, 'packages', pkg, 'src'));
  }).map((pkg) => `@backprop/${pkg}`);
}

const fromRoot = (p: string) => relative(ROOT, join(process.cwd(), p)).split(sep).join('/');

/**
 * Each bundle's input files (relative to the repository), by output name; throws unless every
 * backprop module came from a package's dist/ and nothing came from node_modules.
 *
 * @example
 * ```ts
 * checkInputs(result.metafile)['worker.js']; // ['packages/core/dist/index.js', ..., 'docs/playground/src/worker.ts']
 * ```
 */
export function checkInputs(metafile: Metafile): Record<string, string[]> {
  const all = Object.keys(metafile.inputs).map(fromRoot);
  const bad = all.filter(
    (p) => (p.startsWith('packages/') && !/^packages\/\w+\/dist\//.test(p)) || p.includes('node_modules'),
  );
  if (bad.length > 0)
    throw new Error(`playground build: bundled files outside the packages' dist: ${bad.join(', ')}`);
  const byOutput: Record<string, string[]> = {};
  for (const [out, { inputs }] of Object.entries(metafile.outputs)) {
    if (out.endsWith('.js')) byOutput[out.split('/').at(-1)!] = Object.keys(inputs).map(fromRoot);
  }
  return byOutput;
}

/** One output file and its size. */
export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** What a build wrote (with sizes) and what it read. */
export interface BuildResult {
  files: BuiltFile[];
  /** Each bundle's input files, relative to the repository root: `inputs['worker.js']`. */
  inputs: Record<string, string[]>;
}

/**
 * Builds the playground into `outDir` (default docs/playground/dist); returns the files with their
 * raw and gzip sizes, and the bundle's inputs. Throws when a package's dist is missing.
 *
 * @example
 * ```ts
 * const { files } = await buildPlayground();
 * files.find((f) => f.name === 'worker.js')!.gzipBytes;
 * ```
 */
export async function buildPlayground(outDir = DIST): Promise<BuildResult> {
  const missing = PACKAGES.filter((pkg) => !existsSync(entry(pkg)));
  if (missing.length > 0) {
    throw new Error(
      `playground build: no dist for ${missing.join(', ')}; run \`npx --yes pnpm@9.15.9 build\` first`,
    );
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(join(HERE, 'static'), outDir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(HERE, 'src', 'main.ts'), worker: join(HERE, 'src', 'worker.ts') },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    external: NODE_ONLY,
    plugins: [useBuiltPackages],
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = checkInputs(result.metafile);
  const files = ['index.html', 'style.css', 'main.js', 'worker.js'].map((name) => {
    const bytes = readFileSync(join(outDir, name));
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  return { files, inputs };
}
