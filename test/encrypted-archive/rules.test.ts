import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AuditTrail, EncryptedArchive, EncryptedArchiveProps, EncryptionKey, EncryptionVerification } from '../../src';
import { TARGET_POLICY_NOT_MANAGED_WARNING } from '../../src/encrypted-archive/target-delivery';
import { acknowledgeDeadLetterQueue, acknowledgeEach } from '../../src/internal/acknowledgements';
import { KEY_POLICY_STATEMENTS_REQUIRED_WARNING } from '../../src/key/key-policy';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const ACCOUNT = TEST_ENV.account;
const RULE_ARN = (name: string, bus = 'orders') => `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${bus}/${name}`;
const EVENTS = { Service: 'events.amazonaws.com' };
/** Cheap archives for the tests that only look at rules. */
const LEAN: EncryptedArchiveProps = { eventBusName: 'orders', archiveName: 'orders-archive', verifyEncryption: false, auditTrail: AuditTrail.none() };

/** The statements of a key's policy in the synthesized template. */
function keyStatements(template: any, stack: Stack, key: kms.IKey): any[] {
  return template.Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
}

/** The statements of the policy of a queue or topic (by its Ref) in the synthesized template. */
function policyOf(template: any, stack: Stack, type: 'AWS::SQS::QueuePolicy' | 'AWS::SNS::TopicPolicy', ref: string): any[] {
  const list = type === 'AWS::SQS::QueuePolicy' ? 'Queues' : 'Topics';
  const found = Object.values<any>(template.Resources).filter(r => r.Type === type && JSON.stringify(r.Properties[list]) === JSON.stringify([stack.resolve(ref)]));
  expect(found).toHaveLength(1);
  return found[0].Properties.PolicyDocument.Statement;
}

/** The issue's example: a queue with a dead-letter queue and a topic, on customer managed keys of the stack. */
function issueExample(stack: Stack, props: EncryptedArchiveProps = {}) {
  const billingKey = new EncryptionKey(stack, 'BillingKey', { protects: 'billing messages' });
  const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered orders' });
  const notifyKey = new EncryptionKey(stack, 'NotifyKey', { protects: 'order notifications' });
  const billingQueue = new sqs.Queue(stack, 'BillingQueue', { encryptionMasterKey: billingKey, enforceSSL: true });
  const billingDlq = new sqs.Queue(stack, 'BillingDlq', { encryptionMasterKey: deadLetterKey, enforceSSL: true, retentionPeriod: Duration.days(14) });
  const notifyTopic = new sns.Topic(stack, 'NotifyTopic', { masterKey: notifyKey, enforceSSL: true });
  const orders = new EncryptedArchive(stack, 'Orders', { eventBusName: 'orders', eventPattern: { source: ['com.example.orders'] }, ...props });
  const rule = orders.addRule('ToBilling', {
    ruleName: 'to-billing',
    eventPattern: { detailType: ['OrderPlaced'] },
    targets: [new targets.SqsQueue(billingQueue, { deadLetterQueue: billingDlq }), new targets.SnsTopic(notifyTopic)],
  });
  return { orders, rule, billingKey, deadLetterKey, notifyKey, billingQueue, billingDlq, notifyTopic };
}

