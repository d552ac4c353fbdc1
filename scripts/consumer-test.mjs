// `pnpm test:packages` (this script with --check): the packages as a user outside this repository
// gets them. Packs every publishable package, installs the tarballs with npm into two fresh
// projects (CommonJS from `npm init -y`, and ESM with "type": "module"), then: requires/imports
// every package and trains XOR below a loss threshold in each; runs each package README's example;
// type-checks a strict script with tsc under module/moduleResolution node16 (CommonJS and ESM) and
// bundler; bundles a browser script of core, nn and optim with esbuild and checks that it holds no
// Node built-in and no data payload. `--check` also runs check-packages.mjs's checks (attw,
// publint) on the same tarballs; `--keep` leaves the projects in the temp folder; folder names
// (`core nn`) limit the packages.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { checkTarballs } from './check-packages.mjs';
import { ensureBuilt, packAll, publishable, ROOT, seconds } from './packages.mjs';

const exec = promisify(execFile);
const start = performance.now();
const keep = process.argv.includes('--keep');
const check = process.argv.includes('--check');
const packages = publishable(process.argv.slice(2).filter((a) => !a.startsWith('--'))); // e.g. `core nn`
const names = packages.map((p) => p.name);
const has = (name) => names.includes(name);
const LOSS_BELOW = 0.01;

async function main() {
  const tarballs = await step('pack', async () => {
    const dest = join(work, 'tarballs');
    mkdirSync(dest);
    const files = await packAll(packages, dest);
    return { result: files, note: names.join(', ') };
  });
  // attw and publint (CPU) overlap with npm's installs (mostly waiting on files and the network).
  const checked = check
    ? step('tarballs, attw and publint (pnpm check:packages)', async () => {
        const problems = await checkTarballs(packages, tarballs, work);
        if (problems.length > 0) throw new Error(problems.join('\n'));
        return { note: 'clean' };
      })
    : undefined;
  const installed = step('npm init and install the tarballs (CommonJS and ESM projects)', async () => {
    const projects = await Promise.all(['cjs', 'esm'].map((kind) => project(kind, tarballs)));
    return { result: projects, note: await coreCopies(projects) };
  });
  const [, [cjs, esm]] = await Promise.all([checked, installed]);
  writeSources(cjs, esm);
  await step('require (CommonJS): all packages, train XOR', () => node(cjs, 'train.js'));
  await step('import (ESM): all packages, train XOR with fit', () => node(esm, 'train.js'));
  await step('README examples (ESM)', async () => {
    const out = [];
    for (const p of packages) {
      if (!readme(p)) continue;
      const { output } = await node(esm, `readme-${short(p.name)}.js`);
      out.push(`${p.name}: ${output.trim().split('\n').join(' | ') || '(ran; printed nothing)'}`);
    }
    return { output: out.join('\n') };
  });
  // The three type-checks are independent: run them side by side.
  await step(
    'tsc: strict script (CommonJS, node16); strict script and READMEs (ESM: node16, bundler)',
    async () => {
      const runs = [
        ['CommonJS project, module node16', cjs, 'tsconfig.json'],
        ['ESM project, module node16', esm, 'tsconfig.json'],
        ['ESM project, moduleResolution bundler', esm, 'tsconfig.bundler.json'],
      ];
      const notes = await Promise.all(
        runs.map(async ([what, dir, config]) => `${what}: ${(await tsc(dir, config)).note}`),
      );
      return { note: notes.join('\n') };
    },
  );
  await step('esbuild: browser bundle of core, nn and optim', () => browserBundle(esm));
}

// Runs one named step, printing its time and what it printed or noted.
async function step(name, fn) {
  const t = performance.now();
  const { result, output, note } = (await fn()) ?? {};
  const text = [note, output?.trim()].filter(Boolean).join('\n');
  console.log(`--- ${name} (${seconds(t)} s)${text ? `\n${text.replace(/^/gm, '    ')}` : ''}`);
  return result;
}

function short(name) {
  return name.replace('@backprop/', '');
}

// npm and node must see neither pnpm's nor this repository's settings: a consumer has only their
// own. pnpm's bin shims set NODE_PATH to the workspace's packages, which `require` would fall back on.
function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(npm|pnpm)_/i.test(key) || key === 'NODE_PATH') delete env[key];
  return env;
}

