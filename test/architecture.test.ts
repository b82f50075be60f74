import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The rooms of src/ and the order they may import in (docs/architecture.md): a room imports only rooms below it, and
 * rooms of the same height do not import each other. Each construct folder is a room of its own at the top.
 */
const SRC = path.join(__dirname, '..', 'src');
const HEIGHT: Record<string, number> = {
  'internal': 0,
  'snapshot.ts': 0,
  'services': 1,
  'quotas': 2,
  'checks': 2,
  'key': 3,
  'stack': 4,
  'audit': 5,
  'verifier': 5,
  'encrypted-resource': 6,
  'index.ts': 8,
};
const CONSTRUCT_HEIGHT = 7;

function roomOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

function heightOf(room: string): number {
  if (room in HEIGHT) return HEIGHT[room];
  if (room.startsWith('encrypted-')) return CONSTRUCT_HEIGHT;
  throw new Error(`src/${room} is in no room of docs/architecture.md: add it to the page and to this test`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports (static imports, `export ... from`, `require`). */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf-8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|require\('([^']+)'\)/g)]
    .map(m => m[1] ?? m[2] ?? m[3]);
}

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find(candidate => fs.existsSync(candidate));
}

const files = sourceFiles(SRC);

test('every file under src/ is in a room of the architecture page', () => {
  for (const file of files) expect(() => heightOf(roomOf(file))).not.toThrow();
});

test('imports run down only: no room imports a room above it or beside it', () => {
  const upward: string[] = [];
  for (const file of files) {
    const room = roomOf(file);
    for (const specifier of specifiers(file)) {
      const target = resolveLocal(file, specifier);
      if (!target) continue;
      const targetRoom = roomOf(target);
      if (targetRoom === room) continue;
      if (heightOf(targetRoom) >= heightOf(room)) upward.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

test('the verifier Lambda bundle reaches neither aws-cdk-lib nor constructs', () => {
  const entry = path.join(SRC, 'verifier', 'handler.lambda.ts');
  const seen = new Set<string>();
  const forbidden: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of specifiers(file)) {
      const target = resolveLocal(file, specifier);
      if (target) visit(target);
      else if (/^(aws-cdk-lib|constructs)(\/|$)/.test(specifier)) forbidden.push(`${path.relative(SRC, file)} imports ${specifier}`);
    }
  };
  visit(entry);
  expect(seen.size).toBeGreaterThan(1);
  expect(forbidden).toEqual([]);
});

/** Files a reader can hold (docs/architecture.md). */
const MAX_LINES = 400;

test(`no file under src/ is over ${MAX_LINES} lines`, () => {
  const long = files.map(file => ({ file: path.relative(SRC, file), lines: fs.readFileSync(file, 'utf-8').split('\n').length }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(long).toEqual([]);
});
