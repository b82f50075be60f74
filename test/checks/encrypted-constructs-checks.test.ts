import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { L2_GAPS, l2App, libraryApp } from './apps';
import { FIXTURES, fixtureApp, fixtureStackName } from './fixtures';
import { Finding, findingKeys, GUARD_FILE, guardFindings, nagFindings, PREFIX } from './harness';
import { EncryptedConstructsChecks } from '../../src';
import { CMK_RULES } from '../../src/checks/encrypted-constructs-checks';
import { SERVICE_CONDITIONS } from '../../src/checks/key-policy';
import { PATTERNS } from '../../src/checks/patterns';

// Three apps, each synthesized once: the fixtures (a stack each), the library's constructs and aws-cdk-lib's defaults.
// cfn-guard runs ONCE over all their templates; cdk-nag then over each synthesized construct tree.
const apps = { fixtures: fixtureApp(), library: libraryApp(), l2: l2App() };
const guard = guardFindings(apps);
const nag = { fixtures: nagFindings(apps.fixtures), library: nagFindings(apps.library), l2: nagFindings(apps.l2) };

describe.each(CMK_RULES.map(r => r.id))('%s', rule => {
  const fixtures = FIXTURES.filter(f => f.rule === rule);

  test('has compliant and non-compliant fixtures', () => {
    expect(fixtures.filter(f => f.compliant).length).toBeGreaterThan(0);
    expect(fixtures.filter(f => !f.compliant).length).toBeGreaterThan(0);
  });

  test.each(fixtures.map(f => [f.compliant ? 'passes' : 'flags', f.what, f] as const))('%s %s (cdk-nag and cfn-guard)', (_verdict, _what, fixture) => {
    const stack = fixtureStackName(fixture);
    const flagged = (findings: Finding[]) => findings.some(f => f.stack === stack && f.rule === rule && f.logicalId === fixture.subject);
    expect({ nag: flagged(nag.fixtures), guard: flagged(guard.fixtures) }).toEqual({ nag: !fixture.compliant, guard: !fixture.compliant });
  });

  test('finds every gap of aws-cdk-lib\'s L2 constructs at their defaults, and nothing else (cdk-nag and cfn-guard)', () => {
    const paths = (findings: Finding[]) => findings.filter(f => f.rule === rule).map(f => f.path).sort();
    const expected = [...L2_GAPS[rule]].sort();
    expect({ nag: paths(nag.l2), guard: paths(guard.l2) }).toEqual({ nag: expected, guard: expected });
  });
});

describe('cdk-nag and cfn-guard', () => {
  test.each(['fixtures', 'library', 'l2'] as const)('flag the same resources, rule by rule and stack by stack, in the %s app', name => {
    expect(findingKeys(guard[name])).toEqual(findingKeys(nag[name]));
  });

  test('agree on something: the fixtures make every rule fire', () => {
    expect(new Set(nag.fixtures.map(f => f.rule))).toEqual(new Set(CMK_RULES.map(r => r.id)));
  });
});

