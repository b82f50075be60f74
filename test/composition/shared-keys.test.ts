import { App, Annotations as CoreAnnotations, Duration, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { EncryptedArchive, EncryptedConnection, EncryptedSchedule, EncryptionKey, KeyPolicyStatements } from '../../src';
import { KEY_POLICY_STATEMENTS_REQUIRED_WARNING, keyPolicyNotManagedMessage } from '../../src/key/key-policy';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { TEST_ENV } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

function schedule(stack: Stack, id: string, encryptionKey?: kms.IKey): EncryptedSchedule {
  const fn = (stack.node.tryFindChild('Target') as lambda.Function | undefined) ?? new lambda.Function(stack, 'Target', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return new EncryptedSchedule(stack, id, {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(fn, { input: scheduler.ScheduleTargetInput.fromObject({ job: id }) }),
    encryptionKey,
  });
}

function keyStatements(stack: Stack, key: kms.IKey): any[] {
  const template = Template.fromStack(stack).toJSON();
  return template.Resources[stack.getLogicalId((key as kms.Key).node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
}

describe('one key shared by several constructs', () => {
  test('a schedule and an archive on a team key: each adds only its own conditioned statements, none twice, no cycle', () => {
    const app = new App();
    const stack = new Stack(app, 'Team', { env: TEST_ENV });
    const teamKey = new EncryptionKey(stack, 'TeamKey', { protects: 'the orders team data' });
    const nightly = schedule(stack, 'Nightly', teamKey);
    const hourly = schedule(stack, 'Hourly', teamKey);
    const archive = new EncryptedArchive(stack, 'Orders', { encryptionKey: teamKey, retention: Duration.days(30) });
    const statements = keyStatements(stack, teamKey);

    const contents = statements.map(s => JSON.stringify({ ...s, Sid: undefined }));
    expect(new Set(contents).size).toBe(contents.length);
    const sids = statements.map(s => s.Sid).filter(Boolean);
    expect(new Set(sids).size).toBe(sids.length);

    const scheduleContexts = statements.map(s => s.Condition?.StringEquals?.['kms:EncryptionContext:aws:scheduler:schedule:arn']).filter(Boolean);
    expect(new Set(scheduleContexts)).toEqual(new Set([nightly.scheduleArn, hourly.scheduleArn]));
    const busContexts = statements.map(s => s.Condition?.StringEquals?.['kms:EncryptionContext:aws:events:event-bus:arn']).filter(Boolean);
    expect(new Set(busContexts)).toEqual(new Set([archive.eventBusArn]));
    expect(statements.filter(s => s.Sid?.startsWith('EncryptionVerifierDescribe'))).toHaveLength(1);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 4); // team key, trail key, verifier log key, the stack's shared alarm topic key (the schedule has no alarmTopic)
  });

  test('the shared-key stack has no unacknowledged cdk-nag or Control Tower findings in the library\'s resources', () => {
    const stack = new Stack(new App(), 'TeamNag', { env: TEST_ENV });
    const teamKey = new EncryptionKey(stack, 'TeamKey', { protects: 'the orders team data' });
    schedule(stack, 'Nightly', teamKey);
    new EncryptedArchive(stack, 'Orders', { encryptionKey: teamKey });
    const findings = formatFindings(unacknowledgedFindings(stack)).filter(f => !f.includes('/Target'));
    expect(findings).toEqual([]);
  });
});

describe('keys this stack does not own', () => {
  test('a key owned by another stack of the same app: its policy is not edited; one warning names the key by path and lists only what IAM delegation does not cover', () => {
    const app = new App();
    const owner = new Stack(app, 'KeyOwner', { env: TEST_ENV });
    const user = new Stack(app, 'KeyUser', { env: TEST_ENV });
    const key = new EncryptionKey(owner, 'SharedKey', { protects: 'shared data' });
    const archive = new EncryptedArchive(user, 'Orders', { encryptionKey: key });
    schedule(user, 'Nightly', key);

    const ownerPolicy = keyStatements(owner, key);
    expect(ownerPolicy.map(s => s.Sid ?? '').filter((sid: string) => /^(EventBridge|Scheduler|EncryptionVerifier)/.test(sid))).toEqual([]);
    const warnings = Annotations.fromStack(user).findWarning('*', Match.stringLikeRegexp('cannot be edited here'));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toContain('The key KeyOwner/SharedKey (of stack KeyOwner) is not defined in this stack (KeyUser)');
    expect(text).toContain('Its key policy delegates to IAM');
    expect(text).toContain('EventBridge Scheduler schedule KeyUser/Nightly');
    expect(text).not.toContain('"aws:PrincipalArn"');
    expect(text).not.toContain('"AWS": "arn:aws:iam::111122223333:root"');
    expect(text).toContain(`"kms:EncryptionContext:aws:events:event-bus:arn": "${archive.eventBusArn}"`);
  });

  test('two stacks: a key in stack A, a schedule, a connection and an archive in stack B; following the one warning synthesizes clean, with no cycle', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    const key = new EncryptionKey(a, 'SharedKey', { protects: 'shared data' });
    schedule(b, 'Nightly', key);
    new EncryptedConnection(b, 'Crm', {
      connectionName: 'crm',
      authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
      encryptionKey: key,
    });
    new EncryptedArchive(b, 'Orders', { encryptionKey: key });

    const warnings = Annotations.fromStack(b).findWarning('*', Match.stringLikeRegexp(KEY_POLICY_STATEMENTS_REQUIRED_WARNING));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toMatch(/^The key A\/SharedKey \(of stack A\)/);
    expect(text).toContain('EventBridge Scheduler schedule B/Nightly');
    expect(text).toContain('EventBridge connection crm');
    const printed: any[] = JSON.parse(text.slice(text.indexOf('\n[') + 1, text.lastIndexOf(']\n') + 1));
    expect(printed.length).toBeGreaterThan(0);
    expect(JSON.stringify(printed)).not.toMatch(/Fn::|Ref|<ARN of/); // literals only: pasteable in stack A before B exists

    // The key owner follows the warning in stack A.
    for (const statement of printed) key.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
    const templateA = Template.fromStack(a).toJSON();
    const templateB = Template.fromStack(b).toJSON();
    expect(findCycle(templateA)).toBeUndefined();
    expect(findCycle(templateB)).toBeUndefined();
    expect(a.dependencies).not.toContain(b);
    expect(b.dependencies).toContain(a);
    expect(Annotations.fromStack(a).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(a).findWarning('*', Match.anyValue())).toEqual([]);
    for (const statement of printed) {
      expect(keyStatements(a, key)).toContainEqual(statement);
    }
  });

  // A key whose policy does not delegate to IAM (strict mode), or whose policy this stack cannot see (imported by
  // ARN): every statement must be printed, including those naming the roles stack B creates, before B exists.
  test.each([
    // the ARN stack A's key has once deployed, written into stack B by hand
    ['imported by ARN into stack B', (b: Stack, _key: EncryptionKey) => kms.Key.fromKeyArn(b, 'TeamKey', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555')],
    ['passed across stacks in strict mode', (_b: Stack, key: EncryptionKey) => key],
  ])('two stacks, a strict key of stack A %s: the warning names B\'s roles by a path B gives them, and following it synthesizes clean, with no cycle', (_name, use) => {
    const app = new App();
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    const key = new EncryptionKey(a, 'SharedKey', { protects: 'shared data', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    const given: kms.IKey = use(b, key);
    schedule(b, 'Nightly', given);
    new EncryptedConnection(b, 'Crm', {
      connectionName: 'crm',
      authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
      encryptionKey: given,
    });
    new EncryptedArchive(b, 'Orders', { encryptionKey: given });

    const warnings = Annotations.fromStack(b).findWarning('*', Match.stringLikeRegexp(KEY_POLICY_STATEMENTS_REQUIRED_WARNING));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    const printed: any[] = JSON.parse(text.slice(text.indexOf('\n[') + 1, text.lastIndexOf(']\n') + 1));
    expect(JSON.stringify(printed)).not.toMatch(/Fn::|Ref|<ARN of/); // literals only: pasteable in stack A before B exists

    // Each role B creates and the warning names is named by the IAM path B gives it, and has that path.
    const patterns = printed.map(st => st.Condition?.ArnLike?.['aws:PrincipalArn']).filter((p): p is string => typeof p === 'string' && p.endsWith('/*'));
    expect(new Set(patterns)).toEqual(new Set([
      'arn:aws:iam::111122223333:role/cdk-encrypted-constructs/B/Nightly/*',
      'arn:aws:iam::111122223333:role/cdk-encrypted-constructs/B/EncryptionVerifier/*',
    ]));
    const rolePaths = Object.values<any>(Template.fromStack(b).findResources('AWS::IAM::Role')).map(r => r.Properties.Path).filter(Boolean);
    expect(rolePaths.sort()).toEqual(['/cdk-encrypted-constructs/B/EncryptionVerifier/', '/cdk-encrypted-constructs/B/Nightly/']);
    for (const statement of printed.filter(st => st.Condition?.ArnLike)) {
      expect(statement.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    }

    // The key owner follows the warning in stack A.
    for (const statement of printed) key.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
    const templateA = Template.fromStack(a).toJSON();
    expect(findCycle(templateA)).toBeUndefined();
    expect(findCycle(Template.fromStack(b).toJSON())).toBeUndefined();
    expect(a.dependencies).not.toContain(b);
    expect(Annotations.fromStack(a).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(a).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(b).findError('*', Match.anyValue())).toEqual([]);
    for (const statement of printed) expect(keyStatements(a, key)).toContainEqual(statement);
  });

  test('a key of another stack whose IAM delegation covers every call: no warning at all, so nothing is acknowledged that could later hide an action', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    const key = new EncryptionKey(a, 'SharedKey', { protects: 'shared data' });
    schedule(b, 'Nightly', key);
    expect(Annotations.fromStack(b).findWarning('*', Match.stringLikeRegexp('cannot be edited here'))).toEqual([]);
    expect(Annotations.fromStack(b).findWarning('*', Match.stringLikeRegexp('key-policy'))).toEqual([]);
  });

  test('the same key made strict: the action warning has its own id, which an acknowledgement of the former catch-all id does not hide', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    const key = new EncryptionKey(a, 'SharedKey', { protects: 'shared data', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    const nightly = schedule(b, 'Nightly', key);
    CoreAnnotations.of(nightly).acknowledgeWarning('cdk-encrypted-constructs:key-policy-not-managed', 'nothing needed to be added');
    const warnings = Annotations.fromStack(b).findWarning('/B/Nightly', Match.stringLikeRegexp(`\\[ack: ${KEY_POLICY_STATEMENTS_REQUIRED_WARNING}\\]$`));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('its owner must add these statements');
  });

  test('pasting the printed statements into the owner stack of the same app clears the warning', () => {
    const printedFor = (paste: any[]) => {
      const app = new App();
      const a = new Stack(app, 'A', { env: TEST_ENV });
      const b = new Stack(app, 'B', { env: TEST_ENV });
      const key = new EncryptionKey(a, 'SharedKey', { protects: 'shared data', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
      for (const statement of paste) key.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
      schedule(b, 'Nightly', key);
      new EncryptedArchive(b, 'Orders', { encryptionKey: key });
      const warnings = Annotations.fromStack(b).findWarning('*', Match.stringLikeRegexp(KEY_POLICY_STATEMENTS_REQUIRED_WARNING));
      if (warnings.length === 0) return [];
      const text = String(warnings[0].entry.data);
      return JSON.parse(text.slice(text.indexOf('\n[') + 1, text.lastIndexOf(']\n') + 1)) as any[];
    };
    const printed = printedFor([]);
    expect(printed.length).toBeGreaterThan(2);
    // half pasted: only the other half is still asked for
    const half = printed.slice(0, Math.floor(printed.length / 2));
    expect(printedFor(half)).toEqual(printed.slice(half.length));
    // all pasted: no warning
    expect(printedFor(printed)).toEqual([]);
  });

  test('a key imported by ARN: never edited, and the warning text is exactly the foundation\'s', () => {
    const stack = new Stack(new App(), 'Imported', { env: TEST_ENV });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    const conn = new EncryptedConnection(stack, 'Crm', {
      connectionName: 'crm',
      authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
      encryptionKey: key,
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Imported/Crm', Match.stringLikeRegexp('cannot be edited here'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    const texts = warnings.map(w => String(w.entry.data));
    expect(texts).toHaveLength(1);
    const expected = keyPolicyNotManagedMessage(conn, key, KeyPolicyStatements.connection({ account: TEST_ENV.account, region: TEST_ENV.region, partition: 'aws', connectionName: 'crm' }), 'x')!;
    const printed = (text: string) => JSON.parse(text.slice(text.indexOf('\n[') + 1, text.lastIndexOf(']\n') + 1));
    expect(printed(texts[0])).toEqual(expect.arrayContaining(printed(expected)));
    expect(texts.every(t => t.includes(KEY_POLICY_STATEMENTS_REQUIRED_WARNING))).toBe(true);
    expect(Template.fromStack(stack).findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('crm') } })).toEqual({});
  });
});

describe('a key shared too widely', () => {
  test('a key policy past the 32 KB KMS accepts fails synthesis with the fix, instead of failing the deploy', () => {
    const stack = new Stack(new App(), 'Crowded', { env: TEST_ENV });
    const teamKey = new EncryptionKey(stack, 'TeamKey', { protects: 'everything' });
    for (let i = 0; i < 30; i++) schedule(stack, `Job${i}`, teamKey);
    expect(() => Template.fromStack(stack)).toThrow(/the key policy of Crowded\/TeamKey would be about \d+ characters; KMS accepts at most 32768/);
  });

  test('a handful of constructs on one key stays well under the limit', () => {
    const stack = new Stack(new App(), 'Fine', { env: TEST_ENV });
    const teamKey = new EncryptionKey(stack, 'TeamKey', { protects: 'a few jobs' });
    for (let i = 0; i < 5; i++) schedule(stack, `Job${i}`, teamKey);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
