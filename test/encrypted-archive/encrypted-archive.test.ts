import { App, Annotations as CoreAnnotations, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AuditTrail, EncryptionKey } from '../../src';
import { EncryptedArchive, EncryptedArchiveProps } from '../../src/encrypted-archive';
import { KEY_DESTROYED_DATA_KEPT_WARNING } from '../../src/encrypted-resource/removal-checks';
import { acknowledgeDeadLetterQueue } from '../../src/internal/acknowledgements';
import { KEY_POLICY_STATEMENTS_REQUIRED_WARNING } from '../../src/key/key-policy';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const ACCOUNT = TEST_ENV.account;
const BUS_ARN = (name: string) => `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/${name}`;
const ARCHIVE_ARN = (name: string) => `arn:aws:events:eu-west-1:${ACCOUNT}:archive/${name}`;
const EVENTS = { Service: 'events.amazonaws.com' };
/** Actions that USE a key for cryptography (as opposed to describing or administering it). */
const KEY_USE = /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey)/;

function orders(stack: Stack, props: EncryptedArchiveProps = {}, id = 'Orders'): EncryptedArchive {
  return new EncryptedArchive(stack, id, {
    eventBusName: 'orders',
    archiveName: 'orders-archive',
    eventPattern: { source: ['com.example.orders'] },
    retention: Duration.days(365),
    ...props,
  });
}

function keyStatements(stack: Stack, key: kms.IKey): any[] {
  const template = Template.fromStack(stack).toJSON();
  return template.Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
}