async function npm(dir, args) {
  const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return exec(npmCommand, args, { cwd: dir, env: cleanEnv(), maxBuffer: 1 << 24 });
}

async function project(kind, tarballs) {
  const dir = join(work, kind);
  mkdirSync(dir);
  await npm(dir, ['init', '-y']);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (kind === 'esm') manifest.type = 'module';
  else if (manifest.type !== undefined && manifest.type !== 'commonjs')
    throw new Error(`npm init -y wrote type ${manifest.type}`);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // The tarballs come from disk; only third-party runtime dependencies (if any) may need the
  // registry, and npm's cache answers those when it can.
  await npm(dir, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs]);
  return dir;
}

// The siblings are peers: npm must have installed exactly one copy of core in each project.
async function coreCopies(projects) {
  const lines = [];
  for (const dir of projects) {
    const { stdout } = await npm(dir, ['ls', '@backprop/core', '--all', '--parseable']);
    const copies = new Set(stdout.trim().split('\n').filter(Boolean));
    if (copies.size !== 1) throw new Error(`${dir}: ${copies.size} copies of @backprop/core:\n${stdout}`);
    const installed = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies);
    lines.push(`${dir}: ${installed.join(', ')}; one copy of @backprop/core`);
  }
  return lines.join('\n');
}

async function node(dir, file) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [file], { cwd: dir, env: cleanEnv() });
    return { output: stdout + stderr };
  } catch (error) {
    throw new Error(`node ${file} in ${dir}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

async function tsc(dir, config) {
  const bin = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  try {
    const { stdout } = await exec(process.execPath, [bin, '-p', config, '--listFiles'], {
      cwd: dir,
      env: cleanEnv(),
    });
    const declarations = stdout.split('\n').filter((f) => f.includes('/node_modules/@backprop/'));
    const kinds = new Set(declarations.map((f) => f.replace(/^.*\.(d\.c?ts)$/, '$1')));
    return {
      note: `clean; read ${declarations.length} declaration files of the packages (${[...kinds].join(', ')})`,
    };
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.split('\n').filter((l) => !l.startsWith('/'));
    throw new Error(`tsc -p ${config} in ${dir}:\n${output.join('\n')}`);
  }
}

// The example of a package's README: the first ts block after "## Example".
function readme(p) {
  const text = readFileSync(join(p.dir, 'README.md'), 'utf8');
  return /## Example\s+```ts\n([\s\S]*?)```/.exec(text)?.[1];
}

// What a browser bundle of core, nn and optim must not hold: Node built-ins (`node:` specifiers;
// bare ones like `fs` would leave imports, checked separately) and the data payloads or Node-only
// libraries of @backprop/data.
const FORBIDDEN_IN_BROWSER = [/node:/, /mnist/i, /resvg/, /cli-progress/];

async function browserBundle(dir) {
  const built = await build({
    entryPoints: [join(dir, 'browser.js')],
    absWorkingDir: dir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    outfile: join(dir, 'bundle.js'),
    logLevel: 'silent',
  });
  const code = built.outputFiles.find((f) => f.path.endsWith('bundle.js')).text;
  const inputs = Object.keys(built.metafile.inputs);
  const expected = ['core', 'nn', 'optim'].map((p) => `node_modules/@backprop/${p}/dist/index.js`);
  const fromPackages = inputs.filter((i) => i.startsWith('node_modules/')).sort();
  if (JSON.stringify(fromPackages) !== JSON.stringify(expected)) {
    throw new Error(
      `the bundle's package inputs are ${fromPackages.join(', ')}; expected ${expected.join(', ')}`,
    );
  }
  const [, bundled] = Object.entries(built.metafile.outputs).find(([path]) => path.endsWith('bundle.js'));
  const left = bundled.imports;
  if (left.length > 0)
    throw new Error(`the browser bundle still imports ${left.map((i) => i.path).join(', ')}`);
  for (const pattern of FORBIDDEN_IN_BROWSER) {
    const hit = pattern.exec(code);
    if (hit)
      throw new Error(
        `the browser bundle contains ${hit[0]}: …${code.slice(hit.index - 80, hit.index + 80)}…`,
      );
  }
  // The bundle has no Node code, so Node runs it as a browser would: it must train.
  writeFileSync(join(dir, 'bundle.mjs'), code);
  const { output } = await node(dir, 'bundle.mjs');
  return {
    note: `${(code.length / 1024).toFixed(0)} KiB minified from ${fromPackages.join(', ')}; no Node built-in, no payload`,
    output,
  };
}

