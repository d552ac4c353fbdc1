/**
 * Runs one example of docs/examples by name: `npx --yes pnpm@9.15.9 example xor --quick`.
 * Lists the examples when given no name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...rest] = process.argv.slice(2);
const examples = readdirSync('docs/examples', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`docs/examples/${d.name}/main.ts`))
  .map((d) => d.name)
  .sort();
if (!name || !examples.includes(name)) {
  if (name) console.error(`no example named '${name}'`);
  console.log(
    `usage: npx --yes pnpm@9.15.9 example <name> [--quick] [options]\n\nexamples:\n  ${examples.join('\n  ')}`,
  );
  process.exit(name ? 1 : 0);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', `docs/examples/${name}/main.ts`, ...rest], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
