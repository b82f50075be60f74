import * as fs from 'fs';
import { App, CfnResource, NestedStack, SecretValue, Stack, Stage } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptionKey, EncryptionVerification, VerifiedResource } from '../../src';
import { EncryptedConnection } from '../../src/encrypted-connection';
import { guardEventPatternSize, guardManagedPolicySize, policyCharacters, STACK_QUOTA_GUARDS_CONTEXT, TOKEN_CHARACTERS, valueCharacters } from '../../src/quotas/quota-guards';
import { IAM_QUOTAS } from '../../src/services/iam/limits';
import { TEST_ENV } from '../support/fixtures';

function stack(): Stack {
  return new Stack(new App(), 'Quota', { env: TEST_ENV });
}

describe('IAM quotas are checked at synth', () => {
  test('a managed policy past 6,144 characters fails synthesis naming the quota, the size and the fix', () => {
    const s = stack();
    const policy = new iam.ManagedPolicy(s, 'Big', {
      statements: Array.from({ length: 60 }, (_, i) => new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:111122223333:queue-number-${i}-with-a-long-name`] })),
    });
    guardManagedPolicySize(policy, 'Split it.');
    expect(() => (s.node.root as App).synth()).toThrow(/the managed policy Quota\/Big would be about \d+ characters; IAM accepts at most 6144 \(quota "managed policy size", not adjustable\)\. Split it\./);
  });

  test('a managed policy at the limit passes, and deploy-time values are counted at a likely size', () => {
    const s = stack();
    const policy = new iam.ManagedPolicy(s, 'Small', { statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [new iam.Role(s, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleArn] })] });
    guardManagedPolicySize(policy, 'Split it.');
    expect(() => (s.node.root as App).synth()).not.toThrow();
    expect(policyCharacters(s, policy.document)).toBeLessThan(IAM_QUOTAS.managedPolicyCharacters);
    expect(policyCharacters(s, policy.document)).toBeGreaterThan(128);
  });

  test('the verifier\'s role would carry more than 20 managed policies: synthesis fails with the quota and the fix', () => {
    const s = stack();
    const key = new EncryptionKey(s, 'Key', { protects: 'x' });
    // 12 verified resources per policy, plus the base policy: 250 resources need 22 policies.
    const resources = Array.from({ length: 250 }, (_, i) => VerifiedResource.eventBus(`bus-${i}`, `arn:aws:events:eu-west-1:111122223333:event-bus/bus-${i}`));
    new EncryptionVerification(s, 'Many', { key, resources });
    expect(() => (s.node.root as App).synth()).toThrow(/the role Quota\/EncryptionVerifier\/Role would carry 2\d managed policies; IAM attaches at most 20 per role/);
  });

  test('the verifier\'s policies of a large but possible stack pass (every chunk under 6,144 characters)', () => {
    const s = stack();
    const key = new EncryptionKey(s, 'Key', { protects: 'x', tags: { EventBridgeApiDestinations: 'true' } });
    const resources = Array.from({ length: 120 }, (_, i) => VerifiedResource.connection(`connection-with-a-long-name-${i}`,
      `arn:aws:events:eu-west-1:111122223333:connection/connection-with-a-long-name-${i}`,
      `arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection/connection-with-a-long-name-${i}/*`));
    new EncryptionVerification(s, 'Many', { key, resources });
    expect(() => (s.node.root as App).synth()).not.toThrow();
  });

  test('thirty verifications on thirty keys spread over policies each under 6,144 characters (the first once held every key\'s statements)', () => {
    const s = stack();
    for (let i = 0; i < 30; i++) {
      const key = new EncryptionKey(s, `Key${i}`, { protects: `data ${i}` });
      new EncryptionVerification(s, `Verification${i}`, { key, resources: [VerifiedResource.archive(`archive-${i}`, `arn:aws:events:eu-west-1:111122223333:archive/archive-${i}`)] });
    }
    (s.node.root as App).synth();
    const policies = s.node.findChild('EncryptionVerifier').node.children.filter((c): c is iam.ManagedPolicy => c instanceof iam.ManagedPolicy);
    expect(policies.length).toBeGreaterThan(2);
    for (const policy of policies) expect(policyCharacters(s, policy.document)).toBeLessThanOrEqual(IAM_QUOTAS.managedPolicyCharacters);
  });
});

describe('per-stack quotas are checked at synth, for every stack that holds a library construct', () => {
  /** A stack with one library construct (a key), so its quotas are guarded. */
  function guarded(context: Record<string, unknown> = {}): Stack {
    const s = new Stack(new App({ context }), 'Quota', { env: TEST_ENV });
    new EncryptionKey(s, 'Key', { protects: 'x' });
    return s;
  }
  const synth = (s: Stack) => (s.node.root as App).synth();

  test('a stack whose id is Default (which has no unique id in aws-cdk-lib) holds library constructs and synthesizes', () => {
    const app = new App();
    const defaultStack = new Stack(app, 'Default', { env: TEST_ENV });
    new EncryptionKey(defaultStack, 'Key', { protects: 'x' });
    expect(app.synth().getStackByName('Default').template.Resources).toBeDefined();
  });

  test('aws-cdk-lib refuses a stack of library constructs past 500 resources (its own check, relied on)', () => {
    const s = guarded();
    for (let i = 0; i < 500; i++) new EncryptionKey(s, `K${i}`, { protects: `data ${i}` });
    expect(() => synth(s)).toThrow(/Number of resources in stack 'Quota': 5\d\d is greater than allowed maximum of 500: AWS::KMS::Key \(501\)/);
  });

  test('a template past 1,000,000 bytes fails synthesis naming the quota, the size and the fix', () => {
    const s = guarded();
    new CfnResource(s, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(1_000_000) } });
    expect(() => synth(s)).toThrow(/\[Quota\] the template is 100\d{4} bytes; CloudFormation accepts at most 1000000 \(quota "template body size in an Amazon S3 object": 1 MB\)\. Split the stack/);
  });

  test('the template check reads the right file for a stack in a Stage and for a nested stack', () => {
    const app = new App();
    const staged = new Stack(new Stage(app, 'Prod'), 'Quota', { env: TEST_ENV });
    new EncryptionKey(staged, 'Key', { protects: 'x' });
    new CfnResource(staged, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(1_000_000) } });
    expect(() => app.synth()).toThrow(/\[Prod\/Quota\] the template is 100\d{4} bytes/);

    const parent = guarded();
    const nested = new NestedStack(parent, 'Nested');
    new EncryptionKey(nested, 'Key', { protects: 'x' });
    new CfnResource(nested, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(1_000_000) } });
    expect(() => synth(parent)).toThrow(/\[Quota\/Nested\] the template is 100\d{4} bytes/);
  });

  test('a template just under 1,000,000 bytes passes', () => {
    const s = guarded();
    new CfnResource(s, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(990_000) } });
    const assembly = synth(s);
    expect(fs.statSync(assembly.getStackByName('Quota').templateFullPath).size).toBeGreaterThan(990_000);
  });

  test('a stack without library constructs is not the library\'s to guard; skipValidation skips the guards', () => {
    const plain = new Stack(new App(), 'Plain', { env: TEST_ENV });
    new CfnResource(plain, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(1_000_000) } });
    expect(() => (plain.node.root as App).synth()).not.toThrow();
    const s = guarded();
    new CfnResource(s, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(1_000_000) } });
    expect(() => (s.node.root as App).synth({ skipValidation: true })).not.toThrow();
  });

  test('more than 60 dynamic references (connection credentials) fail synthesis naming the quota, the count and the fix', () => {
    const s = guarded();
    // 16 connections with an API key and three secret header parameters each: 64 {{resolve:secretsmanager:...}}
    for (let i = 0; i < 16; i++) {
      new EncryptedConnection(s, `Crm${i}`, {
        authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager(`crm/api-key-${i}`)),
        headerParameters: Object.fromEntries([1, 2, 3].map(j => [`x-token-${j}`, events.HttpParameter.fromSecret(SecretValue.secretsManager(`crm/token-${i}-${j}`))])),
        verifyEncryption: false,
      });
    }
    expect(() => synth(s)).toThrow(/\[Quota\] the template holds 64 dynamic references \(\{\{resolve:\.\.\.\}\}, e\.g\. one per connection credential\); CloudFormation accepts at most 60 per template \(quota "dynamic references per template"\)\. Split the stack/);
  });

  test('an SNS topic policy past 100 statements or 30,000 bytes fails synthesis naming the quota and the fix', () => {
    const s = guarded();
    const topic = new sns.Topic(s, 'Alarms');
    for (let i = 0; i < 101; i++) {
      topic.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['sns:Publish'], resources: [topic.topicArn], conditions: { ArnEquals: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:alarm-${i}` } } }));
    }
    expect(() => synth(s)).toThrow(/the SNS topic policy Quota\/Alarms\/Policy would hold 101 statements; at most 100 are accepted \(quota "statements"; see https:\/\/docs\.aws\.amazon\.com\/sns\/[^)]+\)\. Too many alarms or alert rules share the topic .*give some constructs their own alarmTopic/);
    expect(() => synth(s)).toThrow(/the SNS topic policy Quota\/Alarms\/Policy would be about \d+ bytes; at most 30000 are accepted/);
  });

  test('an SQS queue policy past 20 statements or 8,192 bytes fails synthesis naming the quota and the fix', () => {
    const s = guarded();
    const queue = new sqs.Queue(s, 'DeadLetters');
    for (let i = 0; i < 21; i++) {
      queue.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['sqs:SendMessage'], resources: [queue.queueArn], conditions: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:eu-west-1:111122223333:rule/rule-with-a-long-name-${i}` } } }));
    }
    expect(() => synth(s)).toThrow(/the SQS queue policy Quota\/DeadLetters\/Policy would hold 21 statements; at most 20 are accepted \(quota "statements"; see https:\/\/docs\.aws\.amazon\.com\/AWSSimpleQueueService\/[^)]+\)\. Too many rules or buses share the queue .*give some constructs their own dead-letter queue/);
    const wide = guarded();
    const shared = new sqs.Queue(wide, 'DeadLetters');
    shared.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['sqs:SendMessage'], resources: [shared.queueArn], conditions: { ArnEquals: { 'aws:SourceArn': Array.from({ length: 200 }, (_, i) => `arn:aws:events:eu-west-1:111122223333:rule/rule-${i}`) } } }));
    expect(() => synth(wide)).toThrow(/the SQS queue policy Quota\/DeadLetters\/Policy would be about \d+ bytes; at most 8192 are accepted/);
  });

  test('a library rule whose event pattern passes 2,048 characters fails synthesis naming the quota and the fix', () => {
    const s = guarded();
    const rule = new events.Rule(s, 'Wide', { eventPattern: { source: ['com.example'], detail: { id: Array.from({ length: 100 }, (_, i) => `order-${String(i).padStart(20, '0')}`) } } });
    guardEventPatternSize(rule, 'Split it.');
    expect(() => synth(s)).toThrow(/the event pattern of the rule Quota\/Wide would be about 2\d\d\d characters; EventBridge accepts at most 2048 by default \(quota "event pattern size"; see https:\/\/docs\.aws\.amazon\.com\/eventbridge\/latest\/userguide\/eb-quota\.html\)\. Split it\./);
  });

  test('context cdk-encrypted-constructs:stackQuotaGuards false turns the per-stack guards off (a synthesis-only look at a big stack)', () => {
    const s = guarded({ [STACK_QUOTA_GUARDS_CONTEXT]: false });
    new CfnResource(s, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle', properties: { Note: 'x'.repeat(1_000_000) } });
    const queue = new sqs.Queue(s, 'DeadLetters');
    for (let i = 0; i < 21; i++) queue.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountPrincipal(String(100000000000 + i))], actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    expect(() => synth(s)).not.toThrow();
  });

  test('a key of the stack in an event pattern is sized as its ARN, not as any deploy-time value', () => {
    const s = guarded();
    const key = new EncryptionKey(s, 'Watched', { protects: 'y' });
    expect(valueCharacters(s, key.keyArn)).toBe('"arn:aws:kms:eu-west-1:111122223333:key/12345678-1234-1234-1234-123456789012"'.length);
    expect(valueCharacters(s, 'arn:aws:kms:eu-west-1:111122223333:alias/x')).toBe('"arn:aws:kms:eu-west-1:111122223333:alias/x"'.length);
    expect(valueCharacters(s, new sqs.Queue(s, 'Q').queueArn)).toBe(TOKEN_CHARACTERS);
  });
});
