// Builds one package (run from its folder): ESM and CJS bundles with esbuild, declarations with tsc,
// and a CommonJS twin of every declaration file (.d.cts) for `require`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
writeCjsDeclarations('dist');

// In a "type": "module" package every .d.ts describes an ES module, so TypeScript under node16
// resolution refuses `require` of one (TS1479, "masquerading as ESM"). Each x.d.ts gets a twin
// x.d.cts whose relative imports name x.cjs, which TypeScript resolves to the twin: the require
// condition then sees a whole CommonJS declaration tree, and sibling packages resolve through
// their own require condition.
function writeCjsDeclarations(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) writeCjsDeclarations(path);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8').replace(
        /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\.js\2/g,
        (_, head, quote, stem) => `${head}${quote}${stem}.cjs${quote}`,
      );
      writeFileSync(`${path.slice(0, -'.d.ts'.length)}.d.cts`, text);
    }
  }
}
