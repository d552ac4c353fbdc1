// tfjs-core's Node bundle ships without gradient definitions: the @tensorflow/tfjs umbrella package
// registers them from tfjs-core's ES-module build (dist/register_all_gradients.js), which Node
// cannot load directly (extensionless imports). We bundle that one file with esbuild (the repo's
// build tool) once, cache it under node_modules/.cache, and require it: it registers the same
// gradients the umbrella package does, into tfjs-core's global registry.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version_core } from '@tensorflow/tfjs-core';
import { buildSync } from 'esbuild';

const require = createRequire(import.meta.url);
const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/compare/', import.meta.url));

/**
 * Registers tfjs-core's gradients (idempotent within a process; the bundle is built on first use).
 *
 * @example
 * ```ts
 * registerTfjsGradients();
 * tf.grads((x) => tf.square(x))([tf.scalar(3)]); // [6]
 * ```
 */
export function registerTfjsGradients(): void {
  const bundle = path.join(CACHE, `tfjs-core-${version_core}-gradients.cjs`);
  if (!existsSync(bundle)) {
    mkdirSync(CACHE, { recursive: true });
    const partial = `${bundle}.${process.pid}.tmp`;
    buildSync({
      entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      outfile: partial,
      logLevel: 'warning',
    });
    renameSync(partial, bundle);
  }
  require(bundle);
}