/** The one resource of a type whose logical id starts with `prefix` (the stack also holds the audit trail and verifier). */
function onlyResource(template: Template, type: string, prefix = ''): any {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix)).map(([, r]) => r);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('EncryptedArchive: a new bus and its archive', () => {
  test('creates a custom event bus and an archive, both encrypted with the construct\'s customer managed key', () => {
    const stack = testStack();
    const archive = orders(stack);
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(archive.encryptionKey.node.defaultChild as kms.CfnKey), 'Arn'] };
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'orders', KmsKeyIdentifier: keyArn });
    template.hasResourceProperties('AWS::Events::Archive', {
      ArchiveName: 'orders-archive',
      KmsKeyIdentifier: keyArn,
      RetentionDays: 365,
      EventPattern: { source: ['com.example.orders'] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersEventBus'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(archive.eventBusArn).toBe(BUS_ARN('orders'));
    expect(archive.archiveArn).toBe(ARCHIVE_ARN('orders-archive'));
    expect(archive.eventBusCreated).toBe(true);
  });

  test('the key lets events.amazonaws.com use it as the EventBridge guide documents: data keys only for this bus\'s encryption context', () => {
    const stack = testStack();
    const archive = orders(stack);
    const statements = keyStatements(stack, archive.encryptionKey).filter(s => s.Principal?.Service === 'events.amazonaws.com');
    expect(statements).toEqual([
      // "AllowEventBridgeToValidateKeyPermission": documented without conditions
      { Sid: expect.stringMatching(/^EventBridgeDescribe/), Effect: 'Allow', Principal: EVENTS, Action: 'kms:DescribeKey', Resource: '*' },
      {
        Sid: expect.stringMatching(/^EventBridgeBusAndArchive/),
        Effect: 'Allow',
        Principal: EVENTS,
        Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        Resource: '*',
        // the archive page documents only the context: which aws:SourceArn archive writes and replays present is unknown
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': BUS_ARN('orders') } },
      },
      // nothing for the bus's dead-letter queue: it is never on the bus key (see the next tests)
    ]);
  });

  test('the bus\'s dead-letter queue is on the stack\'s dead-letter key, never the bus key: EventBridge dead-letters exactly what it cannot encrypt with the bus key', () => {
    const stack = testStack();
    const archive = orders(stack);
    const deadLetterKey = SharedAlarmTopic.keyOf(stack);
    expect(archive.deadLetterQueue!.encryptionMasterKey).toBe(deadLetterKey);
    expect(archive.deadLetterQueue!.encryptionMasterKey).not.toBe(archive.encryptionKey);
    // the dead-letter key lets EventBridge encrypt dead letters: documented without conditions; the source is checked
    // if EventBridge presents one
    expect(keyStatements(stack, deadLetterKey).filter(s => s.Principal?.Service === 'events.amazonaws.com')).toContainEqual({
      Sid: expect.stringMatching(/^SqsQueue/),
      Effect: 'Allow',
      Principal: EVENTS,
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ArnLikeIfExists: { 'aws:SourceArn': expect.arrayContaining([BUS_ARN('orders')]) } },
    });
  });

  test('a dead-letter queue the user brings on the bus key is refused at synth, saying why', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'BusKey', { protects: 'orders' });
    const queue = new sqs.Queue(stack, 'Dlq', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true });
    expect(() => orders(stack, { encryptionKey: key, deadLetterQueue: queue })).toThrow(
      /deadLetterQueue: .*Dlq.*must not be encrypted with the bus key \(encryptionKey\): EventBridge sends it the events it cannot encrypt because that key is disabled or missing/);
  });

  test('grantConsumeDeadLetters lets a role read the dead letters and decrypt the encrypted events under this bus\'s context only, in strict mode too', () => {
    const stack = testStack();
    const archive = orders(stack, { keyOptions: { strictMode: true, administrators: [new iam.AccountRootPrincipal()] } });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantConsumeDeadLetters(reader);
    const readerArn = { 'Fn::GetAtt': [stack.getLogicalId(reader.node.defaultChild as iam.CfnRole), 'Arn'] };
    const root = { AWS: 'arn:aws:iam::111122223333:root' };
    expect(keyStatements(stack, archive.encryptionKey)).toContainEqual({
      Sid: expect.stringMatching(/^DecryptBusDeadLetters/),
      Effect: 'Allow',
      Principal: root,
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': BUS_ARN('orders') }, ArnEquals: { 'aws:PrincipalArn': readerArn } },
    });
    expect(keyStatements(stack, SharedAlarmTopic.keyOf(stack))).toContainEqual({
      Sid: expect.stringMatching(/^ConsumeBusDeadLetters/),
      Effect: 'Allow',
      Principal: root,
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' }, ArnEquals: { 'aws:PrincipalArn': readerArn } },
    });
  });

  test('no Allow statement in the template lets a service or role use a key without conditions, except the one SNS requires for EventBridge', () => {
    const stack = testStack();
    orders(stack);
    const template = Template.fromStack(stack).toJSON();
    const unconditioned: string[] = [];
    for (const [id, resource] of Object.entries<any>(template.Resources)) {
      const documents = [resource.Properties?.KeyPolicy, resource.Properties?.PolicyDocument].filter(Boolean);
      for (const statement of documents.flatMap((d: any) => d.Statement)) {
        const isRoot = JSON.stringify(statement.Principal ?? '').includes(':root');
        const usesKey = [statement.Action].flat().some((a: string) => KEY_USE.test(a) || a === 'kms:*');
        const describeOnly = [statement.Action].flat().every((a: string) => a === 'kms:DescribeKey');
        if (statement.Effect === 'Allow' && usesKey && !isRoot && !statement.Condition && !describeOnly) unconditioned.push(`${id} ${statement.Sid ?? ''}`);
      }
    }
    // the alert topic's own key (it protects nothing else): "Adding the aws:SourceAccount, aws:SourceArn, and
    // aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted topics"
    expect(unconditioned.map(u => u.replace(/[0-9A-F]{8}$/, ''))).toEqual(['KeyTamperingAlertKey92AC8B85 SnsTopicEventBridge']);
  });

  test('the dead-letter queue is encrypted with the stack\'s dead-letter key, TLS only, retained, and only this bus may send to it', () => {
    const stack = testStack();
    const archive = orders(stack);
    const template = Template.fromStack(stack);
    const queue = onlyResource(template, 'AWS::SQS::Queue', 'Orders');
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(SharedAlarmTopic.keyOf(stack).node.defaultChild as kms.CfnKey), 'Arn'] });
    expect(queue.Properties.MessageRetentionPeriod).toBe(1209600);
    expect(queue.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::Events::EventBus', {
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stack.getLogicalId(archive.deadLetterQueue!.node.defaultChild as sqs.CfnQueue), 'Arn'] } },
    });
    const statements = onlyResource(template, 'AWS::SQS::QueuePolicy', 'Orders').Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements.filter((s: any) => s.Effect === 'Allow')).toEqual([{
      Sid: 'EventBridgeBusDeadLetters',
      Effect: 'Allow',
      Principal: EVENTS,
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [stack.getLogicalId(archive.deadLetterQueue!.node.defaultChild as sqs.CfnQueue), 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': [BUS_ARN('orders')] } },
    }]);
  });

  test('alarms when the dead-letter queue holds an event and when a rule on the bus fails, notifying the stack\'s shared encrypted alarm topic', () => {
    const stack = testStack();
    const archive = orders(stack);
    const template = Template.fromStack(stack);
    const topic = { Ref: stack.getLogicalId(archive.alarmTopic.node.defaultChild as sns.CfnTopic) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersDeadLetterQueue'), 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{
        Id: 'expr_1',
        Expression: 'SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = \'orders\'',
        Period: 300,
        ReturnData: true,
      }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
    // the stack's shared alarm topic, on a key of its own: the archive's key holds no statement for it
    expect(archive.alarmTopic.node.path).toBe('TestStack/EncryptedConstructsAlarmTopic/Resource');
    const topicKey = (archive.alarmTopic as sns.Topic).masterKey!;
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(topicKey.node.defaultChild as kms.CfnKey), 'Arn'] } });
    expect(keyStatements(stack, topicKey)).toContainEqual(expect.objectContaining({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    }));
    expect(keyStatements(stack, archive.encryptionKey).filter(s => /^SnsTopicPublishers/.test(s.Sid ?? ''))).toEqual([]);
    expect(archive.deadLetterQueueAlarm).toBeDefined();
    expect(archive.failedInvocationsAlarm).toBeDefined();
  });

  test('one verification checks that both the bus and the archive name the key, after both exist', () => {
    const stack = testStack();
    orders(stack);
    const template = Template.fromStack(stack);
    const verification = onlyResource(template, 'Custom::EncryptionVerification');
    expect(verification.Properties.Resources).toEqual([
      { Type: 'AWS::Events::EventBus', Name: 'orders' },
      { Type: 'AWS::Events::Archive', Name: 'orders-archive' },
    ]);
    expect(verification.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^OrdersEventBus/), expect.stringMatching(/^OrdersArchive/)]));
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'events:DescribeEventBus', Resource: BUS_ARN('orders') }),
          Match.objectLike({ Action: 'events:DescribeArchive', Resource: ARCHIVE_ARN('orders-archive') }),
        ]),
      },
    });
  });

  test('the key is watched by the stack-shared audit trail, whose ARN the construct reports', () => {
    const stack = testStack();
    const archive = orders(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    expect(archive.auditTrailArn).toMatch(/^arn:aws:cloudtrail:eu-west-1:111122223333:trail\//);
  });

  test('nothing loses data by default: bus, archive, dead-letter queue and key are retained; the named bus and archive are deleted only when the deploy that created them rolls back', () => {
    const stack = testStack();
    orders(stack);
    const template = Template.fromStack(stack);
    const expected: Record<string, string> = {
      'AWS::Events::EventBus': 'RetainExceptOnCreate',
      'AWS::Events::Archive': 'RetainExceptOnCreate',
      'AWS::SQS::Queue': 'Retain',
      'AWS::KMS::Key': 'Retain',
    };
    for (const [type, deletionPolicy] of Object.entries(expected)) {
      const own = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith('Orders'));
      expect(own).toHaveLength(1);
      for (const [id, resource] of own) expect([id, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([id, deletionPolicy, 'Retain']);
    }
  });

  test('without a pattern every event is archived; without names the names come from the construct path; retention defaults to indefinite', () => {
    const stack = testStack();
    const archive = new EncryptedArchive(stack, 'All');
    const template = Template.fromStack(stack);
    const resource = onlyResource(template, 'AWS::Events::Archive');
    expect(resource.Properties.EventPattern).toBeUndefined();
    expect(resource.Properties.RetentionDays).toBe(0);
    expect(archive.eventBusName).toMatch(/^TestStack-All-[0-9A-F]{8}$/);
    expect(archive.archiveName.length).toBeLessThanOrEqual(48);
    expect(archive.eventBusArn).toBe(BUS_ARN(archive.eventBusName));
  });

  test('Match helpers and detailType render as EventBridge expects', () => {
    const stack = testStack();
    orders(stack, { eventPattern: { detailType: ['OrderPlaced'], detail: { total: events.Match.greaterThan(100), region: events.Match.prefix('eu-') } } });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { 'detail-type': ['OrderPlaced'], 'detail': { total: [{ numeric: ['>', 100] }], region: [{ prefix: 'eu-' }] } },
    });
  });

  test('grantStartReplay gives exactly StartReplay on this archive, its bus and replays, and DescribeReplay on replays', () => {
    const stack = testStack();
    const archive = orders(stack);
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantStartReplay(operator);
    const policy = onlyResource(Template.fromStack(stack), 'AWS::IAM::Policy');
    expect(policy.Properties.Roles).toEqual([{ Ref: stack.getLogicalId(operator.node.defaultChild as iam.CfnRole) }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:StartReplay',
        Resource: [ARCHIVE_ARN('orders-archive'), BUS_ARN('orders'), `arn:aws:events:eu-west-1:${ACCOUNT}:replay/*`],
      },
      { Effect: 'Allow', Action: 'events:DescribeReplay', Resource: `arn:aws:events:eu-west-1:${ACCOUNT}:replay/*` },
    ]);
  });

  test('producers are granted PutEvents on the bus itself', () => {
    const stack = testStack();
    const archive = orders(stack);
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    archive.eventBus.grantPutEventsTo(producer);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersEventBus'), 'Arn'] } })] },
    });
  });

  test('forms no dependency cycle: the key policy names the bus and archive by built ARNs, never Fn::GetAtt', () => {
    const stack = testStack();
    const archive = orders(stack);
    const template = (stack.node.root as App).synth().getStackArtifact(stack.artifactId).template;
    expect(findCycle(template)).toBeUndefined();
    // aws-cdk-lib's own check: Template.fromStack refuses a template with a cyclical dependency.
    expect(() => Template.fromStack(stack)).not.toThrow();
    const keyId = stack.getLogicalId(archive.encryptionKey.node.defaultChild as kms.CfnKey);
    const busId = stack.getLogicalId(archive.eventBus.node.defaultChild as events.CfnEventBus);
    const archiveId = stack.getLogicalId(archive.archive.node.defaultChild as events.CfnArchive);
    const keyJson = JSON.stringify(template.Resources[keyId]);
    expect(keyJson).not.toContain(busId);
    expect(keyJson).not.toContain(archiveId);
  });

  test('synthesis is deterministic', () => {
    const render = () => {
      const stack = testStack();
      orders(stack);
      return JSON.stringify(Template.fromStack(stack).toJSON());
    };
    expect(render()).toEqual(render());
  });

  test('default configuration snapshot', () => {
    const stack = testStack();
    new EncryptedArchive(stack, 'Orders', { eventPattern: { source: ['com.example.orders'] }, retention: Duration.days(365) });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('EncryptedArchive: choices the user makes', () => {
  test('a key the user brings in this stack gets the statements; the construct creates none', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'TeamKey', { protects: 'orders' });
    const archive = orders(stack, { encryptionKey: key });
    expect(archive.encryptionKey).toBe(key);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 4); // the team key, the audit trail's, the verifier's and the shared alarm topic's
    expect(keyStatements(stack, key)).toContainEqual(expect.objectContaining({
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': BUS_ARN('orders') } },
    }));
  });

  test('an imported key is never edited: an acknowledgeable warning lists the statements for its owner', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/abcd');
    orders(stack, { encryptionKey: key });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Orders', Match.stringLikeRegexp('cannot be edited here'));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    expect(text).toContain('the EventBridge event bus orders, its archive orders-archive');
    expect(text).toContain(`"kms:EncryptionContext:aws:events:event-bus:arn": "${BUS_ARN('orders')}"`);
    expect(text).toContain(KEY_POLICY_STATEMENTS_REQUIRED_WARNING);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', { KmsKeyIdentifier: 'arn:aws:kms:eu-west-1:111122223333:key/abcd' });
  });

  test('a dead-letter queue the user brings gets the queue policy, and its own key gets the SQS statement', () => {
    const stack = testStack();
    const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'dead letters' });
    const queue = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: queueKey, enforceSSL: true });
    const topic = new sns.Topic(stack, 'Ops');
    const archive = orders(stack, { deadLetterQueue: queue, alarmTopic: topic });
    expect(archive.deadLetterQueue).toBe(queue);
    expect(archive.alarmTopic).toBe(topic);
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).filter(id => id.startsWith('Orders'))).toEqual([]);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EventBridgeBusDeadLetters', Condition: { ArnEquals: { 'aws:SourceArn': [BUS_ARN('orders')] } } })]) },
    });
    expect(keyStatements(stack, queueKey)).toContainEqual(expect.objectContaining({ Principal: EVENTS, Sid: expect.stringMatching(/^SqsQueue/) }));
    expect(keyStatements(stack, archive.encryptionKey).filter(s => /^(SqsQueue|SnsTopicPublishers)/.test(s.Sid ?? ''))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::SNS::Topic')).filter(id => id.startsWith('Orders'))).toEqual([]);
  });

  test('buses sharing a dead-letter queue share ONE queue-policy statement listing every bus (SQS: 20 statements, 8,192 bytes)', () => {
    const stack = testStack();
    const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'dead letters' });
    const queue = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: queueKey, enforceSSL: true });
    const names = Array.from({ length: 25 }, (_, i) => `orders-${i}`);
    names.forEach(name => orders(stack, { deadLetterQueue: queue, eventBusName: name, archiveName: `${name}-archive`, verifyEncryption: false }, `Orders${name}`));
    const statements: any[] = Object.values<any>(Template.fromStack(stack).findResources('AWS::SQS::QueuePolicy'))
      .find(p => JSON.stringify(p.Properties.Queues) === JSON.stringify([stack.resolve(queue.queueUrl)])).Properties.PolicyDocument.Statement;
    const senders = statements.filter(s => s.Action === 'sqs:SendMessage' && s.Effect === 'Allow');
    expect(senders).toHaveLength(1);
    expect(senders[0].Condition.ArnEquals['aws:SourceArn']).toEqual(names.map(BUS_ARN));
    expect(statements.length).toBeLessThanOrEqual(20);
    expect(new Set(statements.map(s => s.Sid)).size).toBe(statements.length);
    expect(JSON.stringify(statements).length).toBeLessThan(8_192);
  });

  test('a dead-letter queue from outside the stack gets a warning with the queue statement its owner must add', () => {
    const stack = testStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Remote', `arn:aws:sqs:eu-west-1:${ACCOUNT}:remote-dlq`);
    orders(stack, { deadLetterQueue: queue });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Orders', Match.stringLikeRegexp('remote-dlq is not defined in this stack'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain(`"aws:SourceArn": "${BUS_ARN('orders')}"`);
  });

  test('removalPolicy applies to the bus, the archive and the dead-letter queue', () => {
    const stack = testStack();
    orders(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::Events::EventBus', 'AWS::Events::Archive']) {
      expect(onlyResource(template, type).DeletionPolicy).toBe('Delete');
    }
    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete', Properties: { MessageRetentionPeriod: 1209600 } });
  });

  test('verification and the audit trail can be turned off', () => {
    const stack = testStack();
    const archive = orders(stack, { verifyEncryption: false, auditTrail: AuditTrail.none() });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::EncryptionVerification', 0);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(archive.verification).toBeUndefined();
    expect(archive.auditTrailArn).toBeUndefined();
  });
});

