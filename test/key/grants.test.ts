/**
 * aws-cdk-lib's grant methods on an `EncryptionKey`: what they write into the key policy (roles only by
 * `aws:PrincipalArn` under their account, never as principals), whether the grant really grants in strict mode (the
 * access-path evaluator against the synthesized policies), and the statements the library refuses.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptionKey } from '../../src';
import { evaluate, roleCaller } from '../access/evaluator';
import { principalsFor, worldOf } from '../access/proof';
import { DeployedWorld } from '../access/world';
import { TEST_ENV } from '../support/fixtures';

const ACCOUNT_ROOT = `arn:aws:iam::${TEST_ENV.account}:root`;

/** One grant method, and the KMS call the grantee then makes (through the service the grant is for). */
interface GrantCase {
  readonly name: string;
  readonly grant: (stack: Stack, key: EncryptionKey, role: iam.Role) => void;
  readonly call: (world: DeployedWorld) => { context: Record<string, string> };
}

const CASES: GrantCase[] = [
  {
    name: 'key.grantDecrypt(role)',
    grant: (_stack, key, role) => { key.grantDecrypt(role); },
    call: () => ({ context: {} }),
  },
  {
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html: GetSecretValue makes Secrets
    // Manager call Decrypt with the caller's permissions, under the context SecretARN and SecretVersionId.
    name: 'secret.grantRead(role) on a secret encrypted with the key',
    grant: (stack, key, role) => { new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key }).grantRead(role); },
    call: world => ({
      context: {
        'kms:ViaService': `secretsmanager.${TEST_ENV.region}.amazonaws.com`,
        'kms:EncryptionContext:SecretARN': world.ref(world.ofType('AWS::SecretsManager::Secret')[0]),
        'kms:EncryptionContext:SecretVersionId': 'a1b2c3d4-version',
      },
    }),
  },
  {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html: a consumer
    // needs kms:Decrypt; SQS calls KMS with the consumer's permissions.
    name: 'queue.grantConsumeMessages(role) on a queue encrypted with the key',
    grant: (stack, key, role) => { new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key }).grantConsumeMessages(role); },
    call: world => ({
      context: {
        'kms:ViaService': `sqs.${TEST_ENV.region}.amazonaws.com`,
        'kms:EncryptionContext:aws:sqs:arn': world.attribute(world.ofType('AWS::SQS::Queue')[0], 'Arn'),
      },
    }),
  },
];

function granted(grantCase: GrantCase, strictMode: boolean): { stack: Stack; key: EncryptionKey; role: iam.Role; world: DeployedWorld } {
  const app = new App();
  const stack = new Stack(app, 'Grants', { env: TEST_ENV });
  const key = new EncryptionKey(stack, 'Key', { protects: 'test data', strictMode, administrators: strictMode ? [new iam.AccountRootPrincipal()] : undefined });
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grantCase.grant(stack, key, role);
  return { stack, key, role, world: worldOf(app) };
}

function keyPolicy(stack: Stack, key: EncryptionKey): any[] {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(key.node.defaultChild as any)].Properties.KeyPolicy.Statement;
}