function writeSources(cjs, esm) {
  const write = (dir, file, text) => writeFileSync(join(dir, file), text);
  const others = names.filter(
    (n) => !['@backprop/core', '@backprop/nn', '@backprop/optim', '@backprop/data'].includes(n),
  );
  write(cjs, 'train.js', trainCjs(others));
  write(esm, 'train.js', trainEsm(others));
  write(esm, 'browser.js', BROWSER);
  mkdirSync(join(esm, 'types'));
  for (const p of packages) {
    const example = readme(p);
    if (example === undefined) continue;
    write(esm, `readme-${short(p.name)}.js`, example);
    write(esm, `types/readme-${short(p.name)}.ts`, example);
  }
  write(cjs, 'check.ts', strictScript(others));
  write(esm, 'check.ts', strictScript(others));
  const options = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    skipLibCheck: false, // the packages' declarations are checked too
    target: 'es2022',
    noEmit: true,
    types: [],
  };
  // The CommonJS project has neither Node's types nor the DOM library: the declarations must need
  // neither. The ESM project has Node's (this repository's @types/node), as READMEs import node:fs.
  const node16 = { ...options, module: 'node16', moduleResolution: 'node16' };
  const nodeTypes = { types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] };
  write(
    cjs,
    'tsconfig.json',
    JSON.stringify({ compilerOptions: { ...node16, lib: ['es2022'] }, files: ['check.ts'] }),
  );
  write(
    esm,
    'tsconfig.json',
    JSON.stringify({ compilerOptions: { ...node16, ...nodeTypes }, include: ['check.ts', 'types'] }),
  );
  write(
    esm,
    'tsconfig.bundler.json',
    JSON.stringify({
      compilerOptions: { ...options, ...nodeTypes, module: 'esnext', moduleResolution: 'bundler' },
      include: ['check.ts', 'types'],
    }),
  );
}

// Trains XOR with core, nn and optim in a plain loop; the loss must fall below LOSS_BELOW.
const XOR_LOOP = `
manualSeed(0);
const data = xor();
const model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
// One copy of core: nn's parameters are core's Tensor class.
if (!(model.parameters()[0] instanceof Tensor)) throw new Error('two copies of @backprop/core');
const optimizer = new Adam(model.parameters(), { lr: 0.05 });
const losses = [];
for (let step = 0; step < 300; step++) {
  optimizer.zeroGrad();
  const loss = mseLoss(model.forward(data.x), data.y);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
const first = losses[0];
const last = losses[losses.length - 1];
if (!(last < ${LOSS_BELOW})) throw new Error('XOR loss ' + last + ' is not below ${LOSS_BELOW}');
`;

function trainCjs(others) {
  return `'use strict';
const { manualSeed, Tensor } = require('@backprop/core');
const { Linear, mseLoss, Sequential, Tanh } = require('@backprop/nn');
const { Adam } = require('@backprop/optim');
const { xor } = require('@backprop/data');
${others.map((n) => `if (Object.keys(require('${n}')).length === 0) throw new Error('${n} exports nothing');`).join('\n')}
${XOR_LOOP}
console.log('CommonJS: required ${names.join(', ')}; XOR loss ' + first.toFixed(4) + ' -> ' + last.toExponential(2) + ' in 300 Adam steps');
`;
}

