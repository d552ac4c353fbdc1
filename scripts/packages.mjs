// The publishable packages (packages/*, not private) and packing them into tarballs, shared by
// check-packages.mjs and consumer-test.mjs; run directly (`pnpm pack:all`), it packs them into
// out/tarballs/.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '9.15.9';

/**
 * Each publishable package: its folder, name, version and manifest, peers before their dependents.
 * `only` (folder names, e.g. from the command line) keeps those; empty keeps all.
 */
export function publishable(only = []) {
  const dir = join(ROOT, 'packages');
  const found = readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => {
      const manifest = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8'));
      return { dir: join(dir, name), name: manifest.name, version: manifest.version, manifest };
    })
    .filter((p) => !p.manifest.private && (only.length === 0 || only.some((o) => p.dir.endsWith(`/${o}`))));
  if (only.length > 0 && found.length !== only.length)
    throw new Error(`no package folder for one of: ${only.join(', ')}`);
  const siblings = (p) =>
    Object.keys({ ...p.manifest.dependencies, ...p.manifest.peerDependencies }).filter((d) =>
      d.startsWith('@backprop/'),
    );
  // Topological order, so that a package's declarations are built after its siblings'.
  const ordered = [];
  const visit = (p) => {
    if (ordered.includes(p)) return;
    for (const dep of siblings(p)) {
      const q = found.find((f) => f.name === dep);
      if (q) visit(q);
    }
    ordered.push(p);
  };
  found.sort((a, b) => a.name.localeCompare(b.name)).forEach(visit);
  return ordered;
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Builds every package whose dist is missing or older than its src or package.json. */
export function ensureBuilt(packages) {
  for (const p of packages) {
    const entry = join(p.dir, 'dist', 'index.d.cts');
    const stale =
      !existsSync(entry) ||
      statSync(entry).mtimeMs <
        Math.max(newestMtime(join(p.dir, 'src')), newestMtime(join(p.dir, 'package.json')));
    if (stale) {
      console.log(`building ${p.name} (dist missing or older than src)`);
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-package.mjs')], {
        cwd: p.dir,
        stdio: 'inherit',
      });
    }
  }
}

// pnpm, not npm, packs: it rewrites `workspace:` ranges into the versions they stand for. `pnpm
// test` puts pnpm on PATH; run directly, the script asks npx once where its pnpm is.
function pnpmCommand() {
  const version = (command) => {
    try {
      return execFileSync(command, ['--version'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return undefined;
    }
  };
  if (version('pnpm') === PNPM_VERSION) return 'pnpm';
  const found = execFileSync('npx', ['--yes', '-p', `pnpm@${PNPM_VERSION}`, '-c', 'command -v pnpm'], {
    encoding: 'utf8',
  }).trim();
  if (version(found) !== PNPM_VERSION) throw new Error(`no pnpm ${PNPM_VERSION} (npx found ${found})`);
  return found;
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} in ${cwd}:\n${output}`)),
    );
  });
}

/** Packs every package into `dest` with pnpm (in parallel); returns the tarball paths, in order. */
export async function packAll(packages, dest) {
  const pnpm = pnpmCommand();
  return Promise.all(
    packages.map(async (p) => {
      await run(pnpm, ['pack', '--pack-destination', dest], p.dir);
      const file = join(dest, `${p.name.replace('@', '').replace('/', '-')}-${p.version}.tgz`);
      if (!existsSync(file)) throw new Error(`pnpm pack did not write ${file}`);
      return file;
    }),
  );
}

/** Seconds since `start` (a performance.now() value), to one decimal. */
export function seconds(start) {
  return ((performance.now() - start) / 1000).toFixed(1);
}

// `pnpm pack:all`: builds what is stale and packs every package into out/tarballs/, then prints
// the npm command that installs them into another project.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const start = performance.now();
  const packages = publishable(process.argv.slice(2));
  ensureBuilt(packages);
  const dest = join(ROOT, 'out', 'tarballs');
  mkdirSync(dest, { recursive: true });
  const files = await packAll(packages, dest);
  console.log(`packed ${packages.length} packages into ${dest} in ${seconds(start)} s:`);
  for (const file of files) console.log(`  ${basename(file)}`);
  console.log(`install them in your project with\n  npm install ${files.join(' ')}`);
}
