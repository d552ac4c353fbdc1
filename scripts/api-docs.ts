/**
 * Writes docs/api/<package>.md from the TSDoc of every export, so each public function's example
 * lives in docs/ and never drifts from the code. `--check` instead fails when an exported function
 * or class lacks an @example, or when a committed page is out of date.
 *
 *   npx tsx scripts/api-docs.ts [--check]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const packages = ['core', 'nn', 'optim', 'data', 'onnx'];
const check = process.argv.includes('--check');
const problems: string[] = [];

interface Entry {
  name: string;
  kind: string;
  summary: string;
  example: string | null;
}

function kindOf(decl: ts.Declaration): string {
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isInterfaceDeclaration(decl)) return 'interface';
  if (ts.isTypeAliasDeclaration(decl)) return 'type';
  if (ts.isVariableDeclaration(decl)) return 'const';
  return 'other';
}

function entriesOf(pkg: string): Entry[] {
  const entry = `packages/${pkg}/src/index.ts`;
  const program = ts.createProgram([entry], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    module: ts.ModuleKind.ESNext,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  const entriesFor = (name: string, exported: ts.Symbol): Entry[] => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol.declarations?.[0];
    // A namespace export (`export * as functional from ...`): its members, as `functional.name`.
    if (decl && ts.isSourceFile(decl)) {
      return checker.getExportsOfModule(symbol).flatMap((m) => entriesFor(`${name}.${m.name}`, m));
    }
    const summary = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const exampleTag = symbol.getJsDocTags(checker).find((tag) => tag.name === 'example');
    const example = exampleTag ? ts.displayPartsToString(exampleTag.text).trim() : null;
    return [{ name, kind: decl ? kindOf(decl) : 'other', summary, example }];
  };
  return checker
    .getExportsOfModule(moduleSymbol)
    .flatMap((exported) => entriesFor(exported.name, exported))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function render(pkg: string, entries: Entry[]): string {
  const lines = [
    `# @backprop/${pkg} API`,
    '',
    `Generated from the TSDoc in packages/${pkg}/src by \`npx --yes pnpm@9.15.9 docs:api\`.`,
    '',
  ];
  for (const e of entries) {
    lines.push(
      `## ${e.name}`,
      '',
      `*${e.kind}*${e.summary ? ` — ${e.summary.replace(/\n/g, ' ')}` : ''}`,
      '',
    );
    if (e.example) lines.push(e.example.startsWith('```') ? e.example : `\`\`\`ts\n${e.example}\n\`\`\``, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

mkdirSync('docs/api', { recursive: true });
for (const pkg of packages) {
  const entries = entriesOf(pkg);
  for (const e of entries) {
    const needsExample = e.kind === 'function' || e.kind === 'class' || e.kind === 'const';
    if (needsExample && !e.example) problems.push(`@backprop/${pkg}: ${e.kind} ${e.name} has no @example`);
    if (!e.summary && e.kind !== 'other')
      problems.push(`@backprop/${pkg}: ${e.kind} ${e.name} has no doc comment`);
  }
  const path = `docs/api/${pkg}.md`;
  const text = render(pkg, entries);
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text)
      problems.push(`${path} is out of date: run npx --yes pnpm@9.15.9 docs:api`);
  } else writeFileSync(path, text);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  if (check) process.exit(1);
}
console.log(check ? 'api docs: every export documented, pages up to date' : 'api docs written to docs/api/');
