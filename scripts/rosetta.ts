/**
 * The docs gate of the build (task `rosetta`, run after `compile`): jsii-rosetta in strict mode over every TypeScript
 * block a consumer reads, so a block that does not compile, or that rosetta cannot translate, fails the build.
 *
 * 1. The assembly, with the rosetta CLI (`jsii-rosetta extract --strict`): README.md (jsii copies it into `.jsii`) and
 *    every doc-comment `@example`. It writes `.jsii.tabl.json` next to the assembly; jsii-pacmak loads that tablet and
 *    puts its Python, Java, C# and Go translations into the bindings' READMEs and docstrings (the package:* tasks).
 * 2. Markdown files a consumer reads that are not in the assembly (SECURITY.md and every docs/*.md), through rosetta's
 *    API: each TypeScript block is completed with its fixture as rosetta does for the README
 *    (`rosetta/default.ts-fixture`, or `fixture=NAME`, or `nofixture`; imports hoisted) and compiled and translated the
 *    same way.
 *
 * Blocks in other languages (bash, json, python) are not TypeScript and rosetta leaves them alone.
 *
 * What blocks compile against: this package (its compiled `lib/`), its dependencies and peer dependencies, and the
 * packages of EXAMPLE_DEPENDENCIES (the compliance tools the README and docs/compliance.md show a user registering),
 * each linked from node_modules into one directory made for the run, so rosetta installs nothing.
 *
 * Cache: compiling the blocks costs about 20 s of CPU, almost all of it type-checking aws-cdk-lib's declarations.
 * rosetta reuses a translation only when the block, its fixture, the library types it names and the translator are
 * unchanged; it does not see a change of aws-cdk-lib or of TypeScript. So the caches are kept per package-lock.json
 * and committed: `rosetta/cache/<hash of package-lock.json>.tabl.json` (the assembly's blocks) and
 * `<hash>.markdown.tabl.json` (the other markdown files'). A fresh clone with the same lockfile (what `npm ci` installs)
 * compiles only the blocks that changed, and a dependency change compiles every block again and replaces the files. A
 * stale or conflicting cache file is never wrong, only slower: delete it and the build writes it anew. The implicit
 * tablet of an earlier run is deleted first, since rosetta would otherwise read it as a second cache whatever the
 * lockfile says.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RosettaTranslator, typeScriptSnippetFromCompleteSource, TypeScriptSnippet } from 'jsii-rosetta';

const ROOT = path.join(__dirname, '..');
/** Markdown files outside the assembly whose TypeScript blocks must compile too: SECURITY.md and every page of docs/. */
const EXTRA_MARKDOWN = ['SECURITY.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];
/** Development dependencies the blocks may import: the compliance tools a user registers on an app. */
const EXAMPLE_DEPENDENCIES = ['cdk-nag', '@cdklabs/cdk-validator-cfnguard'];
const CACHE_DIR = path.join(ROOT, 'rosetta', 'cache');

function lockfileHash(): string {
  return createHash('sha256').update(fs.readFileSync(path.join(ROOT, 'package-lock.json'))).digest('hex').slice(0, 16);
}

/** The committed caches of this lockfile: the assembly's blocks, and the other markdown files' blocks. */
function cacheFiles(): { assembly: string; markdown: string } {
  const hash = lockfileHash();
  return { assembly: path.join(CACHE_DIR, `${hash}.tabl.json`), markdown: path.join(CACHE_DIR, `${hash}.markdown.tabl.json`) };
}

/** Deletes the cache files of other lockfiles and the implicit tablet of an earlier run. */
function clearStaleCaches(): void {
  const current = Object.values(cacheFiles());
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  for (const stale of fs.readdirSync(CACHE_DIR)) {
    if (!current.includes(path.join(CACHE_DIR, stale))) fs.rmSync(path.join(CACHE_DIR, stale), { force: true });
  }
  fs.rmSync(path.join(ROOT, '.jsii.tabl.json'), { force: true });
}

/**
 * rosetta writes the snippets in the order it met them (cache hits first): sorted by key and indented, the committed
 * file only changes where a translation does.
 */
function sortTablet(file: string): void {
  const tablet = JSON.parse(fs.readFileSync(file, 'utf-8'));
  tablet.snippets = Object.fromEntries(Object.entries(tablet.snippets).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(file, `${JSON.stringify(tablet, undefined, 1)}\n`);
}

function extractAssembly(compilationDirectory: string): void {
  const cacheFile = cacheFiles().assembly;
  // --trim-cache: the file keeps exactly the assembly's current blocks, so it does not grow with every edit.
  const result = spawnSync('jsii-rosetta', ['extract', '--strict', '--cache', cacheFile, '--trim-cache', '--directory', compilationDirectory], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`jsii-rosetta extract --strict failed (exit ${result.status ?? result.signal}): fix the blocks named above`);
  }
  sortTablet(cacheFile);
}

/**
 * A directory whose node_modules links what the blocks compile against (see the header) and, as rosetta expects, the
 * packages those depend on, for rosetta to compile in instead of installing a copy of each package into a temporary
 * directory of its own.
 */
function prepareCompilationDirectory(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-'));
  const linked = new Map<string, string>();
  const queue = Object.entries(compilationDependencies()).map(([name, dependency]) => [name, dependency.resolvedDirectory] as const);
  while (queue.length > 0) {
    const [name, directory] = queue.shift()!;
    if (linked.has(name)) continue;
    linked.set(name, directory);
    const link = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(directory, link, 'dir');
    const packageJson = JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf-8'));
    const bundled: string[] = packageJson.bundledDependencies ?? packageJson.bundleDependencies ?? [];
    for (const dependency of Object.keys({ ...packageJson.dependencies, ...packageJson.peerDependencies })) {
      const found = bundled.includes(dependency) ? undefined : packageDirectory(dependency, directory);
      if (found && !linked.has(dependency)) queue.push([dependency, found]);
    }
  }
  return dir;
}

/** Where Node would find package `name` from `directory` (its node_modules, then its parents'), if anywhere. */
function packageDirectory(name: string, directory: string): string | undefined {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The TypeScript blocks of a markdown file, completed with their fixtures the way rosetta completes the README's. */
function markdownSnippets(file: string): TypeScriptSnippet[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf-8').split('\n');
  const snippets: TypeScriptSnippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (open[1] === 'ts' || open[1] === 'typescript') {
      const parameters: Record<string, string> = {};
      for (const word of open[2].trim().split(/\s+/).filter(w => w !== '')) {
        const [key, value] = word.split('=', 2);
        parameters[key] = value ?? '';
      }
      const source = lines.slice(i + 1, end).join('\n');
      snippets.push(typeScriptSnippetFromCompleteSource(
        withFixture(source, parameters, `${file}:${i + 2}`),
        { api: { api: 'file', fileName: file }, field: { field: 'markdown', line: i + 2 } },
        true,
        { ...parameters, $directory: ROOT },
      ));
      Object.assign(snippets[snippets.length - 1], { compilationDependencies: compilationDependencies() });
    }
    i = end;
  }
  return snippets;
}

/**
 * What a block compiles against: this package (its compiled `lib/`), its dependencies and peer dependencies (what
 * rosetta gives the assembly's blocks), and EXAMPLE_DEPENDENCIES, each linked from where node_modules holds it.
 */
function compilationDependencies(): Record<string, { type: 'concrete'; resolvedDirectory: string }> {
  const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  const names = [...new Set([...Object.keys({ ...packageJson.dependencies, ...packageJson.peerDependencies }), ...EXAMPLE_DEPENDENCIES])];
  return Object.fromEntries([
    [packageJson.name, { type: 'concrete', resolvedDirectory: fs.realpathSync(ROOT) }],
    ...names.map(name => [name, { type: 'concrete', resolvedDirectory: fs.realpathSync(path.join(ROOT, 'node_modules', name)) }]),
  ]);
}

/** rosetta's own completion: the block replaces the fixture's `/// here` line, its imports hoisted above the fixture. */
function withFixture(source: string, parameters: Record<string, string>, where: string): string {
  if ('nofixture' in parameters) return source;
  const name = parameters.fixture || 'default';
  const fixtureFile = path.join(ROOT, 'rosetta', `${name}.ts-fixture`);
  if (!fs.existsSync(fixtureFile)) throw new Error(`${where}: the block asks for fixture '${name}', but ${fixtureFile} does not exist`);
  const fixture = fs.readFileSync(fixtureFile, 'utf-8');
  const here = /[/]{3}[ \t]*here[ \t]*$/im;
  if (!here.test(fixture)) throw new Error(`${fixtureFile} has no '/// here' line`);
  const lines = source.split('\n');
  const imports = lines.filter(l => /^import\s/.test(l));
  const statements = lines.filter(l => !/^import\s/.test(l));
  const body = fixture.replace(here, ['/// !show', ...statements, '/// !hide'].join('\n'));
  return imports.length > 0 ? ['/// !show', ...imports, '/// !hide', body].join('\n') : `/// !hide\n${body}`;
}

async function extractMarkdown(compilationDirectory: string): Promise<void> {
  const snippets = EXTRA_MARKDOWN.flatMap(markdownSnippets);
  if (snippets.length === 0) {
    console.log(`[rosetta] ${EXTRA_MARKDOWN.join(', ')}: no TypeScript blocks`);
    return;
  }
  const cacheFile = cacheFiles().markdown;
  // The assembly fingerprints the library types a block names: a changed type invalidates the block's translation.
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
  const translator = new RosettaTranslator({ includeCompilerDiagnostics: true, assemblies: [assembly] });
  if (fs.existsSync(cacheFile)) await translator.addToCache(cacheFile);
  // Only translations that compiled count as hits; every other block is compiled again.
  const { translations, remaining } = translator.readFromCache(snippets, true, true);
  const diagnostics = remaining.length > 0 ? (await translator.translateAll(remaining, { compilationDirectory })).diagnostics : [];
  // As `extract --strict` does: any diagnostic fails, warnings included (e.g. a TypeScript feature rosetta cannot translate).
  for (const d of diagnostics) console.error(d.formattedMessage);
  if (diagnostics.length > 0) {
    throw new Error(`[rosetta] ${diagnostics.length} diagnostic(s) in the TypeScript blocks of ${EXTRA_MARKDOWN.join(', ')}`);
  }
  // The tablet holds exactly the current blocks (hits and new translations), so the file does not grow with every edit.
  await translator.tablet.save(cacheFile);
  sortTablet(cacheFile);
  console.log(`[rosetta] ${EXTRA_MARKDOWN.join(', ')}: ${snippets.length} TypeScript block(s) compile and translate (${translations.length} from the cache)`);
}

async function main(): Promise<void> {
  clearStaleCaches();
  const compilationDirectory = prepareCompilationDirectory();
  try {
    extractAssembly(compilationDirectory);
    await extractMarkdown(compilationDirectory);
  } finally {
    fs.rmSync(compilationDirectory, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
