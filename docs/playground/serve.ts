// `npx --yes pnpm@9.15.9 playground`: builds the playground and serves it on localhost (PORT, default 5173).
//   npx tsx docs/playground/serve.ts               build, then serve until Ctrl-C
//   npx tsx docs/playground/serve.ts --build-only  build and print the bundle sizes
import { buildPlayground, DIST, staleBuilds } from './build.js';
import { serveStatic } from './server.js';

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

const stale = staleBuilds();
if (stale.length > 0) {
  console.warn(
    `warning: ${stale.join(', ')} changed since the last build; run \`npx --yes pnpm@9.15.9 build\``,
  );
}
const { files } = await buildPlayground();
for (const f of files)
  console.log(`  ${f.name.padEnd(11)} ${kib(f.bytes).padStart(10)}  gzip ${kib(f.gzipBytes).padStart(9)}`);
if (!process.argv.includes('--build-only')) {
  const port = Number(process.env.PORT ?? 5173);
  try {
    const { url } = await serveStatic(DIST, port);
    console.log(`backprop playground: ${url}  (Ctrl-C to stop)`);
  } catch (e) {
    const busy = (e as { code?: string }).code === 'EADDRINUSE';
    console.error(busy ? `port ${port} is in use; run with PORT=<another port>` : String(e));
    process.exitCode = 1;
  }
}
