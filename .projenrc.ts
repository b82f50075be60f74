import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The single source of project configuration. Run `npx projen` after every change and commit the generated files.
 */
const cdkCliVersion = '^2.1100.0'; // aws-cdk@latest (3.0.0) is a broken publish: stay on the v2 CLI line.

/**
 * Where the project lives, until it has a home: nowhere yet. jsii requires a repository URL (and projen an author
 * address, and jsii-pacmak a Go module path), so each names the reserved top-level domain `.invalid`, which never
 * resolves and can be registered by no one (RFC 6761 section 6.4), with a path that says why. Unlike a placeholder
 * such as github.com/example/..., it cannot point at somebody else's repository or module. README "Install" says so.
 */
const NOT_YET_PUBLISHED = 'https://cdk-encrypted-constructs.invalid/not-yet-published';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-encrypted-constructs',
  packageName: 'cdk-encrypted-constructs',
  description:
    'AWS CDK L3 constructs that encrypt EventBridge Scheduler, EventBridge connections and archives, and RDS with customer managed KMS keys, least-privilege key policies, a shared audit trail and a deploy-time encryption check.',
  keywords: ['cdk', 'awscdk', 'kms', 'encryption', 'eventbridge', 'scheduler', 'rds', 'cmk', 'security'],
  license: 'Apache-2.0',
  author: 'cdk-encrypted-constructs contributors',
  authorAddress: NOT_YET_PUBLISHED,
  repositoryUrl: `${NOT_YET_PUBLISHED}.git`,
  homepage: NOT_YET_PUBLISHED,
  defaultReleaseBranch: 'main',
  // Nothing has been deployed to a real account yet: experimental until the acceptance kit has run (README).
  stability: 'experimental',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // aws-cdk-lib floor: manageMasterUserPassword on RDS and cdk-nag 3 both need >= 2.261.0.
  cdkVersion: '2.261.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // No GitHub workflows or release machinery: CI is `.ci/run`.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  autoApproveUpgrades: false,

  // jsii targets. Packaging runs --code-only here (PyPI/Maven are not reachable); see the package:* tasks below.
  publishToPypi: { distName: 'cdk-encrypted-constructs', module: 'cdk_encrypted_constructs' },
  publishToMaven: {
    javaPackage: 'io.github.cdkencryptedconstructs',
    mavenGroupId: 'io.github.cdkencryptedconstructs',
    mavenArtifactId: 'cdk-encrypted-constructs',
  },
  publishToNuget: { dotNetNamespace: 'CdkEncryptedConstructs', packageId: 'CdkEncryptedConstructs' },
  publishToGo: { moduleName: 'cdk-encrypted-constructs.invalid/not-yet-published' },

  // The verifier handler is bundled by esbuild into assets/ (below) and shipped in the package. No generated function
  // construct: its runtime would be fixed here, and the verifier follows the installed aws-cdk-lib's newest Node.js.
  lambdaAutoDiscover: false,

  // The rule pack (src/checks) extends cdk-nag's NagPack and is exported: a peer, so the app's cdk-nag is the one its
  // packs and acknowledgements share (projen adds the lowest version of the range as a dev dependency).
  peerDeps: ['cdk-nag@^3.0.2'],

  devDeps: [
    `aws-cdk@${cdkCliVersion}`,
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    'aws-sdk-client-mock@^4.1.0',
    'aws-sdk-client-mock-jest@^4.1.0',
    '@aws-sdk/client-kms@^3',
    '@aws-sdk/client-scheduler@^3',
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-secrets-manager@^3',
    '@aws-sdk/client-rds@^3',
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-kinesis@^3',
    '@aws-sdk/client-firehose@^3',
    '@types/aws-lambda@^8',
    'fast-check@^4',
    'typescript@~5.9.3',
    '@types/node@^20',
    'ts-node@^10',
    // The IAM policy evaluator of the access-path tests (AGPL-3.0: tests only, never shipped or imported from src/).
    // Pinned: scripts/mend-iam-simulate.js mends this exact version (see test/access/evaluator.test.ts).
    '@cloud-copilot/iam-simulate@0.1.173',
  ],

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      maxWorkers: 2,
      // No coverage in the test command: nothing reads it, and instrumenting costs about a fifth of the suite's time.
      // `npx jest --coverage` gives it on demand.
      collectCoverage: false,
      testTimeout: 120_000,
      snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.ts'],
      // No creation stack traces on CloudFormation elements in tests (metadata only; see the file).
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
      // Mends the test-only IAM evaluator before any test runs (scripts/mend-iam-simulate.js): not an install script.
      globalSetup: '<rootDir>/test/support/mend-evaluator.js',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The top-of-the-peer-range install and its snapshots (scripts/peer-latest.sh) are not the test command's.
      modulePathIgnorePatterns: ['<rootDir>/.peer-latest/'],
    },
  },
  // No source maps in lib/: inline maps with inline sources were most of the package's size. (jsii accepts either.)
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },
  tsconfigDev: { include: ['../examples/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts'] },

  gitignore: ['examples/cdk.out', 'cdk.out', '.bench/', 'dist/', '*.tsbuildinfo', 'test/integ/*.snapshot/', 'cdk-integ.out.*', '.jsii.tabl.json', '/node_modules'],
  npmignoreEnabled: true,
});
// projen ignores every `logs` folder (log files); src/services/logs/ is the CloudWatch Logs facts module, not logs.
project.gitignore.include('/src/services/logs/');

