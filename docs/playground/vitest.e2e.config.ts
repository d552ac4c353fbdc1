// The browser tests (the playground's, and WebGPU in a page), run on their own: `npx --yes pnpm@9.15.9 test:e2e`
// (which runs `npx --yes pnpm@9.15.9 build` first). They need Chromium at /usr/bin/chromium (Debian: `apt-get
// install -y chromium`) or at $CHROMIUM_PATH.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['docs/playground/*.e2e.test.ts', 'packages/*/test/browser/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
