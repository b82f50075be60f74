import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EncryptionKey, KeyPolicyStatements } from '../../src';
import { addKeyStatements, isPolicyEditable, KEY_POLICY_STATEMENTS_REQUIRED_WARNING, keyPolicyNotManagedMessage, registerRolePath } from '../../src/key/key-policy';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const USAGE = /^kms:(\*|Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant)/;

function keyPolicy(stack: Stack): any[] {
  const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
  return Object.values(keys)[0].Properties.KeyPolicy.Statement;
}

describe('EncryptionKey', () => {
  test('is symmetric, rotating yearly, retained, with a 30-day deletion window and a description of what it protects', () => {
    const stack = testStack();
    new EncryptionKey(stack, 'Key', { protects: 'order events' });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        Description: 'Customer managed key for order events (cdk-encrypted-constructs)',
        EnableKeyRotation: true,
        RotationPeriodInDays: 365,
        PendingWindowInDays: 30,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test.each([
    ['grantSign', 'kms:Sign', 'SIGN_VERIFY'],
    ['grantVerify', 'kms:Verify', 'SIGN_VERIFY'],
    ['grantSignVerify', 'kms:Sign and kms:Verify', 'SIGN_VERIFY'],
    ['grantGenerateMac', 'kms:GenerateMac', 'GENERATE_VERIFY_MAC'],
    ['grantVerifyMac', 'kms:VerifyMac', 'GENERATE_VERIFY_MAC'],
  ] as const)('%s throws: KMS refuses %s on a symmetric encryption key, and the key grants nothing', (method, calls, usage) => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const grantsName = (method.charAt(5).toLowerCase() + method.slice(6)) as 'sign' | 'verify' | 'signVerify' | 'generateMac' | 'verifyMac';
    expect(() => key[method](role)).toThrow(`TestStack/Key: ${method}: an EncryptionKey is a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT), on which KMS refuses ${calls}; use a kms.Key with`);
    expect(() => key[method](role)).toThrow(usage);
    expect(() => key.grants[grantsName](role)).toThrow(`TestStack/Key: grants.${grantsName}: an EncryptionKey is a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT), on which KMS refuses ${calls};`);
    expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toEqual({});
  });

  test('the grants a symmetric key can honour still work', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    key.grants.encrypt(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'kms:Decrypt' }), Match.objectLike({ Action: Match.arrayWith(['kms:Encrypt']) })] },
    });
  });

  test('takes alias, rotation period, pending window, removal policy and tags from props', () => {
    const stack = testStack();
    new EncryptionKey(stack, 'Key', {
      protects: 'x',
      alias: 'team/orders',
      rotationPeriod: Duration.days(90),
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
      tags: { team: 'orders' },
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      Properties: { RotationPeriodInDays: 90, PendingWindowInDays: 7, Tags: [{ Key: 'team', Value: 'orders' }] },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/team/orders' });
  });

  test('denies grants that are not for AWS resources (Control Tower CT.KMS.PR.3)', () => {
    const stack = testStack();
    new EncryptionKey(stack, 'Key', { protects: 'x' });
    expect(keyPolicy(stack)).toContainEqual(expect.objectContaining({
      Effect: 'Deny',
      Action: 'kms:CreateGrant',
      Principal: { AWS: '*' },
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
  });

  test('default mode keeps the account root kms:* delegation to IAM', () => {
    const stack = testStack();
    new EncryptionKey(stack, 'Key', { protects: 'x' });
    expect(keyPolicy(stack)).toContainEqual(expect.objectContaining({ Effect: 'Allow', Action: 'kms:*' }));
  });

  test('strict mode leaves the account root no usage action, only administration', () => {
    const stack = testStack();
    const deployer = new iam.ArnPrincipal('arn:aws:iam::111122223333:role/deployer');
    new EncryptionKey(stack, 'Key', { protects: 'x', strictMode: true, administrators: [deployer] });
    const statements = keyPolicy(stack);
    const allows = statements.filter(s => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [admin] = allows;
    expect(admin.Principal).toEqual({ AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:role/deployer'] });
    expect([admin.Action].flat().filter((a: string) => USAGE.test(a))).toEqual([]);
    expect([admin.Action].flat()).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:EnableKeyRotation']));
  });

  test.each([
    ['rotationPeriod', { rotationPeriod: Duration.days(30) }, /rotationPeriod: got 30 days; must be a whole number from 90 to 2560 days/],
    ['pendingWindow', { pendingWindow: Duration.days(3) }, /pendingWindow: got 3 days; must be a whole number from 7 to 30 days/],
    ['alias reserved prefix', { alias: 'alias/aws/mine' }, /alias: got "alias\/aws\/mine"; must not start with "aws\/"/],
    ['alias characters', { alias: 'bad alias!' }, /alias: got "bad alias!"; must be 1 to 250 characters/],
    ['description over 8192 characters', { description: 'd'.repeat(8193) }, /description: got 8193 characters; must be at most 8192 characters/],
    ['tag key with the reserved prefix aws:', { tags: { 'AWS:team': 'x' } }, /tags: got "AWS:team"; tag keys must not start with "aws:" \(reserved for AWS\)/],
    ['empty tag key', { tags: { '': 'x' } }, /tags: got ""; tag keys must be 1 to 128 characters/],
    ['tag key over 128 characters', { tags: { ['k'.repeat(129)]: 'x' } }, /tags: got "k{77}\.\.\."; tag keys must be 1 to 128 characters/],
    ['tag value over 256 characters', { tags: { team: 'v'.repeat(257) } }, /tags\["team"\]: got 257 characters; tag values must be at most 256 characters/],
    ['null tags (JavaScript)', { tags: null as any }, /tags: got null; omit the prop instead/],
    ['a null administrator (JavaScript)', { administrators: [null as any] }, /administrators\[0\]: got null; arrays must not hold null or undefined entries/],
    ['protects missing (JavaScript)', { protects: undefined as any }, /protects: got undefined; is required: a few words saying what the key protects/],
  ])('rejects a bad %s naming the construct path', (_name, props, message) => {
    const stack = testStack();
    expect(() => new EncryptionKey(stack, 'Key', { protects: 'x', ...props })).toThrow(message);
    expect(() => new EncryptionKey(stack, 'Key2', { protects: 'x', ...props })).toThrow(/invalid props for TestStack\/Key2/);
  });

  test('accepts the limits themselves: an 8192-character description, 128-character tag keys, 256-character values, an empty value', () => {
    const stack = testStack();
    expect(() => new EncryptionKey(stack, 'Key', {
      protects: 'x', description: 'd'.repeat(8192), tags: { ['k'.repeat(128)]: 'v'.repeat(256), 'team:aws': '' },
    })).not.toThrow();
  });

  test('has no unacknowledged cdk-nag or Control Tower findings, default and strict', () => {
    const stack = testStack();
    new EncryptionKey(stack, 'Key', { protects: 'x' });
    new EncryptionKey(stack, 'Strict', { protects: 'x', strictMode: true, alias: 'strict', tags: { a: 'b' } });
    expect(formatFindings(unacknowledgedFindings(stack))).toEqual([]);
  });
});

describe('key policy statements are added once, and never to a policy this stack does not own', () => {
  test('the same statement added by two constructs appears once; different ones get distinct sids', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    const env = { account: TEST_ENV.account, region: TEST_ENV.region };
    addKeyStatements(stack, key, KeyPolicyStatements.eventBus({ ...env, eventBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/a' }), 'a');
    addKeyStatements(stack, key, KeyPolicyStatements.eventBus({ ...env, eventBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/a' }), 'a again');
    addKeyStatements(stack, key, KeyPolicyStatements.eventBus({ ...env, eventBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/b' }), 'b');
    const sids = keyPolicy(stack).map(s => s.Sid).filter(Boolean);
    expect(sids.filter((s: string) => s.startsWith('EventBridge'))).toHaveLength(4);
    expect(new Set(sids).size).toBe(sids.length);
  });

  test('an imported key is not edited: an acknowledgeable warning lists the exact statements for its owner', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:444455556666:key/abcd');
    const statements = KeyPolicyStatements.rdsInstance({ account: TEST_ENV.account, region: TEST_ENV.region });
    expect(isPolicyEditable(stack, key)).toBe(false);
    addKeyStatements(stack, key, statements, 'the RDS instance Db');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cannot be edited here'));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toContain('The key arn:aws:kms:eu-west-1:444455556666:key/abcd is not defined in this stack');
    expect(text).toContain('For the RDS instance Db, its owner must add these statements');
    expect(text).toContain('"kms:ViaService": "rds.eu-west-1.amazonaws.com"');
    expect(text).toContain('"kms:GrantIsForAWSResource": "true"');
    expect(text).toContain(`acknowledgeWarning('${KEY_POLICY_STATEMENTS_REQUIRED_WARNING}'`);
    expect(text).toBe(`${keyPolicyNotManagedMessage(stack, key, statements, 'the RDS instance Db')} [ack: ${KEY_POLICY_STATEMENTS_REQUIRED_WARNING}]`);
  });

  test('an imported key\'s warning names each role as a key owner can write it before deploy: a library role by the IAM path it then gets, a named role by its ARN', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:444455556666:key/abcd');
    const owner = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    registerRolePath(owner);
    const named = new iam.Role(stack, 'Named', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), roleName: 'team-reader', path: '/team/' });
    const unnamed = new iam.Role(stack, 'Unnamed', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const read = (principal: iam.IRole) => new iam.PolicyStatement({ sid: 'Read', principals: [principal], actions: ['kms:Decrypt'], resources: ['*'] });
    addKeyStatements(stack, key, [read(owner), read(named), read(unnamed)], 'readers');

    const text = String(Annotations.fromStack(stack).findWarning('/TestStack', Match.stringLikeRegexp('cannot be edited here'))[0].entry.data);
    const printed: any[] = JSON.parse(text.slice(text.indexOf('\n[') + 1, text.lastIndexOf(']\n') + 1));
    expect(printed.map(s => [s.Principal, s.Condition])).toEqual([
      [{ AWS: 'arn:aws:iam::111122223333:root' }, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/cdk-encrypted-constructs/TestStack/*' } }],
      [{ AWS: 'arn:aws:iam::111122223333:root' }, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/team/team-reader' } }],
      [{ AWS: 'arn:aws:iam::111122223333:root' }, { ArnLike: { 'aws:PrincipalArn': '<ARN of role TestStack/Unnamed>' } }],
    ]);
    expect(text).toContain('A <ARN of role ...> is a role of yours whose name CloudFormation generates: give it a roleName');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { Path: '/cdk-encrypted-constructs/TestStack/', AssumeRolePolicyDocument: Match.anyValue() });
    expect(Object.values<any>(template.findResources('AWS::IAM::Role')).map(r => r.Properties.Path).sort()).toEqual(['/cdk-encrypted-constructs/TestStack/', '/team/', undefined]);
  });

  test('a library role keeps its plain path while no warning names it (keys this stack edits name it by ARN)', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    registerRolePath(role);
    addKeyStatements(stack, key, [new iam.PolicyStatement({ principals: [role], actions: ['kms:Decrypt'], resources: ['*'] })], 'readers');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { Path: Match.absent() });
  });

  test('a key defined in another stack of the same app is not edited', () => {
    const app = new App();
    const owner = new Stack(app, 'Owner', { env: TEST_ENV });
    const user = new Stack(app, 'User', { env: TEST_ENV });
    const key = new EncryptionKey(owner, 'Key', { protects: 'x' });
    addKeyStatements(user, key, KeyPolicyStatements.rdsInstance(), 'db');
    expect(keyPolicy(owner).map(s => s.Sid)).not.toContainEqual(expect.stringMatching(/^Rds/));
    Annotations.fromStack(user).hasWarning('/User', Match.stringLikeRegexp('is not defined in this stack'));
  });

  test('a key with service statements forms no dependency cycle', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    addKeyStatements(stack, key, KeyPolicyStatements.schedule({ scheduleArn: 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/a', executionRole: role }), 's');
    key.grantDecrypt(role);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });
});