describe('EncryptedArchive.addRule: the issue\'s example', () => {
  const stack = testStack();
  const example = issueExample(stack);
  const template = Template.fromStack(stack);
  const json = template.toJSON();

  test('the rule is on the archive\'s bus, with the targets and dead-letter queue aws-cdk-lib would render', () => {
    expect(example.rule).toBeInstanceOf(events.Rule);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'to-billing',
      EventBusName: { Ref: stack.getLogicalId(example.orders.eventBus.node.defaultChild as events.CfnEventBus) },
      EventPattern: { 'detail-type': ['OrderPlaced'] },
      Targets: [
        { Id: 'Target0', Arn: stack.resolve(example.billingQueue.queueArn), DeadLetterConfig: { Arn: stack.resolve(example.billingDlq.queueArn) } },
        { Id: 'Target1', Arn: stack.resolve(example.notifyTopic.topicArn) },
      ],
    });
  });

  test('the queue\'s policy lets EventBridge send for this rule only; nothing lets it send without a condition', () => {
    const statements = policyOf(json, stack, 'AWS::SQS::QueuePolicy', example.billingQueue.queueUrl);
    expect(statements.filter(s => s.Effect === 'Allow')).toEqual([{
      Sid: 'EncryptedArchiveRuleTargets',
      Effect: 'Allow',
      Principal: EVENTS,
      Action: 'sqs:SendMessage',
      Resource: stack.resolve(example.billingQueue.queueArn),
      Condition: { ArnEquals: { 'aws:SourceArn': [RULE_ARN('to-billing')] } },
    }]);
  });

  test('the queue\'s key lets EventBridge generate and decrypt data keys, checked against this rule (SQS key management)', () => {
    expect(keyStatements(json, stack, example.billingKey).filter(s => s.Principal?.Service)).toEqual([{
      Sid: expect.stringMatching(/^SqsQueue/),
      Effect: 'Allow',
      Principal: EVENTS,
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ArnLikeIfExists: { 'aws:SourceArn': RULE_ARN('to-billing') } },
    }]);
  });

  test('the dead-letter queue\'s key gets the statement aws-cdk-lib\'s SqsQueue never writes, and its policy names the rule', () => {
    expect(keyStatements(json, stack, example.deadLetterKey).filter(s => s.Principal?.Service)).toEqual([{
      Sid: expect.stringMatching(/^SqsQueue/),
      Effect: 'Allow',
      Principal: EVENTS,
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ArnLikeIfExists: { 'aws:SourceArn': RULE_ARN('to-billing') } },
    }]);
    expect(policyOf(json, stack, 'AWS::SQS::QueuePolicy', example.billingDlq.queueUrl).filter(s => s.Effect === 'Allow')).toEqual([{
      Sid: 'EncryptedArchiveRuleDeadLetters',
      Effect: 'Allow',
      Principal: EVENTS,
      Action: 'sqs:SendMessage',
      Resource: stack.resolve(example.billingDlq.queueArn),
      Condition: { ArnEquals: { 'aws:SourceArn': [RULE_ARN('to-billing')] } },
    }]);
  });

  test('the topic\'s policy lets EventBridge publish for this rule only; its key gets the statement SNS documents (no source conditions: SNS does not support them)', () => {
    expect(policyOf(json, stack, 'AWS::SNS::TopicPolicy', example.notifyTopic.topicArn).filter(s => s.Effect === 'Allow')).toEqual([{
      Sid: 'EncryptedArchiveRuleTargets',
      Effect: 'Allow',
      Principal: EVENTS,
      Action: 'sns:Publish',
      Resource: stack.resolve(example.notifyTopic.topicArn),
      Condition: { ArnEquals: { 'aws:SourceArn': [RULE_ARN('to-billing')] } },
    }]);
    expect(keyStatements(json, stack, example.notifyKey).filter(s => s.Principal?.Service)).toEqual([{
      Sid: expect.stringMatching(/^SnsTopicEventBridge/), Effect: 'Allow', Principal: EVENTS, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*',
    }]);
  });

  test('the bus key gets nothing for the targets: its statements stay scoped to the bus\'s context', () => {
    const forTargets = keyStatements(json, stack, example.orders.encryptionKey).filter(s => /^(SqsQueue|SnsTopic)/.test(s.Sid));
    expect(forTargets).toEqual([]);
  });

  test('forms no dependency cycle: the key policies name the rule by its built ARN, never Fn::GetAtt', () => {
    expect(findCycle(json)).toBeUndefined();
    const ruleId = stack.getLogicalId(example.rule.node.defaultChild as events.CfnRule);
    for (const key of [example.billingKey, example.deadLetterKey, example.notifyKey]) {
      expect(JSON.stringify(keyStatements(json, stack, key))).not.toContain(ruleId);
    }
  });

  test('the target and dead-letter keys are watched by the key-tampering alert', () => {
    const patterns = JSON.stringify(Object.values<any>(json.Resources).filter(r => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.source?.[0] === 'aws.kms'));
    for (const key of [example.billingKey, example.notifyKey, example.deadLetterKey]) {
      expect(patterns).toContain(stack.getLogicalId(key.node.defaultChild as kms.CfnKey));
    }
  });
});