// Quiet jsii's Node 20 end-of-life banner and keep the CDK CLI offline in every task.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('CDK_DISABLE_CLI_TELEMETRY', 'true');

// Acknowledgement reasons and key-policy conditions are long strings; keep them on one line each.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', { code: 180, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
});

// `npm ci` fails when the registry lacks optional binaries of unrs-resolver 1.13.0.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Every TypeScript block a consumer reads compiles and translates: jsii-rosetta in strict mode over README.md, every
// doc-comment @example, SECURITY.md and docs/*.md (scripts/rosetta.ts), after compile. Fixtures: rosetta/*.ts-fixture. The strict
// flag is also recorded in the assembly, so tools that translate it later (Construct Hub) hold it to the same rule.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosetta = project.addTask('rosetta', {
  description: 'Compile and translate every TypeScript block of README.md, SECURITY.md, docs/*.md and the @examples with jsii-rosetta in strict mode; writes .jsii.tabl.json',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/rosetta.ts',
});
project.postCompileTask.spawn(rosetta);

// API.md: jsii-docgen's reference plus the return types of static methods, which docgen's usage lines leave out.
project.tasks.tryFind('docgen')!.reset('ts-node --transpile-only --project test/tsconfig.json scripts/docgen.ts');

// Python, Java, .NET and Go bindings are generated offline (--code-only), their README and docstring examples taken
// from rosetta's tablet (.jsii.tabl.json, written by the rosetta task): a block missing from it fails the task rather
// than showing TypeScript. The Python bindings are byte-compiled, and the Python and Go READMEs checked for TypeScript.
const checkReadme = (language: string, dir = `dist/${language}-code`) => `ts-node --transpile-only --project test/tsconfig.json scripts/check-bindings-readme.ts ${language} ${dir}`;
const pacmak = (targets: string[], outdir: string) => `jsii-pacmak -v ${targets.map(t => `--target ${t}`).join(' ')} --code-only --outdir ${outdir} --rosetta-unknown-snippets=fail`;
for (const [target, extra] of [
  ['python', ['python3 -m compileall -q dist/python-code > /dev/null', checkReadme('python')]],
  ['java', []],
  ['dotnet', []],
  ['go', [checkReadme('go')]],
] as const) {
  const task = project.tasks.tryFind(`package:${target}`);
  task?.reset(pacmak([target], `dist/${target}-code`));
  for (const command of extra) task?.exec(command);
}