describe('EncryptedArchive: an existing bus', () => {
  test('an imported bus is archived with the key, keeps its own encryption (with a warning), and only the archive is verified', () => {
    const stack = testStack();
    const bus = events.EventBus.fromEventBusName(stack, 'Shared', 'shared');
    const archive = new EncryptedArchive(stack, 'Orders', { eventBus: bus, archiveName: 'shared-archive' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).filter(id => id.startsWith('Orders'))).toEqual([]);
    template.hasResourceProperties('AWS::Events::Archive', { KmsKeyIdentifier: Match.anyValue(), SourceArn: Match.anyValue() });
    expect(archive.eventBusCreated).toBe(false);
    expect(archive.eventBusArn).toBe(BUS_ARN('shared'));
    expect(archive.deadLetterQueue).toBeUndefined();
    expect(archive.deadLetterQueueAlarm).toBeUndefined();
    expect(archive.metricDeadLetterQueueDepth()).toBeUndefined();
    expect(keyStatements(stack, archive.encryptionKey)).toContainEqual(expect.objectContaining({
      Sid: expect.stringMatching(/^EventBridgeBusAndArchive/),
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': BUS_ARN('shared') } },
    }));
    expect(onlyResource(template, 'Custom::EncryptionVerification').Properties.Resources).toEqual([{ Type: 'AWS::Events::Archive', Name: 'shared-archive' }]);
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Orders', Match.stringLikeRegexp('was not created by this construct'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('aws events update-event-bus --name shared --kms-key-identifier');
    expect(String(warnings[0].entry.data)).toContain(`[ack: ${EncryptedArchive.EXISTING_EVENT_BUS_WARNING}]`);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: Match.stringLikeRegexp("WHERE EventBusName = 'shared'") })],
    });
  });

  test('the default bus: rules report RuleName only, so the failed-invocations query has no bus dimension', () => {
    const stack = testStack();
    new EncryptedArchive(stack, 'Default', { eventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'default') });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: 'SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName)' })],
    });
  });

  test('a bus of this stack on the same key: statements name its literal ARN, no warning, no dependency cycle', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'SharedKey', { protects: 'payments' });
    const bus = new events.EventBus(stack, 'Payments', { kmsKey: key });
    const archive = new EncryptedArchive(stack, 'Archive', { eventBus: bus, encryptionKey: key, archiveName: 'payments' });
    const template = Template.fromStack(stack).toJSON();
    expect(findCycle(template)).toBeUndefined();
    expect(archive.eventBusArn).toBe(BUS_ARN('TestStackPaymentsCDF72B95'));
    expect(keyStatements(stack, key)).toContainEqual(expect.objectContaining({
      Sid: expect.stringMatching(/^EventBridgeBusAndArchive/),
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': archive.eventBusArn } },
    }));
    expect(Annotations.fromStack(stack).findWarning('/TestStack/Archive', Match.stringLikeRegexp('was not created by this construct'))).toHaveLength(0);
  });

  test('a bus of this stack on another key gets the warning', () => {
    const stack = testStack();
    const bus = new events.EventBus(stack, 'Plain', { eventBusName: 'plain' });
    new EncryptedArchive(stack, 'Archive', { eventBus: bus });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Archive', Match.stringLikeRegexp('was not created by this construct'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain('Set its KmsKeyIdentifier');
  });
});

