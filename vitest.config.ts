import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests import the sources, not dist/, so a test run never depends on a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@backprop/core': pkg('core'),
      '@backprop/nn': pkg('nn'),
      '@backprop/optim': pkg('optim'),
      '@backprop/data': pkg('data'),
      '@backprop/onnx': pkg('onnx'),
    },
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'docs/**/*.test.ts',
      'bench/src/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // The browser test runs on its own (pnpm test:browser): it needs Chromium.
    exclude: [...configDefaults.exclude, '**/*.e2e.test.ts'],
    // Uninitialized storages arrive filled with NaN in tests, so an element left unwritten shows.
    setupFiles: ['packages/core/test/poison-unfilled.setup.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
