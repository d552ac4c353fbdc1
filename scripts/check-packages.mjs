// `pnpm check:packages`: packs every publishable package as `pnpm publish` would and checks each
// tarball: its package.json (one version, metadata, sibling packages as caret-ranged peers, no
// `workspace:` range left), LICENSE and README inside, every file `exports` names present; then
// arethetypeswrong (types under node10, node16 from CommonJS and from ESM, bundler) and publint,
// each of which must report nothing. The consumer test runs the same checks with --check.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ensureBuilt, packAll, publishable, ROOT, seconds } from './packages.mjs';

const exec = promisify(execFile);
const METADATA = ['description', 'keywords', 'license', 'repository', 'homepage', 'bugs', 'files'];
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies'];

/**
 * Checks packed tarballs (in `packages`' order): the package.json, LICENSE and README of each, then
 * attw and publint. Prints each tool's report; returns the problems found (none: all clean).
 */
export async function checkTarballs(packages, tarballs, work) {
  const problems = [];
  const versions = new Set(packages.map((p) => p.version));
  if (versions.size !== 1) problems.push(`packages disagree on the version: ${[...versions].join(', ')}`);
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  for (const [i, p] of packages.entries()) {
    const out = join(work, `unpacked-${i}`);
    mkdirSync(out);
    await exec('tar', ['-xzf', tarballs[i], '-C', out]);
    checkTarball(join(out, 'package'), p, license, (message) => problems.push(`${p.name}: ${message}`));
  }
  const tools = await Promise.all(tarballs.map((t) => Promise.all([attw(t), publint(t)])));
  for (const [i, [types, lint]] of tools.entries()) {
    console.log(`\n--- ${packages[i].name}: attw\n${types.output.trim()}`);
    console.log(`--- ${packages[i].name}: publint\n${lint.output.trim()}`);
    if (!types.ok) problems.push(`${packages[i].name}: attw reports problems (above)`);
    if (!lint.ok) problems.push(`${packages[i].name}: publint reports something (above)`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const start = performance.now();
  const packages = publishable(process.argv.slice(2)); // e.g. `core nn`: only those
  ensureBuilt(packages);
  const work = mkdtempSync(join(tmpdir(), 'backprop-pack-'));
  let problems;
  try {
    const tarballs = await packAll(packages, work);
    console.log(`packed ${packages.map((p) => `${p.name}@${p.version}`).join(', ')} in ${seconds(start)} s`);
    problems = await checkTarballs(packages, tarballs, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n${problems.map((m) => `  - ${m}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`\n${packages.length} packages: tarballs, attw and publint clean (${seconds(start)} s)`);
}

function checkTarball(dir, p, license, say) {
  const read = (name) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const manifest = JSON.parse(read('package.json'));
  for (const field of METADATA) if (manifest[field] === undefined) say(`package.json has no ${field}`);
  if (manifest.license !== 'MIT') say(`license is ${manifest.license}, not MIT`);
  if (manifest.engines?.node !== '>=20') say(`engines.node is ${manifest.engines?.node}, not >=20`);
  if (manifest.sideEffects !== false) say('sideEffects is not false');
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) say(`${field}.${name} is still ${range}`);
      if (!name.startsWith('@backprop/')) continue;
      // One copy of core per application: siblings are peers, with a caret range, never pinned.
      if (field === 'dependencies') say(`${name} is a dependency; siblings are peer dependencies`);
      if (!/^\^\d/.test(range)) say(`${field}.${name} is ${range}, not a caret range`);
    }
  }
  if (read('LICENSE') !== license) say('LICENSE missing or not the root LICENSE');
  if (!read('README.md')?.includes(p.name)) say('README.md missing or does not name the package');
  const targets = JSON.stringify(manifest.exports).match(/"\.\/[^"]+"/g) ?? [];
  for (const target of [...targets, `"${manifest.main}"`, `"${manifest.types}"`]) {
    const file = JSON.parse(target);
    if (!file.includes('*') && read(file) === undefined && file !== './package.json')
      say(`${file} is not in the tarball`);
  }
}

async function tool(args) {
  try {
    const { stdout, stderr } = await exec(args[0], args.slice(1), { cwd: ROOT, maxBuffer: 1 << 24 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error) };
  }
}

async function attw(tarball) {
  const bin = join(ROOT, 'node_modules', '.bin', 'attw');
  // The default (strict) profile: node10, node16 from CJS and from ESM, bundler.
  return tool([bin, tarball, '--format', 'table-flipped', '--no-emoji', '--no-color']);
}

async function publint(tarball) {
  const bin = join(ROOT, 'node_modules', '.bin', 'publint');
  const result = await tool([bin, 'run', tarball, '--strict']);
  // publint exits 0 on suggestions; "nothing reported" is its "All good!".
  return { ...result, ok: result.ok && result.output.includes('All good!') };
}
