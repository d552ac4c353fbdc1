// Builds one package (run from its folder): ESM and CJS bundles with esbuild, declarations with tsc.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).concat(['node:*']);
rmSync('dist', { recursive: true, force: true });
const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external,
};
await build({ ...common, format: 'esm', outfile: 'dist/index.js', sourcemap: true });
// CommonJS has no import.meta; code that needs its own location reads __filename there first
// (data's payload resolution), so the empty import.meta esbuild leaves is never read.
await build({
  ...common,
  format: 'cjs',
  outfile: 'dist/index.cjs',
  sourcemap: true,
  logOverride: { 'empty-import-meta': 'silent' },
});
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