describe('EncryptedArchive.addRule: targets added later, other targets, shared queues', () => {
  test('a target added later with rule.addTarget gets the same statements', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'QueueKey', { protects: 'late messages' });
    const queue = new sqs.Queue(stack, 'Late', { encryptionMasterKey: key, enforceSSL: true });
    const rule = new EncryptedArchive(stack, 'Orders', LEAN).addRule('Later', { ruleName: 'later', eventPattern: { source: ['com.example.orders'] } });
    rule.addTarget(new targets.SqsQueue(queue, { message: events.RuleTargetInput.fromEventPath('$.detail'), retryAttempts: 3, maxEventAge: Duration.hours(2) }));
    const json = Template.fromStack(stack).toJSON();
    expect(keyStatements(json, stack, key)).toContainEqual(expect.objectContaining({ Principal: EVENTS, Condition: { ArnLikeIfExists: { 'aws:SourceArn': RULE_ARN('later') } } }));
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [{ Id: 'Target0', Arn: stack.resolve(queue.queueArn), InputPath: '$.detail', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 } }],
    });
  });

  test('rules sharing a queue share ONE queue-policy statement listing both rules', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'QueueKey', { protects: 'shared messages' });
    const queue = new sqs.Queue(stack, 'Shared', { encryptionMasterKey: key, enforceSSL: true });
    const archive = new EncryptedArchive(stack, 'Orders', LEAN);
    archive.addRule('One', { ruleName: 'one', eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(queue)] });
    archive.addRule('Two', { ruleName: 'two', eventPattern: { source: ['b'] }, targets: [new targets.SqsQueue(queue)] });
    const senders = policyOf(Template.fromStack(stack).toJSON(), stack, 'AWS::SQS::QueuePolicy', queue.queueUrl).filter(s => s.Effect === 'Allow');
    expect(senders).toHaveLength(1);
    expect(senders[0].Condition.ArnEquals['aws:SourceArn']).toEqual([RULE_ARN('one'), RULE_ARN('two')]);
  });

  test('a target aws-cdk-lib binds (a Lambda function) keeps aws-cdk-lib\'s binding; its dead-letter queue\'s key gets the statement', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered' });
    const dlq = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: key, enforceSSL: true });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    new EncryptedArchive(stack, 'Orders', LEAN).addRule('ToFn', { ruleName: 'to-fn', eventPattern: { source: ['a'] }, targets: [new targets.LambdaFunction(fn, { deadLetterQueue: dlq })] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com' });
    expect(keyStatements(template.toJSON(), stack, key)).toContainEqual(expect.objectContaining({ Principal: EVENTS, Condition: { ArnLikeIfExists: { 'aws:SourceArn': RULE_ARN('to-fn') } } }));
  });

  test('an SNS target that publishes with a role keeps aws-cdk-lib\'s binding: the role, not EventBridge\'s principal, uses the key', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'TopicKey', { protects: 'notifications' });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
    new EncryptedArchive(stack, 'Orders', LEAN).addRule('ToTopic', { eventPattern: { source: ['a'] }, targets: [new targets.SnsTopic(topic, { authorizeUsingRole: true })] });
    const json = Template.fromStack(stack).toJSON();
    expect(keyStatements(json, stack, key).filter(s => s.Principal?.Service)).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ RoleArn: Match.anyValue() })] });
  });

  test('a queue on SSE-SQS needs no key statement; an unencrypted queue neither', () => {
    const stack = testStack();
    const sse = new sqs.Queue(stack, 'Sse', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
    const plain = new sqs.Queue(stack, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED, enforceSSL: true });
    new EncryptedArchive(stack, 'Orders', LEAN).addRule('ToQueues', { ruleName: 'to-queues', eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(sse), new targets.SqsQueue(plain)] });
    const json = Template.fromStack(stack).toJSON();
    const keyPolicies = Object.values<any>(json.Resources).filter(r => r.Type === 'AWS::KMS::Key').map(r => r.Properties.KeyPolicy);
    expect(JSON.stringify(keyPolicies)).not.toContain(RULE_ARN('to-queues'));
    expect(policyOf(json, stack, 'AWS::SQS::QueuePolicy', sse.queueUrl).filter(s => s.Effect === 'Allow')).toHaveLength(1);
  });

  test('keys and queues from outside the stack get the followable warnings with the statements their owners must add', () => {
    const stack = testStack();
    const queue = sqs.Queue.fromQueueAttributes(stack, 'Remote', {
      queueArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:remote`, keyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
    new EncryptedArchive(stack, 'Orders', LEAN).addRule('ToRemote', { ruleName: 'to-remote', eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(queue)] });
    const annotations = Annotations.fromStack(stack);
    const keyWarning = annotations.findWarning('/TestStack/Orders/ToRemote', Match.stringLikeRegexp('its key policy cannot be edited here'));
    expect(keyWarning).toHaveLength(1);
    expect(String(keyWarning[0].entry.data)).toContain(`"aws:SourceArn": "${RULE_ARN('to-remote')}"`);
    expect(String(keyWarning[0].entry.data)).toContain(KEY_POLICY_STATEMENTS_REQUIRED_WARNING);
    const policyWarning = annotations.findWarning('/TestStack/Orders/ToRemote', Match.stringLikeRegexp('remote" is not defined in this app'));
    expect(policyWarning).toHaveLength(1);
    expect(String(policyWarning[0].entry.data)).toContain(TARGET_POLICY_NOT_MANAGED_WARNING);
  });

  test('a strict-mode key takes the statements too (they name no principal the strict policy would need to delegate)', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'StrictKey', { protects: 'billing', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    const queue = new sqs.Queue(stack, 'Billing', { encryptionMasterKey: key, enforceSSL: true });
    new EncryptedArchive(stack, 'Orders', LEAN).addRule('ToBilling', { ruleName: 'to-billing', eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(queue)] });
    expect(keyStatements(Template.fromStack(stack).toJSON(), stack, key)).toContainEqual(expect.objectContaining({ Principal: EVENTS }));
  });
});

describe('EncryptedArchive.addRule: targets EventBridge reaches with a role (Kinesis, Firehose, another bus)', () => {
  const stack = testStack();
  const streamKey = new EncryptionKey(stack, 'StreamKey', { protects: 'order records', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
  const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered orders' });
  const stream = new kinesis.Stream(stack, 'Stream', { streamName: 'orders', encryptionKey: streamKey });
  const managedStream = new kinesis.Stream(stack, 'ManagedStream', { encryption: kinesis.StreamEncryption.MANAGED });
  const delivery = firehose.DeliveryStream.fromDeliveryStreamArn(stack, 'Firehose', `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/orders`);
  const otherBus = events.EventBus.fromEventBusArn(stack, 'Analytics', `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/analytics`);
  const undelivered = new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: deadLetterKey, enforceSSL: true });
  const rule = new EncryptedArchive(stack, 'Orders', LEAN).addRule('Fanout', {
    ruleName: 'fanout',
    eventPattern: { source: ['com.example.orders'] },
    targets: [
      new targets.KinesisStream(stream, { partitionKeyPath: '$.detail.id', deadLetterQueue: undelivered }),
      new targets.KinesisStream(managedStream),
      new targets.FirehoseDeliveryStream(delivery),
      new targets.EventBus(otherBus, { deadLetterQueue: undelivered }),
    ],
  });
  const json = Template.fromStack(stack).toJSON();
  const roleRef = { 'Fn::GetAtt': [stack.getLogicalId(rule.node.findChild('TargetRole').node.defaultChild as iam.CfnRole), 'Arn'] };

  test('one role per rule, trusted by EventBridge for this rule and account (checked when presented), with one customer managed policy', () => {
    const role = json.Resources[stack.getLogicalId(rule.node.findChild('TargetRole').node.defaultChild as iam.CfnRole)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: EVENTS,
      Action: 'sts:AssumeRole',
      Condition: { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT }, ArnEqualsIfExists: { 'aws:SourceArn': RULE_ARN('fanout') } },
    }]);
    expect(role.Properties.Policies).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({ Id: 'Target0', RoleArn: roleRef, KinesisParameters: { PartitionKeyPath: '$.detail.id' }, DeadLetterConfig: { Arn: stack.resolve(undelivered.queueArn) } }),
        Match.objectLike({ Id: 'Target1', RoleArn: roleRef }),
        Match.objectLike({ Id: 'Target2', RoleArn: roleRef, Arn: delivery.deliveryStreamArn }),
        Match.objectLike({ Id: 'Target3', RoleArn: roleRef, Arn: otherBus.eventBusArn, DeadLetterConfig: { Arn: stack.resolve(undelivered.queueArn) } }),
      ],
    });
  });

  test('the role may put records on the streams, generate data keys for the encrypted one through Kinesis under its context, and put events on the other bus: nothing else', () => {
    const policy = Object.values<any>(json.Resources).find(r => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: stack.resolve(stream.streamArn) },
      {
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: stack.resolve(streamKey.keyArn),
        Condition: { StringEquals: { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' }, StringLike: { 'kms:EncryptionContext:aws:kinesis:arn': stack.resolve(stream.streamArn) } },
      },
      { Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: stack.resolve(managedStream.streamArn) },
      { Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: delivery.deliveryStreamArn },
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: otherBus.eventBusArn },
    ]);
  });

  test('the stream\'s key names the role (strict mode: nothing else would let it in), through Kinesis, for the stream by its built ARN', () => {
    expect(keyStatements(json, stack, streamKey).filter(s => /^KinesisStreamProducer/.test(s.Sid))).toEqual([{
      Sid: expect.stringMatching(/^KinesisStreamProducer/),
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': roleRef },
        StringEquals: { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:kinesis:arn': `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/orders` },
      },
    }]);
    expect(findCycle(json)).toBeUndefined();
  });

  test('the dead-letter queue shared by the stream and bus targets gets one statement for the rule, and its key the EventBridge statement', () => {
    expect(policyOf(json, stack, 'AWS::SQS::QueuePolicy', undelivered.queueUrl).filter(s => s.Effect === 'Allow')).toEqual([expect.objectContaining({
      Sid: 'EncryptedArchiveRuleDeadLetters', Principal: EVENTS, Condition: { ArnEquals: { 'aws:SourceArn': [RULE_ARN('fanout')] } },
    })]);
    expect(keyStatements(json, stack, deadLetterKey).filter(s => s.Principal?.Service)).toEqual([expect.objectContaining({
      Principal: EVENTS, Condition: { ArnLikeIfExists: { 'aws:SourceArn': RULE_ARN('fanout') } },
    })]);
  });

  test('an event-bus target with the user\'s own role keeps aws-cdk-lib\'s binding', () => {
    const other = testStack();
    const role = new iam.Role(other, 'Mine', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    new EncryptedArchive(other, 'Orders', LEAN).addRule('ToBus', { eventPattern: { source: ['a'] }, targets: [new targets.EventBus(events.EventBus.fromEventBusName(other, 'B', 'b'), { role })] });
    const template = Template.fromStack(other);
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } })] });
    expect(Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))).toEqual([]);
  });
});

describe('EncryptedArchive.addRule: what cannot work fails at synth, saying why', () => {
  const ARCHIVE_PATH = 'TestStack/Orders';
  type Case = [string, (stack: Stack, archive: EncryptedArchive) => void, RegExp];
  const queueOn = (stack: Stack, id: string, key: kms.IKey) => new sqs.Queue(stack, id, { encryptionMasterKey: key, enforceSSL: true });
  const cases: Case[] = [
    ['a queue on the AWS managed key (QueueEncryption.KMS_MANAGED)', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Q', { encryption: sqs.QueueEncryption.KMS_MANAGED }))],
    }), /target: got TestStack\/Q on the AWS managed key alias\/aws\/sqs; must be encrypted with a customer managed key.*events\.amazonaws\.com/],
    ['an imported queue whose key is the AWS managed key, by alias ARN', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] },
      targets: [new targets.SqsQueue(sqs.Queue.fromQueueAttributes(stack, 'Q', { queueArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`, keyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/sqs` }))],
    }), /AWS managed key alias\/aws\/sqs/],
    ['a topic on the AWS managed key alias/aws/sns', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.SnsTopic(new sns.Topic(stack, 'T', { masterKey: kms.Alias.fromAliasName(stack, 'A', 'alias/aws/sns') }))],
    }), /target: got TestStack\/T on the AWS managed key alias\/aws\/sns/],
    ['a dead-letter queue on the AWS managed key', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] },
      targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Q'), { deadLetterQueue: new sqs.Queue(stack, 'D', { encryption: sqs.QueueEncryption.KMS_MANAGED }) })],
    }), /deadLetterQueue of the target TestStack\/Q: got TestStack\/D on the AWS managed key alias\/aws\/sqs/],
    ['a stream on an asymmetric key (the verification would have refused it, naming itself)', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] },
      targets: [new targets.KinesisStream(new kinesis.Stream(stack, 'S', {
        encryption: kinesis.StreamEncryption.KMS, encryptionKey: new kms.Key(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }),
      }))],
    }), /target: got TestStack\/S on a key with keySpec RSA_2048 and keyUsage ENCRYPT_DECRYPT; must be encrypted with a symmetric encryption key/],
    ['a dead-letter queue on an HMAC key', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] },
      targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Q'), {
        deadLetterQueue: queueOn(stack, 'D', new kms.Key(stack, 'Hmac', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC })),
      })],
    }), /deadLetterQueue of the target TestStack\/Q: got TestStack\/D on a key with keySpec HMAC_256 and keyUsage GENERATE_VERIFY_MAC; must be encrypted with a symmetric/],
    ['a target on the archive\'s key', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(queueOn(stack, 'Q', archive.encryptionKey))],
    }), /target: got TestStack\/Q on the archive's key; must not be encrypted with the key of the bus and archive/],
    ['a dead-letter queue on the target\'s key', (stack, archive) => {
      const key = new EncryptionKey(stack, 'K', { protects: 'x' });
      archive.addRule('R', { eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(queueOn(stack, 'Q', key), { deadLetterQueue: queueOn(stack, 'D', key) })] });
    }, /deadLetterQueue of the target TestStack\/Q: got TestStack\/D; must not be encrypted with the target's key/],
    ['a dead-letter queue on the bus key', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.SnsTopic(new sns.Topic(stack, 'T'), { deadLetterQueue: queueOn(stack, 'D', archive.encryptionKey) })],
    }), /deadLetterQueue of the target TestStack\/T: got TestStack\/D on the archive's key/],
    ['a FIFO dead-letter queue', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Q'), { deadLetterQueue: new sqs.Queue(stack, 'D', { fifo: true }) })],
    }), /must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue/],
    ['a dead-letter queue in another region', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] },
      targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Q'), { deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'D', `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`) })],
    }), /got a queue in us-east-1; must be in the rule's region \(eu-west-1\)/],
    ['a queue of another account', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.SqsQueue(sqs.Queue.fromQueueArn(stack, 'Q', 'arn:aws:sqs:eu-west-1:999988887777:q'))],
    }), /target: got TestStack\/Q in 999988887777\/eu-west-1; must be in the archive's account and region/],
    ['a stream on the archive\'s key', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.KinesisStream(new kinesis.Stream(stack, 'S', { encryptionKey: archive.encryptionKey }))],
    }), /target: got TestStack\/S on the archive's key/],
    ['a stream of another region', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: [new targets.KinesisStream(kinesis.Stream.fromStreamArn(stack, 'S', `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`))],
    }), /target: got TestStack\/S in 111122223333\/us-east-1; must be in the archive's account and region/],
    ['a sixth target', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, targets: Array.from({ length: 6 }, (_, i) => new targets.SqsQueue(new sqs.Queue(stack, `Q${i}`))),
    }), /a rule takes at most 5 targets/],
    ['a schedule (JavaScript callers of events.RuleProps)', (_stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, schedule: events.Schedule.expression('rate(1 hour)'),
    } as any), /schedule: got a schedule; must not be given: "You can only create scheduled rules using the default event bus"/],
    ['an event bus (JavaScript callers of events.RuleProps)', (stack, archive) => archive.addRule('R', {
      eventPattern: { source: ['a'] }, eventBus: new events.EventBus(stack, 'Other'),
    } as any), /eventBus: got a bus; must not be given: the rule is on the archive's bus/],
    ['no event pattern', (_stack, archive) => archive.addRule('R', {} as any), /eventPattern: got undefined; is required/],
    ['an invalid event pattern', (_stack, archive) => archive.addRule('R', { eventPattern: { source: [] as string[] } }), /eventPattern: .*must be a valid EventBridge event pattern/],
    ['a bad rule name', (_stack, archive) => archive.addRule('R', { ruleName: 'no spaces', eventPattern: { source: ['a'] } }), /ruleName: got "no spaces"; must be 1 to 64 characters/],
    ['two rules with one name on the bus', (_stack, archive) => {
      archive.addRule('A', { ruleName: 'same', eventPattern: { source: ['a'] } });
      archive.addRule('B', { ruleName: 'same', eventPattern: { source: ['b'] } });
    }, /the EventBridge rule on the bus orders TestStack\/Orders\/A already deploys to this name/],
  ];

  test.each(cases)('%s', (_name, build, message) => {
    const stack = testStack();
    const archive = new EncryptedArchive(stack, 'Orders', LEAN);
    expect(() => build(stack, archive)).toThrow(message);
    expect(ARCHIVE_PATH).toBe(archive.node.path);
  });
});

describe('EncryptedArchive.addRule: compliance', () => {
  test('a rule to a queue, a topic, a stream and another bus, each with a dead-letter queue, has no unacknowledged cdk-nag (5 packs) or Control Tower findings', () => {
    // cdk-nag's Serverless-EventBusDLQ asks a dead-letter queue of every target: the issue's topic target has none, so
    // the compliant form gives it one. The archive is lean: its own resources are checked in encrypted-archive.test.ts.
    const app = new App();
    const stack = new Stack(app, 'Compliance', { env: TEST_ENV });
    const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered orders' });
    const dataKey = new EncryptionKey(stack, 'DataKey', { protects: 'orders', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    const deadLetters = new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: deadLetterKey, enforceSSL: true, retentionPeriod: Duration.days(14) });
    // a dead-letter queue is the end of the line: acknowledged as the library acknowledges its own
    acknowledgeDeadLetterQueue(deadLetters, 'the rule to-billing');
    const billing = new sqs.Queue(stack, 'Billing', { encryptionMasterKey: dataKey, enforceSSL: true, deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 } });
    const notify = new sns.Topic(stack, 'Notify', { masterKey: dataKey, enforceSSL: true });
    const rule = new EncryptedArchive(stack, 'Orders', LEAN).addRule('ToBilling', {
      ruleName: 'to-billing',
      eventPattern: { detailType: ['OrderPlaced'] },
      targets: [new targets.SqsQueue(billing, { deadLetterQueue: deadLetters }), new targets.SnsTopic(notify, { deadLetterQueue: deadLetters })],
    });
    rule.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Audit', { encryptionMasterKey: dataKey, enforceSSL: true, deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 } }),
      { deadLetterQueue: deadLetters }));
    const records = new kinesis.Stream(stack, 'Records', { encryptionKey: dataKey });
    // the user's choice this library exists for: a customer managed key rather than aws/kinesis
    acknowledgeEach(records, { 'AwsSolutions-KDS3': 'The stream is encrypted with a customer managed key on purpose (cdk-encrypted-constructs).' });
    rule.addTarget(new targets.KinesisStream(records, { deadLetterQueue: deadLetters }));
    rule.addTarget(new targets.EventBus(events.EventBus.fromEventBusArn(stack, 'Analytics', `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/analytics`), { deadLetterQueue: deadLetters }));
    expect(formatFindings(unacknowledgedFindings(stack))).toEqual([]);
  });
});

describe('EncryptedArchive.addRule: the deploy-time check of the targets, one verification per target key', () => {
  const stack = testStack();
  const busKey = new kms.Key(stack, 'AnalyticsKey', { enableKeyRotation: true });
  const analytics = new events.EventBus(stack, 'Analytics', { eventBusName: 'analytics', kmsKey: busKey });
  const orders = new EncryptedArchive(stack, 'Orders', { eventBusName: 'orders', archiveName: 'orders-archive', auditTrail: AuditTrail.none() });
  const otherArchive = new EncryptedArchive(stack, 'Audit', { eventBusName: 'audit', archiveName: 'audit-archive', auditTrail: AuditTrail.none() });
  const rule = orders.addRule('ToBuses', {
    ruleName: 'to-buses',
    eventPattern: { source: ['a'] },
    targets: [
      new targets.EventBus(analytics),
      new targets.EventBus(otherArchive.eventBus),
      new targets.EventBus(events.EventBus.fromEventBusArn(stack, 'Imported', `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/imported`)),
    ],
  });
  // a queue and a stream on one key, a topic on another (a kms.Key: its rotation is its owner's), one dead-letter queue
  // for all on a third; and queues the verifier cannot compare: SSE-SQS, and a key this app does not define
  const billingKey = new EncryptionKey(stack, 'BillingKey', { protects: 'billing' });
  const notifyKey = new kms.Key(stack, 'NotifyKey', { enableKeyRotation: true });
  const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered orders' });
  const billing = new sqs.Queue(stack, 'Billing', { encryptionMasterKey: billingKey, enforceSSL: true });
  const records = new kinesis.Stream(stack, 'Records', { encryptionKey: billingKey });
  const notify = new sns.Topic(stack, 'Notify', { masterKey: notifyKey, enforceSSL: true });
  const undelivered = new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: deadLetterKey, enforceSSL: true });
  const sqsManaged = new sqs.Queue(stack, 'SqsManaged', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  const foreignKey = kms.Key.fromKeyArn(stack, 'ForeignKey', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
  const foreign = new sqs.Queue(stack, 'Foreign', { encryptionMasterKey: foreignKey, enforceSSL: true });
  const toTargets = orders.addRule('ToTargets', {
    ruleName: 'to-targets',
    eventPattern: { source: ['b'] },
    targets: [
      new targets.SqsQueue(billing, { deadLetterQueue: undelivered }),
      new targets.SnsTopic(notify, { deadLetterQueue: undelivered }),
      new targets.SqsQueue(sqsManaged),
      new targets.SqsQueue(foreign),
    ],
  });
  // a target added later joins the verification of its key
  toTargets.addTarget(new targets.KinesisStream(records, { deadLetterQueue: undelivered }));
  const unverified = new EncryptedArchive(stack, 'Lean', { ...LEAN, eventBusName: 'lean', archiveName: 'lean-archive' })
    .addRule('ToAnalytics', { eventPattern: { source: ['a'] }, targets: [new targets.EventBus(analytics), new targets.SqsQueue(billing)] });
  const json = Template.fromStack(stack).toJSON();
  const verifications = Object.values<any>(json.Resources).filter(r => r.Type === 'Custom::EncryptionVerification');
  const resourceOf = (parent: events.Rule, id: string) =>
    json.Resources[stack.getLogicalId((parent.node.findChild(id) as EncryptionVerification).resource.node.defaultChild as CfnResource)];
  const properties = (parent: events.Rule, id: string, key: kms.IKey, checkRotation: boolean, resources: any[]) => ({
    ServiceToken: stack.resolve((stack.node.findChild('EncryptionVerifier').node.findChild('Function') as lambda.IFunction).functionArn),
    ServiceTimeout: '180',
    KeyArn: stack.resolve(key.keyArn),
    VerificationContext: { 'cdk-encrypted-constructs:verification': `${parent.node.path}/${id}` },
    CheckRotation: String(checkRotation),
    Resources: resources,
  });

  test('one verification, under the rule, of the bus of this stack on its own key (rotation is the key owner\'s)', () => {
    // the bus's Ref is its name, which DescribeEventBus takes
    expect(resourceOf(rule, 'TargetVerification1').Properties).toEqual(properties(rule, 'TargetVerification1', busKey, false,
      [{ Type: 'AWS::Events::EventBus', Name: stack.resolve(analytics.eventBusName) }]));
  });

  test('one verification per target key: the queue and the stream of one key together, the topic on its own, the shared dead-letter queue once', () => {
    // a queue by its URL (its Ref), a topic by its ARN (its Ref), a stream by its ARN; rotation checked on EncryptionKey only
    expect(resourceOf(toTargets, 'TargetVerification1').Properties).toEqual(properties(toTargets, 'TargetVerification1', billingKey, true, [
      { Type: 'AWS::SQS::Queue', QueueUrl: stack.resolve(billing.queueUrl) },
      { Type: 'AWS::Kinesis::Stream', StreamArn: stack.resolve(records.streamArn) },
    ]));
    expect(resourceOf(toTargets, 'TargetVerification2').Properties).toEqual(properties(toTargets, 'TargetVerification2', deadLetterKey, true,
      [{ Type: 'AWS::SQS::Queue', QueueUrl: stack.resolve(undelivered.queueUrl) }]));
    expect(resourceOf(toTargets, 'TargetVerification3').Properties).toEqual(properties(toTargets, 'TargetVerification3', notifyKey, false,
      [{ Type: 'AWS::SNS::Topic', TopicArn: stack.resolve(notify.topicArn) }]));
    expect(toTargets.node.tryFindChild('TargetVerification4')).toBeUndefined();
  });

  test('each verification waits for the resources it reads', () => {
    const dependsOn = resourceOf(toTargets, 'TargetVerification1').DependsOn;
    for (const resource of [billing, records]) expect(dependsOn).toContain(stack.getLogicalId(resource.node.defaultChild as CfnResource));
  });

  test('the verifier role may read exactly those queues, topic and stream, each once, with the call IAM authorizes on its ARN', () => {
    const statements = Object.values<any>(json.Resources)
      .filter(r => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Description === 'Permissions of the deploy-time encryption verifier')
      .flatMap(r => r.Properties.PolicyDocument.Statement)
      .filter(st => /^(sqs:GetQueueAttributes|sns:|kinesis:)/.test([st.Action].flat()[0]));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: stack.resolve(billing.queueArn) },
      { Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: stack.resolve(undelivered.queueArn) },
      { Effect: 'Allow', Action: 'sns:GetTopicAttributes', Resource: stack.resolve(notify.topicArn) },
      { Effect: 'Allow', Action: 'kinesis:DescribeStreamSummary', Resource: stack.resolve(records.streamArn) },
    ]);
  });

  test('none for an EncryptedArchive\'s bus (its own verification checks it), an imported bus, SSE-SQS, a key the app does not define, or an archive with verifyEncryption: false', () => {
    expect(rule.node.tryFindChild('TargetVerification2')).toBeUndefined();
    expect(unverified.node.tryFindChild('TargetVerification1')).toBeUndefined();
    expect(JSON.stringify(verifications)).not.toContain(stack.getLogicalId(sqsManaged.node.defaultChild as CfnResource));
    expect(JSON.stringify(verifications)).not.toContain(stack.getLogicalId(foreign.node.defaultChild as CfnResource));
    // the two archives' own verifications, the target bus's and the three target keys'
    expect(verifications).toHaveLength(6);
  });

  test('forms no dependency cycle', () => {
    expect(findCycle(json)).toBeUndefined();
  });
});
