/**
 * The documentation's examples, run as written and checked with the five cdk-nag packs: each ```ts block of README.md
 * and docs/*.md on the default rosetta fixture is transpiled, placed where the fixture's "here" marker is (a stack's constructor), given
 * real stand-ins for what the fixture only declares (`fn`, `vpc`, `appRole`, ...: the user's own resources, under
 * `<stack>/UsersOwn`), and executed; the packs must find nothing on anything else: what the library creates.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as ts from 'typescript';
import * as encryptedConstructs from '../../src';
import { nagFindings } from '../support/compliance';
import { TEST_ENV } from '../support/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const MARKDOWN = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];

/** The ```ts blocks that use the default fixture (no `nofixture`, no `fixture=...`), with their file and line. */
function defaultFixtureBlocks(file: string): { file: string; line: number; source: string }[] {
  const blocks: { file: string; line: number; source: string }[] = [];
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf-8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    blocks.push({ file, line: i + 1, source: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** The user's own resources the fixture declares, real here, under `<stack>/UsersOwn`. */
function standIns(stack: Stack) {
  const own = new Construct(stack, 'UsersOwn');
  const role = (id: string, service: string) => new iam.Role(own, id, { assumedBy: new iam.ServicePrincipal(service) });
  const vpc = new ec2.Vpc(own, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  return {
    fn: new lambda.Function(own, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async function () {};'), timeout: Duration.seconds(10),
    }),
    opsTopic: new sns.Topic(own, 'OpsTopic', { enforceSSL: true }),
    vpc,
    appSecurityGroup: new ec2.SecurityGroup(own, 'AppSecurityGroup', { vpc }),
    appRole: role('AppRole', 'ecs-tasks.amazonaws.com'),
    operatorRole: role('OperatorRole', 'ec2.amazonaws.com'),
    producer: role('Producer', 'lambda.amazonaws.com'),
    stateMachineRole: role('StateMachineRole', 'states.amazonaws.com'),
    myConstruct: new Construct(own, 'MyConstruct'),
  };
}

/** Runs one block in a stack of its own, as the fixture places it; returns the stack. */
function run(source: string, line: number): Stack {
  const module = ts.transpileModule(`
    import { Stack } from 'aws-cdk-lib';
    import * as ec2 from 'aws-cdk-lib/aws-ec2';
    import * as iam from 'aws-cdk-lib/aws-iam';
    import * as lambda from 'aws-cdk-lib/aws-lambda';
    import * as sns from 'aws-cdk-lib/aws-sns';
    import { Construct } from 'constructs';
    import { standIns, env } from '__fixture__';
    ${source.split('\n').filter(l => /^import /.test(l)).join('\n')}
    export class Fixture extends Stack {
      constructor(scope: Construct, id: string) {
        super(scope, id, { env });
        const { fn, opsTopic, vpc, appSecurityGroup, appRole, operatorRole, producer, stateMachineRole, myConstruct } = standIns(this);
        void [ec2, iam, lambda, sns, fn, opsTopic, vpc, appSecurityGroup, appRole, operatorRole, producer, stateMachineRole, myConstruct];
        ${source.split('\n').filter(l => !/^import /.test(l)).join('\n')}
      }
    }
  `, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const nodeRequire = createRequire(__filename);
  const load = (name: string) => {
    if (name === '__fixture__') return { standIns, env: TEST_ENV };
    if (name === 'cdk-encrypted-constructs') return encryptedConstructs;
    if (name === 'aws-cdk-lib') return cdk;
    return nodeRequire(name);
  };
  const exported: { Fixture?: new (scope: Construct, id: string) => Stack } = {};
  new Function('require', 'exports', module.outputText)(load, exported);
  return new exported.Fixture!(new App(), `Line${line}`);
}

const blocks = MARKDOWN.flatMap(defaultFixtureBlocks);

test('the README has an example on the default fixture for each of the four constructs', () => {
  const readme = blocks.filter(b => b.file === 'README.md').map(b => b.source).join('\n');
  for (const construct of ['EncryptedSchedule', 'EncryptedConnection', 'EncryptedArchive', 'EncryptedRdsInstance']) {
    expect(readme).toMatch(new RegExp(`new ${construct}\\(this,`));
  }
});

/**
 * What a block itself builds with aws-cdk-lib (`new sqs.Queue(this, 'Undelivered', ...)`: the user's own resources,
 * like the fixture's stand-ins), by construct id; findings there are the user's to settle, not the library's.
 */
function usersOwnIds(source: string): string[] {
  const library = new Set(Object.keys(encryptedConstructs));
  return [...source.matchAll(/new\s+([\w.]+)\(this,\s*'([^']+)'/g)].filter(m => !library.has(m[1])).map(m => m[2]);
}

/**
 * Findings on resources the user adds UNDER a library construct through its public members, pinned: an e-mail
 * subscription to the alarm topic or the alert topic has no redrive policy (give it `deadLetterQueue` to settle it).
 */
const USER_MADE_UNDER_LIBRARY_PATHS = [
  'Serverless-SNSRedrivePolicy at EncryptedConstructsAlarmTopic/Resource/dba@example.com/Resource',
  'Serverless-SNSRedrivePolicy at EncryptedConstructsAlarmTopic/Resource/oncall@example.com/Resource',
  'Serverless-SNSRedrivePolicy at KeyTamperingAlert/AlertTopic/security@example.com/Resource',
];

test.each(blocks.map(b => ({ ...b })))('the example of $file at line $line runs and passes the five cdk-nag packs: no finding on anything the library creates', ({ source, line }) => {
  const stack = run(source, line);
  const own = ['UsersOwn', ...usersOwnIds(source)];
  const findings = nagFindings(stack)
    .map(f => `${f.rule} at ${f.path.slice(`${stack.node.path}/`.length)}`)
    .filter(f => !own.some(id => f.includes(` at ${id}/`)))
    .filter(f => !USER_MADE_UNDER_LIBRARY_PATHS.includes(f));
  expect([...new Set(findings)].sort()).toEqual([]);
});