describe('EncryptedArchive: bad input fails at synth time', () => {
  const otherRegionBus = (stack: Stack) => events.EventBus.fromEventBusArn(stack, 'Far', 'arn:aws:events:us-east-1:111122223333:event-bus/far');
  test.each<[string, (stack: Stack) => EncryptedArchiveProps, RegExp]>([
    ['retention in hours', () => ({ retention: Duration.hours(36) }), /retention: got 1\.5 days; must be a whole number of days from 0 \(keep events indefinitely\) to 2147483647/],
    ['retention too long', () => ({ retention: Duration.days(2_147_483_648) }), /retention: got 2147483648 days; must be a whole number of days/],
    ['empty event pattern', () => ({ eventPattern: {} }), /eventPattern: got \{\}; must be a valid EventBridge event pattern \(eventPattern: must be a non-empty object of fields\)/],
    ['empty value array', () => ({ eventPattern: { source: [] } }), /eventPattern: got \{"source":\[\]\}; .*eventPattern\.source: an array of values must not be empty/],
    ['scalar where an array belongs', () => ({ eventPattern: { detail: { status: 'PAID' } } }), /eventPattern\.detail\.status: got "PAID"; a field must map to an array of values or to a nested object/],
    ['unknown content filter', () => ({ eventPattern: { detail: { total: [{ between: [1, 2] }] } } }), /eventPattern\.detail\.total\[0\]: got \{"between":\[1,2\]\}; a content filter has exactly one of prefix, suffix/],
    ['exists with a string', () => ({ eventPattern: { detail: { id: [{ exists: 'yes' }] } } }), /eventPattern\.detail\.id\[0\]: "exists" takes true or false/],
    ['archive name too long', () => ({ archiveName: 'a'.repeat(49) }), /archiveName: got "a{49}"; must be 1 to 48 characters of letters, digits/],
    ['archive name characters', () => ({ archiveName: 'orders archive' }), /archiveName: got "orders archive"; must be 1 to 48 characters/],
    ['bus name with a slash', () => ({ eventBusName: 'aws.partner/x' }), /eventBusName: got "aws.partner\/x"; must be 1 to 256 characters of letters, digits/],
    ['bus named default', () => ({ eventBusName: 'default' }), /eventBusName: got "default"; must not be "default": the default bus exists in every account/],
    ['description too long', () => ({ description: 'x'.repeat(513) }), /description: got 513 characters; must be at most 512 characters/],
    ['bus name with an existing bus', (s) => ({ eventBus: events.EventBus.fromEventBusName(s, 'B', 'b'), eventBusName: 'c' }), /eventBusName: got "c"; must not be given together with eventBus/],
    ['dead-letter queue with an existing bus', (s) => ({ eventBus: events.EventBus.fromEventBusName(s, 'B', 'b'), deadLetterQueue: new sqs.Queue(s, 'Q') }), /deadLetterQueue: got a queue; must not be given together with eventBus/],
    ['a FIFO dead-letter queue', (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Fifo', { fifo: true }) }), /deadLetterQueue: got "[^"]*"; must be a standard queue: EventBridge cannot use a FIFO queue/],
    ['an event pattern over 4096 characters', () => ({ eventPattern: { source: Array.from({ length: 400 }, (_, i) => `com.example.source${i}`) } }), /eventPattern: got \d+ characters of JSON; must be at most 4096 characters/],
    ['a bus in another region', (s) => ({ eventBus: otherRegionBus(s) }), /eventBus: got a bus in 111122223333\/us-east-1; must be in the stack's account and region \(111122223333\/eu-west-1\)/],
    ['a bus name with the reserved prefix aws.', () => ({ eventBusName: 'aws.orders' }), /eventBusName: got "aws\.orders"; must not start with "aws\." \(reserved for partner event buses\)/],
    ['a numeric filter with an unknown operator', () => ({ eventPattern: { detail: { total: [{ numeric: ['>', 0, '!=', 5] }] } } }),
      /eventPattern\.detail\.total\[0\]: "numeric" takes operator and number pairs such as \[">", 0, "<=", 5\]; got the operator "!="/],
    ['a numeric filter with a string operand', () => ({ eventPattern: { detail: { total: [{ numeric: ['>', '10'] }] } } }), /got the operand "10" \(a number from -5e9 to 5e9\)/],
    ['a numeric filter beyond 5e9', () => ({ eventPattern: { detail: { total: [{ numeric: ['<', 5e9 + 1] }] } } }), /got the operand 5000000001 \(a number from -5e9 to 5e9\)/],
    ['a numeric filter below -5e9', () => ({ eventPattern: { detail: { total: [{ numeric: ['>', -5e9 - 0.5] }] } } }), /got the operand -5000000000.5 \(a number from -5e9 to 5e9\)/],
    ['a numeric filter with an odd length', () => ({ eventPattern: { detail: { total: [{ numeric: ['>', 0, '<'] }] } } }), /"numeric" takes operator and number pairs/],
    ['a prefix filter with a number', () => ({ eventPattern: { source: [{ prefix: 5 }] } }), /eventPattern\.source\[0\]: "prefix" takes a string, or \{ "equals-ignore-case": "<string>" \}; got 5/],
    ['a cidr filter that is not CIDR', () => ({ eventPattern: { detail: { ip: [{ cidr: '10.0.0.300/24' }] } } }), /eventPattern\.detail\.ip\[0\]: "cidr" takes an IPv4 or IPv6 block in CIDR notation/],
    ['a cidr filter without a prefix length', () => ({ eventPattern: { detail: { ip: [{ cidr: '10.0.0.0' }] } } }), /"cidr" takes an IPv4 or IPv6 block/],
    ['an AWS managed key', (s) => ({ encryptionKey: kms.Key.fromKeyArn(s, 'Managed', 'arn:aws:kms:eu-west-1:111122223333:alias/aws/events') }),
      /encryptionKey: got "arn:aws:kms:eu-west-1:111122223333:alias\/aws\/events"; must be a customer managed key/],
    ['a kms.Alias instead of its key', (s) => ({ encryptionKey: new kms.Alias(s, 'Alias', { aliasName: 'alias/orders', targetKey: new kms.Key(s, 'K', { enableKeyRotation: true }) }) }),
      /encryptionKey: got an alias; must be the key itself, not an alias/],
    ['a key with rotation off while the verification requires it', (s) => ({ encryptionKey: new kms.Key(s, 'NoRotation') }),
      /encryptionKey: got a key with rotation off; the deploy-time verification requires rotation/],
    ['null props (JavaScript)', () => null as any, /props: got null; must be an object/],
    ['a null event pattern (JavaScript)', () => ({ eventPattern: null as any }), /eventPattern: got null; omit the prop instead/],
    ['a string where an event bus belongs (JavaScript)', () => ({ eventBus: 'orders' as any }), /eventBus: got string; must be an events.IEventBus/],
  ])('rejects %s, naming the construct path and the prop', (_name, props, message) => {
    const stack = testStack();
    expect(() => new EncryptedArchive(stack, 'Orders', props(stack))).toThrow(message);
    const other = testStack();
    expect(() => new EncryptedArchive(other, 'Orders2', props(other))).toThrow(/invalid props for TestStack\/Orders2:/);
  });

  test('a key deleted with the stack while the archive and the dead letters are kept is warned about (acknowledgeable)', () => {
    const warningsOn = (archive: EncryptedArchive) => {
      const carrier = archive.node.findChild('Resource');
      expect(carrier.node.validate()).toEqual([]);
      return carrier.node.metadata.filter(m => m.type === 'aws:cdk:warning' && String(m.data).includes(`[ack: ${KEY_DESTROYED_DATA_KEPT_WARNING}]`)).map(m => String(m.data));
    };
    const stack = testStack();
    const kept = new EncryptedArchive(stack, 'Kept', { keyOptions: { removalPolicy: RemovalPolicy.DESTROY } });
    expect(warningsOn(kept)).toEqual([expect.stringContaining(
      'The key TestStack/Kept/Key is deleted with the stack (removal policy DESTROY), but the archive\'s events (removal policy RETAIN_ON_UPDATE_OR_DELETE) and the bus dead-letter queue\'s events (removal policy RETAIN) will be kept.')]);
    expect(warningsOn(new EncryptedArchive(stack, 'Default'))).toEqual([]);
    expect(warningsOn(new EncryptedArchive(stack, 'AllGone', { keyOptions: { removalPolicy: RemovalPolicy.DESTROY }, removalPolicy: RemovalPolicy.DESTROY }))).toEqual([]);
    const acknowledged = new EncryptedArchive(stack, 'Acknowledged', { keyOptions: { removalPolicy: RemovalPolicy.DESTROY } });
    CoreAnnotations.of(acknowledged).acknowledgeWarning(KEY_DESTROYED_DATA_KEPT_WARNING, 'a test bus');
    expect(warningsOn(acknowledged).filter(w => !w.includes('acknowledged'))).toEqual([]);
  });

  test('null in an event pattern is a value, not a mistake: it matches null fields', () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html#eb-filtering-null-values
    expect(() => new EncryptedArchive(testStack(), 'Orders', { eventPattern: { detail: { coupon: [null as any] } } })).not.toThrow();
  });

  test('the new rules accept their boundaries: numeric at ±5e9, prefix ignoring case, IPv4 and IPv6 blocks, a rotating key', () => {
    const stack = testStack();
    expect(() => new EncryptedArchive(stack, 'Orders', {
      eventBusName: 'awsome-orders',
      eventPattern: {
        source: [{ prefix: { 'equals-ignore-case': 'COM.Example' } } as any],
        detail: {
          total: [{ numeric: ['>=', -5e9, '<=', 5e9] }],
          ip: [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }, { cidr: '0.0.0.0/0' }],
          status: [{ 'equals-ignore-case': 'paid' }, { wildcard: 'p*d' }, { suffix: '.png' }],
        },
      },
      encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    })).not.toThrow();
  });

  test('a numeric operand or operator from a CfnParameter is left to EventBridge (tokens are never rejected)', () => {
    const stack = testStack();
    const bound = new CfnParameter(stack, 'Bound', { type: 'Number' });
    const op = new CfnParameter(stack, 'Op', { type: 'String' });
    expect(() => new EncryptedArchive(stack, 'Orders', {
      eventPattern: { detail: { total: [{ numeric: ['>', bound.valueAsNumber, op.valueAsString, 5e9] }] } },
    })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { detail: { total: [{ numeric: ['>', { Ref: 'Bound' }, { Ref: 'Op' }, 5e9] }] } },
    });
  });

  test('two archives or buses of one stack with one name fail at synth, naming both paths', () => {
    const stack = testStack();
    new EncryptedArchive(stack, 'First', { eventBusName: 'orders', archiveName: 'orders' });
    expect(() => new EncryptedArchive(stack, 'Second', { eventBusName: 'orders', archiveName: 'orders' })).toThrow([
      'invalid props for TestStack/Second:',
      '  - eventBusName: got "orders"; the EventBridge event bus TestStack/First already deploys to this name in the same stack: CloudFormation would fail on the second one; give each a name of its own',
      '  - archiveName: got "orders"; the EventBridge archive TestStack/First already deploys to this name in the same stack',
    ].join('\n'));
    expect(() => new EncryptedArchive(stack, 'Third', { eventBusName: 'orders-2', archiveName: 'orders-2' })).not.toThrow();
  });

  test('reports every bad prop at once', () => {
    const stack = testStack();
    expect(() => new EncryptedArchive(stack, 'Orders', { archiveName: '', retention: Duration.hours(1), description: 'x'.repeat(600) }))
      .toThrow(/archiveName: got "".*\n.*description: got 600 characters.*\n.*retention: got 0\.0416/);
  });

  test('values known only at deploy time are left to CloudFormation', () => {
    const stack = testStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => new EncryptedArchive(stack, 'Orders', { archiveName: name, eventBusName: name, description: name })).not.toThrow();
  });
});