// `package-all` (the build's packaging): one jsii-pacmak run for the four languages (it loads the assembly and packs the
// npm tarball once, and writes the targets in parallel: ~8 s instead of ~30 s for four runs) into dist/bindings/<target>.
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
packageAll.spawn(project.tasks.tryFind('package:js')!);
packageAll.exec(pacmak(['java', 'python', 'dotnet', 'go'], 'dist/bindings'));
packageAll.exec('python3 -m compileall -q dist/bindings/python > /dev/null');
packageAll.exec(checkReadme('python', 'dist/bindings'));
packageAll.exec(checkReadme('go', 'dist/bindings'));

// `package` runs only package:js under CI=true by default: generate every language's bindings everywhere.
project.tasks.tryFind('package')!.reset();
project.tasks.tryFind('package')!.spawn(project.tasks.tryFind('package-all')!);
project.npmignore?.exclude('/examples/', '/.ci/', '/bench/', '/scripts/', '/.bench/', '/.peer-latest/');
// rosetta/*.ts-fixture complete README snippets for jsii-rosetta (strict, in the build), and rosetta/cache/
// holds the rosetta task's committed cache: neither is for consumers (the tablet .jsii.tabl.json is, and ships).
project.npmignore?.exclude('/rosetta/');
// The verifier handler ships bundled in assets/; its sources in lib/ (the handler, its runtime in verifier/ and the
// services' check.ts) import @aws-sdk/* (not a dependency) or only serve the handler, and no construct imports them.
// test/package/tarball.test.ts asserts what the tarball holds.
const HANDLER_ONLY = ['handler.lambda', 'checks', 'explain', 'key-checks', 'outcomes', 'protocol', 'reason', 'resource-checks', 'response', 'retry', 'session'];
project.npmignore?.exclude(...HANDLER_ONLY.map(name => `/lib/verifier/${name}.*`), '/lib/services/*/check.*', '*.tsbuildinfo', '/BENCHMARKS.md');

// The verifier handler: esbuild targets Node.js 24 (the oldest runtime the verifier gets, src/services/lambda/runtimes.ts),
// with the AWS SDK v3 left to the Lambda runtime, as projen's LambdaRuntime.NODEJS_24_X bundles.
project.bundler.addBundle('src/verifier/handler.lambda.ts', {
  platform: awscdk.LambdaRuntime.NODEJS_24_X.esbuildPlatform,
  target: awscdk.LambdaRuntime.NODEJS_24_X.esbuildTarget,
  externals: awscdk.LambdaRuntime.NODEJS_24_X.defaultExternals,
  sourcemap: false,
  tsconfigPath: project.tsconfigDev.fileName,
});

// A 0.x version until the first release (release: false leaves projen's 0.0.0 otherwise).
project.package.addVersion('0.1.0');

// The test command: type-check everything (src, test, examples), then jest, then eslint (projen's defaults).
// The type check of src/, test/, examples/, scripts/ and bench/ and eslint are single-threaded: they run side by side,
// after jest, so the second core is not idle. ts-jest does NOT type-check: test/tsconfig.json (projen's tsconfigDev)
// has isolatedModules, so it transpiles each file alone. That is sound only because `tsc --noEmit -p test/tsconfig.json`
// below type-checks test/, examples/, scripts/, bench/ and every src/ file (all of them are in its program; jsii
// compiles src/ before): keep both if you change either.
project.testTask.reset();
project.testTask.spawn(project.bundler.bundleTask);
project.testTask.exec('jest --passWithNoTests --ci', { receiveArgs: true });
project.testTask.exec('bash scripts/side-by-side.sh "tsc --noEmit -p test/tsconfig.json" "projen eslint"');

