import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What a consumer installs: the files `npm pack` would put in the tarball (offline, nothing written). The test command
 * compiles before jest runs, so lib/ and .jsii exist; without them this fails and says to compile first.
 */
const ROOT = path.join(__dirname, '..', '..');

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [report] = JSON.parse(out) as { files: { path: string }[] }[];
  return report.files.map(f => f.path).sort();
}

/**
 * Top-level entries a consumer needs: the compiled library, the bundled handler, the jsii assembly, the docs. With the
 * assembly, its rosetta tablet (`.jsii.tabl.json`, the translations of the README and `@example` blocks the build
 * compiled in strict mode): tools that generate other languages' docs from the package (Construct Hub, jsii-pacmak)
 * read it instead of translating the blocks again without their fixtures. The topic pages in docs/ ship too: the
 * library's synth-time errors point to them. So does the rule pack's cfn-guard file, for templates not written with
 * the CDK (docs/rule-pack.md).
 */
const ALLOWED = [/^lib\//, /^assets\//, /^\.jsii$/, /^\.jsii\.tabl\.json$/, /^README\.md$/, /^SECURITY\.md$/, /^LICENSE$/, /^API\.md$/, /^docs\/[^/]+\.md$/, /^rules\/encrypted-constructs\.guard$/, /^package\.json$/];

describe('the published tarball', () => {
  let files: string[];

  beforeAll(() => {
    if (!existsSync(path.join(ROOT, 'lib', 'index.js')) || !existsSync(path.join(ROOT, '.jsii'))) {
      throw new Error('lib/index.js or .jsii is missing: run `npx projen compile` (the test command compiles before jest) and run this test again');
    }
    files = packedFiles();
  });

  test('holds the compiled library, its types, the jsii assembly and the bundled verifier handler', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'package.json', 'README.md', 'LICENSE']));
    expect(files.some(f => f.startsWith('assets/') && f.endsWith('index.js'))).toBe(true);
  });

  test('holds the rule pack\'s cfn-guard file, where EncryptedConstructsChecks.GUARD_RULES_FILE says it is', () => {
    expect(files).toContain('rules/encrypted-constructs.guard');
    expect(readFileSync(path.join(ROOT, 'lib', 'checks', 'encrypted-constructs-checks.js'), 'utf8')).toContain("path.join(__dirname, '..', '..', 'rules', 'encrypted-constructs.guard')");
  });

  test('holds no TypeScript source: only declaration files', () => {
    expect(files.filter(f => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('holds nothing outside lib/, assets/, .jsii (and its tablet), README, SECURITY.md, LICENSE, API.md, docs/*.md, the guard file and package.json', () => {
    expect(files.filter(f => !ALLOWED.some(allowed => allowed.test(f)))).toEqual([]);
  });

  test('no file in lib/ imports @aws-sdk (not a dependency; only the bundled handler in assets/ uses it, from the Lambda runtime)', () => {
    const importing = files.filter(f => f.startsWith('lib/'))
      .filter(f => /(require\(|from\s*|import\()\s*['"]@aws-sdk\//.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(importing).toEqual([]);
  });

  test('runs nothing at install: the published package.json has no install-time script', () => {
    // npm runs these on `npm install` of the package (prepare also on installs from git).
    // https://docs.npmjs.com/cli/v10/using-npm/scripts#life-cycle-scripts
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const installTime = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
    expect(Object.keys(pkg.scripts ?? {}).filter(name => installTime.includes(name))).toEqual([]);
  });

  test('ships no source maps', () => {
    expect(files.filter(f => f.endsWith('.map'))).toEqual([]);
    const inline = files.filter(f => f.startsWith('lib/') && f.endsWith('.js'))
      .filter(f => readFileSync(path.join(ROOT, f), 'utf8').includes('sourceMappingURL='));
    expect(inline).toEqual([]);
  });
});

describe('the package metadata, before the project has a home', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  test('repository, homepage, author and Go module say "not yet published" on the reserved .invalid domain, never a placeholder someone could own', () => {
    const NOT_YET = 'https://cdk-encrypted-constructs.invalid/not-yet-published';
    expect(pkg.repository.url).toBe(`${NOT_YET}.git`);
    expect(pkg.homepage).toBe(NOT_YET);
    expect(pkg.author).toEqual({ name: 'cdk-encrypted-constructs contributors', url: NOT_YET, organization: false });
    expect(pkg.jsii.targets.go.moduleName).toBe('cdk-encrypted-constructs.invalid/not-yet-published');
    expect(JSON.stringify(pkg)).not.toMatch(/example\.(com|org|net)|github\.com\/example/);
  });

  test('0.x and experimental until deployed; README\'s peer range is package.json\'s', () => {
    expect(pkg.version).toMatch(/^0\./);
    expect(pkg.stability).toBe('experimental');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`aws-cdk-lib\` ${pkg.peerDependencies['aws-cdk-lib']}, \`constructs\` ${pkg.peerDependencies.constructs}, \`cdk-nag\` ${pkg.peerDependencies['cdk-nag']}`);
  });

  test('cdk-nag is a peer (the exported rule pack extends its NagPack), and the tests run the lowest version of its range', () => {
    // A caret range: same major version, at least the floor. projen pins the dev dependency to the floor.
    const floor = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.peerDependencies['cdk-nag'])![1];
    expect(pkg.dependencies?.['cdk-nag']).toBeUndefined();
    expect(pkg.devDependencies['cdk-nag']).toBe(floor);
    expect(JSON.parse(readFileSync(require.resolve('cdk-nag/package.json'), 'utf8')).version).toBe(floor);
  });
});