function trainEsm(others) {
  const onnx = has('@backprop/onnx');
  return `import { manualSeed, Tensor, tensor } from '@backprop/core';
import { DataLoader, fit, xor } from '@backprop/data';
import { Linear, MLP, mseLoss, Sequential, Tanh } from '@backprop/nn';
import { Adam, SGD } from '@backprop/optim';
${others.map((n, i) => `import * as other${i} from '${n}';`).join('\n')}
${others.map((n, i) => `if (Object.keys(other${i}).length === 0) throw new Error('${n} exports nothing');`).join('\n')}
${XOR_LOOP}
console.log('ESM: imported ${names.join(', ')}; XOR loss ' + first.toFixed(4) + ' -> ' + last.toExponential(2) + ' in 300 Adam steps');

// The same problem through @backprop/data's fit(), full batch.
manualSeed(0);
const mlp = new MLP([2, 4, 1], { activation: 'sigmoid', outputActivation: 'sigmoid' });
const history = await fit(mlp, {
  train: new DataLoader(xor(), { batchSize: 4 }),
  loss: mseLoss,
  optimizer: new SGD(mlp.parameters(), { lr: 4 }),
  epochs: 1000,
  log: false,
});
const fitted = history[history.length - 1].trainLoss;
if (!(fitted < ${LOSS_BELOW})) throw new Error('fit: XOR loss ' + fitted + ' is not below ${LOSS_BELOW}');
console.log('ESM: fit() trained XOR to loss ' + fitted.toFixed(4) + ' in 1000 epochs');
${
  onnx
    ? `const bytes = other${others.indexOf('@backprop/onnx')}.exportOnnx(model, [tensor([[0, 1]])]);
if (!(bytes instanceof Uint8Array && bytes.length > 0)) throw new Error('exportOnnx gave no bytes');
console.log('ESM: exportOnnx wrote the XOR model in ' + bytes.length + ' bytes');`
    : ''
}`;
}

const BROWSER = `import { manualSeed, tensor } from '@backprop/core';
import { Linear, mseLoss, Sequential, Tanh } from '@backprop/nn';
import { Adam } from '@backprop/optim';

manualSeed(0);
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
const optimizer = new Adam(model.parameters(), { lr: 0.05 });
let loss = 0;
for (let step = 0; step < 300; step++) {
  optimizer.zeroGrad();
  const l = mseLoss(model.forward(x), y);
  l.backward();
  optimizer.step();
  loss = l.item();
}
if (!(loss < ${LOSS_BELOW})) throw new Error('browser bundle: XOR loss ' + loss);
console.log('the bundle trains XOR: loss ' + loss.toExponential(2));
`;

// Strict TypeScript against the installed declarations: real types (each @ts-expect-error must
// find an error, which an \`any\` would not give), this release's typed API, and every package.
function strictScript(others) {
  return `import { manualSeed, type Tensor, tensor } from '@backprop/core';
import { DataLoader, type EpochRecord, fit, xor } from '@backprop/data';
import { Linear, Module, mseLoss } from '@backprop/nn';
import { Adam, clipGradNorm_, type Optimizer } from '@backprop/optim';
${others.map((n, i) => `import * as other${i} from '${n}';`).join('\n')}

class Net extends Module<[Tensor], Tensor> {
  fc1 = new Linear(2, 8);
  fc2 = new Linear(8, 1);
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).tanh());
  }
}

export function train(steps: number): number {
  manualSeed(0);
  const data = xor();
  const model = new Net();
  const optimizer: Optimizer = new Adam(model.parameters(), { lr: 0.05 });
  let last = Number.NaN;
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss: Tensor = mseLoss(model.forward(data.x), data.y);
    loss.backward();
    const norm: number | Tensor = clipGradNorm_(model.parameters(), 1);
    if (typeof norm !== 'number') throw new Error('cpu parameters give a number');
    optimizer.step();
    last = loss.item();
  }
  const correct = model.forward(data.x).gt(0.5).eq(data.y.gt(0.5)); // a bool tensor
  const accuracy: number = correct.to('float32').mean().item();
  return last + accuracy;
}

export function history(): Promise<EpochRecord[]> {
  const model = new Net();
  return fit(model, {
    train: new DataLoader(xor(), { batchSize: 4 }),
    loss: mseLoss,
    optimizer: new Adam(model.parameters(), { lr: 0.05 }),
    epochs: 2,
    log: false,
  });
}

export const modules = [${others.map((_, i) => `other${i}`).join(', ')}];

// @ts-expect-error tensor() takes numbers, booleans or nested arrays of them
tensor('1, 2, 3');
// @ts-expect-error Linear needs its input and output sizes
new Linear();
// @ts-expect-error lr is a number
new Adam(new Net().parameters(), { lr: 'fast' });
// @ts-expect-error Net's forward takes one tensor
new Net().forward(tensor([1]), tensor([2]));
`;
}

ensureBuilt(packages);
const work = mkdtempSync(join(tmpdir(), 'backprop-consumer-'));
let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(`\nconsumer test FAILED: ${error instanceof Error ? error.message : error}`);
} finally {
  if (keep) console.log(`projects kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`consumer test: ${failed ? 'failed' : 'passed'} in ${seconds(start)} s`);
if (failed) process.exit(1);