describe('EncryptedArchive: compliance', () => {
  test('has no unacknowledged cdk-nag (5 packs) or Control Tower findings, default and fullest configuration', () => {
    const app = new App();
    const stack = new Stack(app, 'Compliance', { env: TEST_ENV });
    new EncryptedArchive(stack, 'Default');
    const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'dead letters' });
    const key = new EncryptionKey(stack, 'TeamKey', { protects: 'orders', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    const userDeadLetterQueue = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: queueKey, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(userDeadLetterQueue, 'the Fullest event bus'); // the user's queue, acknowledged as the library does its own
    new EncryptedArchive(stack, 'Fullest', {
      encryptionKey: key,
      eventBusName: 'orders',
      archiveName: 'orders-archive',
      description: 'Orders, kept for a year for replay',
      eventPattern: { 'source': ['com.example.orders'], 'detail-type': ['OrderPlaced'], 'detail': { total: events.Match.greaterThan(0) } } as events.EventPattern,
      retention: Duration.days(365),
      deadLetterQueue: userDeadLetterQueue,
      alarmTopic: new sns.Topic(stack, 'Ops', { masterKey: queueKey, enforceSSL: true }),
      logging: { level: events.Level.TRACE },
    });
    new EncryptedArchive(stack, 'Existing', { eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared') });
    expect(formatFindings(unacknowledgedFindings(stack))).toEqual([]);
  });
});
