import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Every TypeScript code block of README.md (fences ```ts and ```typescript) compiles against the library's sources.
 *
 * Blocks in other languages (python, bash/sh, json, yaml, plain ```) are not checked.
 *
 * The rule for fixtures is jsii-rosetta's own, read from the fence's info string, so the same README will pass
 * jsii-rosetta once it runs in strict mode:
 * - no parameter: the block is wrapped in `rosetta/default.ts-fixture` (its "here" marker replaced by the block,
 *   inside a Stack's constructor), which declares what snippets leave out (`fn`, `vpc`, `opsTopic`, ...);
 * - `fixture=NAME` (e.g. ```ts fixture=app): wrapped in `rosetta/NAME.ts-fixture`;
 * - `nofixture`: the block is a complete program (the Quickstart) and compiles as written.
 * As jsii-rosetta does, a wrapped block's top-level imports and `declare` statements are hoisted above the fixture.
 *
 * The package name `cdk-encrypted-constructs` resolves to `src/index.ts`. All blocks go into one in-memory program
 * (one virtual file each), type-checked with `strict` as the library is; unused locals are allowed, since a snippet
 * may name a construct only to show it. A failure names the README line of the offending code.
 */

const ROOT = path.join(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');
const PACKAGE_NAME = 'cdk-encrypted-constructs';

interface Block {
  /** README line (1-based) of the block's first code line. */
  readonly line: number;
  readonly parameters: Record<string, string>;
  readonly source: string;
}

/** The TypeScript blocks of a markdown document, with the info-string parameters after the language. */
function typeScriptBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
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
      blocks.push({ line: i + 2, parameters, source: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return blocks;
}

interface Composed {
  readonly text: string;
  /** For each line of `text`, where it came from. */
  readonly origin: string[];
}

/** The block completed with its fixture, as jsii-rosetta completes it (imports and `declare`s hoisted). */
function compose(block: Block): Composed {
  const snippetLines = block.source.split('\n');
  const fromReadme = (i: number) => `README.md:${block.line + i}`;
  if ('nofixture' in block.parameters) {
    return { text: block.source, origin: snippetLines.map((_, i) => fromReadme(i)) };
  }
  const fixtureName = block.parameters.fixture || 'default';
  const fixtureFile = path.join(ROOT, 'rosetta', `${fixtureName}.ts-fixture`);
  if (!fs.existsSync(fixtureFile)) {
    throw new Error(`README.md:${block.line}: the block asks for fixture '${fixtureName}', but ${fixtureFile} does not exist`);
  }
  const parsed = ts.createSourceFile('snippet.ts', block.source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const hoisted = new Set<number>();
  for (const statement of parsed.statements) {
    const isDeclare = ts.isVariableStatement(statement)
      && (statement.modifiers ?? []).some(m => m.kind === ts.SyntaxKind.DeclareKeyword);
    if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || isDeclare) {
      const first = parsed.getLineAndCharacterOfPosition(statement.getStart(parsed)).line;
      const last = parsed.getLineAndCharacterOfPosition(statement.getEnd()).line;
      for (let l = first; l <= last; l++) hoisted.add(l);
    }
  }
  const lines: string[] = [];
  const origin: string[] = [];
  snippetLines.forEach((text, i) => {
    if (hoisted.has(i)) {
      lines.push(text); origin.push(fromReadme(i));
    }
  });
  const fixtureLines = fs.readFileSync(fixtureFile, 'utf-8').split('\n');
  const here = fixtureLines.findIndex(l => /^\s*\/\/\/\s*here\s*$/.test(l));
  if (here < 0) throw new Error(`${fixtureFile} has no '/// here' line`);
  fixtureLines.forEach((text, f) => {
    if (f !== here) {
      lines.push(text); origin.push(`rosetta/${fixtureName}.ts-fixture:${f + 1}`);
      return;
    }
    snippetLines.forEach((snippetText, i) => {
      if (!hoisted.has(i)) {
        lines.push(snippetText); origin.push(fromReadme(i));
      }
    });
  });
  return { text: lines.join('\n'), origin };
}

const blocks = typeScriptBlocks(fs.readFileSync(README, 'utf-8'));
const virtualDir = path.join(ROOT, 'test', 'readme', '.snippets');
const virtualFiles = new Map<string, Composed>(
  blocks.map(block => [path.join(virtualDir, `readme-line-${block.line}.ts`), compose(block)]),
);

/** One program for all blocks: the cost is loading aws-cdk-lib's declarations, paid once. */
let program: ts.Program | undefined;
function snippetProgram(): ts.Program {
  if (program) return program;
  const options: ts.CompilerOptions = {
    strict: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    resolveJsonModule: true,
    types: ['node', 'jest'],
    skipLibCheck: true,
    noEmit: true,
    paths: { [PACKAGE_NAME]: [path.join(ROOT, 'src', 'index.ts')] },
  };
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const virtual = virtualFiles.get(path.resolve(fileName));
    return virtual
      ? ts.createSourceFile(fileName, virtual.text, languageVersion, true, ts.ScriptKind.TS)
      : getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = fileName => virtualFiles.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = fileName => virtualFiles.get(path.resolve(fileName))?.text ?? readFile.call(host, fileName);
  program = ts.createProgram({ rootNames: [...virtualFiles.keys()], options, host });
  return program;
}

function describeDiagnostic(diagnostic: ts.Diagnostic, composed?: Composed): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const where = composed?.origin[line] ?? `${diagnostic.file.fileName}:${line + 1}`;
  return `${where}: TS${diagnostic.code}: ${message}`;
}

test('README.md has TypeScript blocks to check, and every one is checked', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(7);
  const compiled = snippetProgram();
  for (const fileName of virtualFiles.keys()) expect(compiled.getSourceFile(fileName)).toBeDefined();
  expect([...compiled.getOptionsDiagnostics(), ...compiled.getGlobalDiagnostics()].map(d => describeDiagnostic(d))).toEqual([]);
});

test.each([...virtualFiles.entries()].map(([fileName, composed]) => ({ fileName, composed, line: path.basename(fileName, '.ts').replace('readme-line-', '') })))(
  'the README block at line $line compiles',
  ({ fileName, composed }) => {
    const compiled = snippetProgram();
    const sourceFile = compiled.getSourceFile(fileName)!;
    const diagnostics = [...compiled.getSyntacticDiagnostics(sourceFile), ...compiled.getSemanticDiagnostics(sourceFile)];
    expect(diagnostics.map(d => describeDiagnostic(d, composed))).toEqual([]);
  },
);