describe.each([['default mode', false], ['strict mode', true]] as const)('aws-cdk-lib grant methods on an EncryptionKey, %s', (_mode, strictMode) => {
  test.each(CASES.map(c => [c.name, c] as const))('%s: the key policy names the role only by aws:PrincipalArn, under the account', (_name, grantCase) => {
    const { stack, key, role } = granted(grantCase, strictMode);
    const statements = keyPolicy(stack, key);
    const roleArn = stack.resolve(role.roleArn);
    for (const s of statements.filter(st => st.Effect === 'Allow')) {
      for (const principal of [s.Principal?.AWS ?? []].flat()) {
        expect(JSON.stringify(principal)).toMatch(/:root"/);
      }
    }
    const naming = statements.filter(s => JSON.stringify(s).includes(JSON.stringify(roleArn)));
    // default mode: aws-cdk-lib's same-account grant writes the IAM side only, except for a grant through a service
    // (secret.grantRead), which it writes into the key policy
    if (strictMode || grantCase.name.startsWith('secret')) expect(naming.length).toBeGreaterThan(0);
    for (const s of naming) {
      expect(s.Principal).toEqual({ AWS: ACCOUNT_ROOT });
      expect(s.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': roleArn });
    }
  });

  test.each(CASES.map(c => [c.name, c] as const))('%s: the role may make its call; in strict mode an administrator of the account may not', async (_name, grantCase) => {
    const { world } = granted(grantCase, strictMode);
    const keyArn = world.attribute(world.ofType('AWS::KMS::Key')[0], 'Arn');
    const reader = world.ofType('AWS::IAM::Role').find(r => r.logicalId.startsWith('Reader'))!;
    const { context } = grantCase.call(world);
    const call = { action: 'kms:Decrypt', resource: keyArn, context };
    const allowed = await evaluate(world, { caller: roleCaller(world, reader, 'the granted role'), ...call });
    expect(allowed.decision).toBe('Allowed');
    const admin = await evaluate(world, { caller: principalsFor(world.target).otherAdmin, ...call });
    expect(admin.decision).toBe(strictMode ? 'ImplicitlyDenied' : 'Allowed');
  });
});

describe('statements the key refuses', () => {
  function stackWithKey(strictMode = false, context: Record<string, unknown> = {}): { app: App; stack: Stack; key: EncryptionKey } {
    const app = new App({ context });
    const stack = new Stack(app, 'Targets', { env: TEST_ENV });
    return { app, stack, key: new EncryptionKey(stack, 'Key', { protects: 'test data', strictMode, administrators: strictMode ? [new iam.AccountRootPrincipal()] : undefined }) };
  }
  const rule = (stack: Stack) => new events.Rule(stack, 'Rule', { eventPattern: { source: ['orders'] } });

  test.each([
    ['an SQS queue on the key as a rule target', (stack: Stack, key: EncryptionKey) => rule(stack).addTarget(new eventsTargets.SqsQueue(new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key }))),
      /eventsTargetQueueSameAccount/],
    ['an SNS topic on the key as a rule target', (stack: Stack, key: EncryptionKey) => rule(stack).addTarget(new eventsTargets.SnsTopic(new sns.Topic(stack, 'Topic', { masterKey: key }))),
      /authorizeUsingRole: true/],
  ])('%s: refused at synth, naming the key and the fix (aws-cdk-lib would let events.amazonaws.com use the key with no condition)', (_name, build, fix) => {
    const { stack, key } = stackWithKey();
    let message = '';
    try { build(stack, key); } catch (error) { message = (error as Error).message; }
    expect(message).toMatch(/^Targets\/Key: a statement would let the AWS service events\.amazonaws\.com use this key \(kms:Decrypt, .*\) with no condition/);
    expect(message).toMatch(fix);
  });

  test('the fixes the error names are accepted: the queue target under the same-account flag, the topic target with a role', () => {
    const { stack, key } = stackWithKey(true, { '@aws-cdk/aws-events:eventsTargetQueueSameAccount': true });
    rule(stack).addTarget(new eventsTargets.SqsQueue(new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key })));
    new events.Rule(stack, 'Other', { eventPattern: { source: ['billing'] } })
      .addTarget(new eventsTargets.SnsTopic(new sns.Topic(stack, 'Topic', { masterKey: key }), { authorizeUsingRole: true }));
    const statements = keyPolicy(stack, key);
    expect(statements).toContainEqual(expect.objectContaining({
      Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': TEST_ENV.account } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Principal: { AWS: ACCOUNT_ROOT }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: { ArnEquals: { 'aws:PrincipalArn': expect.anything() } },
    }));
  });

  test('strict mode: a grant to a role of a stack that depends on the key\'s stack is refused (aws-cdk-lib would let the whole account use the key)', () => {
    const { app, stack, key } = stackWithKey(true);
    const other = new Stack(app, 'Consumer', { env: TEST_ENV });
    other.addDependency(stack);
    const role = new iam.Role(other, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => key.grantDecrypt(role)).toThrow(/^Targets\/Key: the key is in strict mode, and a statement would let every principal of the account .* use the key \(kms:Decrypt\) with no condition/);
  });
});