test('the library\'s five constructs, in default and strict mode, have no finding (cdk-nag and cfn-guard)', () => {
  expect({ nag: findingKeys(nag.library), guard: findingKeys(guard.library) }).toEqual({ nag: [], guard: [] });
  // ...and the app holds what the rules read.
  const types = new Set(Object.values<any>(apps.library.synth().stacks[0].template.Resources).map(r => r.Type));
  for (const type of ['AWS::Scheduler::Schedule', 'AWS::Events::EventBus', 'AWS::Events::Archive', 'AWS::Events::Connection', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::SNS::Topic', 'AWS::KMS::Key']) {
    expect(types).toContain(type);
  }
});

describe('the guard file', () => {
  const text = fs.readFileSync(GUARD_FILE, 'utf8');

  test('names one rule per pack rule, with the same id, and each message is the full cdk-nag id, what it found and the fix', () => {
    const named = [...new Set([...text.matchAll(/^rule ([A-Za-z0-9]+)\s+when/gm)].map(m => m[1]))].sort();
    expect(named).toEqual(CMK_RULES.map(r => r.id).sort());
    const messages = new Set([...text.matchAll(/<<([\s\S]*?)>>/g)].map(m => m[1].replace(/\s+/g, ' ').trim()));
    expect(messages).toEqual(new Set(CMK_RULES.map(r => `[${PREFIX}${r.id}]: ${r.info} [FIX]: ${r.fix}`)));
  });

  test('holds the pack\'s patterns, character for character', () => {
    const lets = Object.fromEntries([...text.matchAll(/^let (ec_\w+) = \/(.*)\/$/gm)].map(m => [m[1], m[2]]));
    const expected = Object.fromEntries(Object.entries(PATTERNS).map(([name, re]) => [name, `${re.flags.includes('i') ? '(?i)' : ''}${re.source}`]));
    expect(lets).toEqual(expected);
  });

  test('checks each service principal of the pack\'s table against that entry\'s condition keys', () => {
    for (const entry of SERVICE_CONDITIONS) {
      expect(text).toContain(`when some Principal.Service[*] == %${entry.principal} {\n            Condition[ keys != "Null" ][ keys == %${entry.keys} ] not empty`);
    }
    // ...and `ec_named_service_principals` is exactly the table's principals.
    for (const principal of ['events.amazonaws.com', 'cloudtrail.amazonaws.com', 'cloudwatch.amazonaws.com', 'logs.eu-west-1.amazonaws.com', 's3.amazonaws.com', 'logs.amazonaws.com']) {
      expect(PATTERNS.ec_named_service_principals.test(principal)).toBe(SERVICE_CONDITIONS.some(e => PATTERNS[e.principal].test(principal)));
    }
  });

  test('ships at the path the pack gives', () => {
    expect(path.relative(path.join(__dirname, '..', '..'), GUARD_FILE)).toBe(path.join('rules', 'encrypted-constructs.guard'));
  });
});

test('docs/rule-pack.md has a section for each rule, with its AWS doc link, and the table of service condition keys', () => {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rule-pack.md'), 'utf8');
  const sections = page.split(/^### /m);
  for (const rule of CMK_RULES) {
    const section = sections.find(s => s.startsWith(`${PREFIX}${rule.id}\n`));
    expect(section).toContain(rule.docs[0]);
  }
  for (const link of SERVICE_CONDITIONS.flatMap(e => e.docs)) expect(page).toContain(link);
});

describe('the pack as cdk-nag 3 runs it', () => {
  test('registered with Validations.of(app).addPlugins, it validates the app at synthesis', () => {
    const app = fixtureApp();
    // Only the compliant fixtures: a finding would fail the synthesis (and set the process's exit code).
    for (const stack of app.node.children.filter(c => Stack.isStack(c) && c.node.id.includes('-NonCompliant-'))) app.node.tryRemoveChild(stack.node.id);
    const pack = new EncryptedConstructsChecks(app);
    const validate = jest.spyOn(pack, 'validateScope');
    Validations.of(app).addPlugins(pack);
    app.synth();
    expect(validate).toHaveBeenCalledWith(app);
    expect(validate.mock.results[0].value).toEqual({ success: true, violations: [] });
  });

  test('an acknowledgement on a resource or a construct above it hides that rule\'s finding there, and nowhere else', () => {
    const app = fixtureApp();
    const fixture = FIXTURES.find(f => f.rule === 'KMSKeyRotation' && !f.compliant)!;
    const stack: IConstruct = app.node.findChild(fixtureStackName(fixture));
    Validations.of(stack).acknowledge({ id: `${PREFIX}KMSKeyRotation`, reason: 'test: a key rotated on demand by its owner' });
    const findings = nagFindings(app);
    expect(findings.filter(f => f.stack === stack.node.id)).toEqual([]);
    expect(findings.filter(f => f.rule === 'KMSKeyRotation').length).toBeGreaterThan(0);
  });
});