// One of the README's two commands: synthesize the example app with no AWS account and no network.
const synthExample = project.addTask('synth:example', {
  description: 'Synthesize the example app in examples/ to CloudFormation (offline; no AWS account needed)',
});
synthExample.spawn(project.bundler.bundleTask);
synthExample.exec('cdk synth --no-notices --quiet', { cwd: 'examples' });

// The access-path report: docs/access-paths.md's table of evaluated paths, SECURITY.md's key-access and failure-path
// sections and docs/failure-paths.md, from the catalog.
const reportKeys = project.addTask('report:keys', {
  description: 'Run the access-path and failure-path proofs and regenerate docs/access-paths.md\'s table, SECURITY.md\'s key-access and failure-path sections and docs/failure-paths.md',
});
reportKeys.spawn(project.bundler.bundleTask);
reportKeys.exec('jest --coverage=false test/access/access-paths.test.ts', { env: { UPDATE_ACCESS_REPORT: '1' } });

// @cloud-copilot/iam-simulate 0.1.173 drops `kms:EncryptionContext:<key>` request keys: jest mends it before every
// run (globalSetup, test/support/mend-evaluator.js), so nothing runs at install, in this repository or in users' installs.

// The top of the peer range (README "The top of the peer range"): the newest aws-cdk-lib that the peer range admits,
// installed apart in .peer-latest/, under the synth, nag, guard, access-path and verifier tests. Needs the npm registry
// and about as long as the test command, so it is not in it (the 5-minute budget); run it before a release.
const peerLatest = project.addTask('test:peer-latest', {
  description: 'Run the synth, nag, guard, access-path and verifier tests on the newest aws-cdk-lib of the peer range (installed in .peer-latest/)',
});
peerLatest.spawn(project.bundler.bundleTask);
peerLatest.exec('bash scripts/peer-latest.sh', { receiveArgs: true });
project.gitignore.exclude('/.peer-latest/');

// The long fuzz run: the test command runs 32 to 200 cases per construct with a fixed seed; this runs 2,000, with nag
// and guard on every suite, from a fresh seed (the time), printed so that `FUZZ_SEED=<seed> npx projen fuzz` repeats it.
const fuzz = project.addTask('fuzz', { description: 'Long property-based fuzz run over every construct\'s props' });
fuzz.spawn(project.bundler.bundleTask);
fuzz.exec('export FUZZ_SEED="${FUZZ_SEED:-$(date +%s)}" && echo "fuzz seed: $FUZZ_SEED" && jest --coverage=false test/fuzz', { env: { FUZZ_RUNS: '2000' } });

// The benchmark (not part of the test command): writes BENCHMARKS.md and bench/synth-time.svg.
const bench = project.addTask('bench', { description: 'Benchmark synthesis (ours vs hand-written aws-cdk-lib) and the verifier; writes BENCHMARKS.md' });
bench.spawn(project.bundler.bundleTask);
bench.exec('ts-node --transpile-only --project test/tsconfig.json bench/run.ts');

// The real-account acceptance kit (README "Real-account acceptance tests"): deploys test/integ/integ.*.ts into the
// maintainer's account and runs their assertions. Never part of the build; the test command only compares the integ
// apps' synthesized templates to snapshots (test/integ/integ-snapshots.test.ts). integ-tests-alpha has no
// 2.261.0-alpha.0 on the registry: 2.245.0-alpha.0 is the newest, and its peer range (^2.245.0) holds 2.261.0.
project.addDevDeps('@aws-cdk/integ-tests-alpha@2.245.0-alpha.0', '@aws-cdk/integ-runner@^2.197.10');
const integDeploy = project.addTask('integ:deploy', {
  description: 'Deploy the integ apps in test/integ to a real AWS account, run their assertions, destroy them (costs money; see README)',
});
integDeploy.spawn(project.bundler.bundleTask);
integDeploy.exec('integ-runner --language typescript --directory test/integ --parallel-regions ${INTEG_REGION:-us-east-1} --force --update-on-failed --verbose', { receiveArgs: true });

project.synth();
