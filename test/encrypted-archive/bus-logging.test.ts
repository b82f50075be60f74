import { Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionKey, KeyPolicyStatements } from '../../src';
import { BusLogDestination, EncryptedArchive, EncryptedArchiveProps } from '../../src/encrypted-archive';
import { KEY_POLICY_STATEMENTS_REQUIRED_WARNING } from '../../src/key/key-policy';
import { busLogTypes } from '../../src/services/events/bus-logs';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';
import { TEST_ENV, testStack } from '../support/fixtures';

const ACCOUNT = TEST_ENV.account;
const BUS_ARN = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/orders`;
const LOG_GROUP_NAME = '/aws/vendedlogs/events/event-bus/orders';
const LOG_GROUP_ARN = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${LOG_GROUP_NAME}`;
const LOGS_CONTEXT = { StringLike: { 'kms:EncryptionContext:SourceArn': `arn:aws:logs:eu-west-1:${ACCOUNT}:*` } };

function orders(stack: Stack, props: EncryptedArchiveProps = {}): EncryptedArchive {
  return new EncryptedArchive(stack, 'Orders', { eventBusName: 'orders', ...props });
}

function keyPolicy(template: Template, stack: Stack, key: kms.IKey): any[] {
  return template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
}

/** The archive built from `props` in a new stack is refused with the library's message for it, matching `message`. */
function expectRefusal(props: (stack: Stack) => EncryptedArchiveProps, message: RegExp): void {
  const stack = testStack();
  let thrown = 'nothing thrown';
  try {
    orders(stack, props(stack));
  } catch (e) {
    thrown = (e as Error).message;
  }
  expect(thrown).toMatch(/^invalid props for TestStack\/Orders:\n/);
  expect(thrown).toMatch(message);
}

const keyArnOf = (stack: Stack, key: kms.IKey) => ({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] });

describe('EncryptedArchive logging: a bus logging at ERROR (the defaults)', () => {
  const stack = testStack();
  const archive = orders(stack, { logging: { level: events.Level.ERROR } });
  const template = Template.fromStack(stack);
  const deadLetterKey = SharedAlarmTopic.keyOf(stack);

  test('the bus logs errors without event detail', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'orders', LogConfig: { Level: 'ERROR', IncludeDetail: 'NONE' } });
  });

  test('the log group is named as the console names it, kept a year, on the stack\'s dead-letter key (never the bus key), and retained', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: LOG_GROUP_NAME } });
    expect(Object.values(groups)).toEqual([expect.objectContaining({
      Properties: expect.objectContaining({ LogGroupName: LOG_GROUP_NAME, RetentionInDays: 365, KmsKeyId: keyArnOf(stack, deadLetterKey) }),
      DeletionPolicy: 'RetainExceptOnCreate',
    })]);
    expect(keyArnOf(stack, deadLetterKey)).not.toEqual(keyArnOf(stack, archive.encryptionKey));
    expect(archive.logGroup?.node.path).toBe('TestStack/Orders/LogGroup');
  });

  test('the log group\'s own resource policy lets only the log delivery service write, only for this account\'s delivery sources', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: LOG_GROUP_NAME,
      ResourcePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AWSLogDeliveryWrite',
          Effect: 'Allow',
          Principal: { Service: 'delivery.logs.amazonaws.com' },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${LOG_GROUP_ARN}:log-stream:*`,
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:logs:eu-west-1:${ACCOUNT}:*` } },
        }],
      },
    });
    // an account-level policy counts against CloudWatch Logs' ten per account and region: none is created
    template.resourceCountIs('AWS::Logs::ResourcePolicy', 0);
  });

  test('one delivery source (ERROR_LOGS) for the bus, one destination for the log group, one delivery between them', () => {
    const sources = template.findResources('AWS::Logs::DeliverySource');
    expect(Object.values(sources).map(s => s.Properties)).toEqual([{ Name: expect.stringMatching(/^[\w-]{1,60}$/), LogType: 'ERROR_LOGS', ResourceArn: BUS_ARN }]);
    const [sourceId] = Object.keys(sources);
    // the source names the bus by a built ARN: it must wait for the bus
    expect(sources[sourceId].DependsOn).toEqual([stack.getLogicalId(archive.eventBus.node.defaultChild as events.CfnEventBus)]);
    const destinations = template.findResources('AWS::Logs::DeliveryDestination');
    expect(Object.values(destinations).map(d => d.Properties)).toEqual([{ Name: expect.stringMatching(/^[\w-]{1,60}$/), DestinationResourceArn: LOG_GROUP_ARN }]);
    const [destinationId] = Object.keys(destinations);
    expect(destinations[destinationId].DependsOn).toEqual([stack.getLogicalId(archive.logGroup!.node.defaultChild as logs.CfnLogGroup)]);
    template.resourcePropertiesCountIs('AWS::Logs::Delivery', { DeliverySourceName: { Ref: sourceId }, DeliveryDestinationArn: { 'Fn::GetAtt': [destinationId, 'Arn'] } }, 1);
    template.resourceCountIs('AWS::Logs::Delivery', 1);
  });

  test('the bus key lets EventBridge encrypt the records in transit and log delivery decrypt them, only under CloudWatch Logs\' context of this account', () => {
    const statements = keyPolicy(template, stack, archive.encryptionKey).filter(s => /BusLogs/.test(s.Sid));
    expect(statements).toEqual([
      { Sid: expect.stringMatching(/^EventBridgeBusLogs/), Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'kms:GenerateDataKey', Resource: '*', Condition: LOGS_CONTEXT },
      {
        Sid: expect.stringMatching(/^LogDeliveryBusLogs/),
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: LOGS_CONTEXT,
      },
    ]);
    // the log group's statement is on its own key, not on the bus key
    expect(keyPolicy(template, stack, archive.encryptionKey).filter(s => JSON.stringify(s).includes('aws:logs:arn'))).toEqual([]);
  });

  test('the log group\'s key lets CloudWatch Logs use it only for this log group', () => {
    const statements = keyPolicy(template, stack, deadLetterKey).filter(s => s.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'] === LOG_GROUP_ARN);
    expect(statements).toEqual([{
      Sid: expect.stringMatching(/^CloudWatchLogs/),
      Effect: 'Allow',
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': LOG_GROUP_ARN } },
    }]);
  });

  test('without full detail there is no detail warning', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(EncryptedArchive.BUS_LOG_DETAIL_WARNING))).toHaveLength(0);
  });
});

describe('EncryptedArchive logging: levels, detail and keys', () => {
  test.each([
    [events.Level.ERROR, ['ERROR_LOGS']],
    [events.Level.INFO, ['ERROR_LOGS', 'INFO_LOGS']],
    [events.Level.TRACE, ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS']],
    [events.Level.OFF, []],
  ])('a bus at %s writes the log types %j (one delivery source each)', (level, types) => {
    expect(busLogTypes(level)).toEqual(types);
  });

  test('TRACE with full detail: three sources delivered one after the other to the one destination, and a warning that payloads reach the log group', () => {
    const stack = testStack();
    orders(stack, { logging: { level: events.Level.TRACE, includeDetail: events.IncludeDetail.FULL, retention: logs.RetentionDays.TWO_YEARS } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { LogConfig: { Level: 'TRACE', IncludeDetail: 'FULL' } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: LOG_GROUP_NAME, RetentionInDays: 731 });
    const sources = template.findResources('AWS::Logs::DeliverySource');
    expect(Object.values(sources).map(s => s.Properties.LogType)).toEqual(['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS']);
    const names = Object.values(sources).map(s => s.Properties.Name);
    expect(new Set(names).size).toBe(3);
    const deliveries = template.findResources('AWS::Logs::Delivery');
    expect(Object.values(deliveries).map(d => d.Properties.DeliverySourceName)).toEqual(Object.keys(sources).map(id => ({ Ref: id })));
    const ids = Object.keys(deliveries);
    expect(ids.map(id => deliveries[id].DependsOn)).toEqual([undefined, [ids[0]], [ids[1]]]);
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Orders', Match.stringLikeRegexp('includeDetail FULL'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain(EncryptedArchive.BUS_LOG_DETAIL_WARNING);
  });

  test('the detail warning can be acknowledged', () => {
    const stack = testStack();
    const archive = orders(stack, { logging: { level: events.Level.ERROR, includeDetail: events.IncludeDetail.FULL } });
    CoreAnnotations.of(archive).acknowledgeWarning(EncryptedArchive.BUS_LOG_DETAIL_WARNING, 'payloads hold no personal data');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('includeDetail FULL'))).toHaveLength(0);
  });

  test('a log key of the stack gets the CloudWatch Logs statement; an imported one is named in a warning with the statement its owner must add', () => {
    const stack = testStack();
    const logKey = new EncryptionKey(stack, 'LogKey', { protects: 'bus logs' });
    orders(stack, { logging: { level: events.Level.ERROR, encryptionKey: logKey } });
    const imported = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    new EncryptedArchive(stack, 'Payments', { eventBusName: 'payments', logging: { level: events.Level.ERROR, encryptionKey: imported } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: LOG_GROUP_NAME, KmsKeyId: keyArnOf(stack, logKey) });
    expect(keyPolicy(template, stack, logKey).filter(s => s.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'] === LOG_GROUP_ARN)).toHaveLength(1);
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Payments', Match.stringLikeRegexp('cannot be edited here'));
    const text = warnings.map(w => String(w.entry.data)).join('\n');
    expect(text).toContain(KEY_POLICY_STATEMENTS_REQUIRED_WARNING);
    expect(text).toContain('/aws/vendedlogs/events/event-bus/payments');
  });

  test('an imported bus key gets no statement here: the warning lists the two bus-log statements its owner must add', () => {
    const stack = testStack();
    const busKey = kms.Key.fromKeyArn(stack, 'BusKey', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    orders(stack, { encryptionKey: busKey, logging: { level: events.Level.ERROR } });
    const text = Annotations.fromStack(stack).findWarning('/TestStack/Orders', Match.stringLikeRegexp('the logs of the EventBridge event bus orders'))
      .map(w => String(w.entry.data)).join('\n');
    expect(text).toContain('"Service": "events.amazonaws.com"');
    expect(text).toContain('"Service": "delivery.logs.amazonaws.com"');
    expect(text).toContain(`"kms:EncryptionContext:SourceArn": "arn:aws:logs:eu-west-1:${ACCOUNT}:*"`);
  });
});

describe('KeyPolicyStatements.eventBusLogs', () => {
  test('without an environment, the documented context is built from the deploy-time pseudo parameters', () => {
    const stack = testStack();
    const [encrypt, decrypt] = KeyPolicyStatements.eventBusLogs().map(s => stack.resolve(s.toStatementJson()));
    const pattern = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] };
    expect(encrypt).toEqual({
      Sid: 'EventBridgeBusLogs',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: { StringLike: { 'kms:EncryptionContext:SourceArn': pattern } },
    });
    expect(decrypt).toEqual({
      Sid: 'LogDeliveryBusLogs',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringLike: { 'kms:EncryptionContext:SourceArn': pattern } },
    });
  });
});

describe('EncryptedArchive logging: validation', () => {
  const imported = (stack: Stack) => kms.Key.fromKeyArn(stack, 'BusKey', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
  test.each<[string, (stack: Stack) => EncryptedArchiveProps, RegExp]>([
    ['an existing bus', stack => ({ eventBusName: undefined, eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared'), logging: { level: events.Level.ERROR } }),
      /logging: got bus logging; must not be given together with eventBus/],
    ['level OFF', () => ({ logging: { level: events.Level.OFF } }), /logging\.level: got "OFF"; must log something: omit logging to log nothing/],
    ['an unknown level', () => ({ logging: { level: 'DEBUG' as events.Level } }), /logging\.level: got "DEBUG"; must be one of ERROR, INFO, TRACE/],
    ['an unknown detail', () => ({ logging: { level: events.Level.ERROR, includeDetail: 'SOME' as events.IncludeDetail } }), /logging\.includeDetail: got "SOME"; must be one of NONE, FULL/],
    ['a retention CloudWatch Logs rejects', () => ({ logging: { level: events.Level.ERROR, retention: 2 as logs.RetentionDays } }), /logging\.retention: got 2; must be a logs\.RetentionDays value/],
    ['the bus key as log key', stack => {
      const key = imported(stack);
      return { encryptionKey: key, logging: { level: events.Level.ERROR, encryptionKey: key } };
    }, /logging\.encryptionKey: got "TestStack\/BusKey"; must not be the bus key/],
    ['not an object', () => ({ logging: 'ERROR' as any }), /logging: got string; must be an object such as \{ level: events\.Level\.ERROR \}/],
  ])('refuses %s, naming the construct and the prop', (_name, props, message) => expectRefusal(props, message));
});

/** A Firehose stream to S3 (no logging of its own), optionally on a customer managed key. */
function stream(stack: Stack, id: string, bucket: s3.IBucket, key?: kms.IKey, props: Partial<firehose.DeliveryStreamProps> = {}): firehose.DeliveryStream {
  return new firehose.DeliveryStream(stack, id, {
    destination: new firehose.S3Bucket(bucket, { loggingConfig: new firehose.DisableLogging() }),
    encryption: key ? firehose.StreamEncryption.customerManagedKey(key) : undefined,
    ...props,
  });
}

const LOGS_SOURCE = { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:logs:eu-west-1:${ACCOUNT}:*` } };

describe('EncryptedArchive logging: destinations of your own (a log group, a bucket, a Firehose stream)', () => {
  const stack = testStack();
  const destinationKey = new EncryptionKey(stack, 'DestinationKey', { protects: 'bus logs' });
  // a group whose policy already holds a statement of the user's: the construct's is merged in
  const group = new logs.LogGroup(stack, 'TeamLogs', { logGroupName: '/team/bus-logs', encryptionKey: destinationKey });
  const teamStatement = { Sid: 'TeamReads', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'logs:GetLogEvents', Resource: '*' };
  (group.node.defaultChild as logs.CfnLogGroup).resourcePolicyDocument = { Version: '2012-10-17', Statement: [teamStatement] };
  const bucket = new s3.Bucket(stack, 'LogBucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: destinationKey, enforceSSL: true });
  const lake = stream(stack, 'Lake', bucket, destinationKey);
  const toGroup = orders(stack, { logging: { level: events.Level.ERROR, destination: BusLogDestination.logGroup(group) } });
  const toBucket = new EncryptedArchive(stack, 'Payments', { eventBusName: 'payments', logging: { level: events.Level.INFO, destination: BusLogDestination.bucket(bucket) } });
  // a second bus to the same bucket: the bucket policy holds the statements once
  new EncryptedArchive(stack, 'Refunds', { eventBusName: 'refunds', logging: { level: events.Level.ERROR, destination: BusLogDestination.bucket(bucket) } });
  const toStream = new EncryptedArchive(stack, 'Shipping', { eventBusName: 'shipping', logging: { level: events.Level.ERROR, destination: BusLogDestination.firehose(lake) } });
  new EncryptedArchive(stack, 'Imported', {
    eventBusName: 'imported',
    logging: { level: events.Level.ERROR, destination: BusLogDestination.bucket(s3.Bucket.fromBucketName(stack, 'TheirBucket', 'their-log-bucket')) },
  });
  new EncryptedArchive(stack, 'ImportedGroup', {
    eventBusName: 'imported-group',
    logging: { level: events.Level.ERROR, destination: BusLogDestination.logGroup(logs.LogGroup.fromLogGroupName(stack, 'TheirGroup', '/their/bus-logs')) },
  });
  new EncryptedArchive(stack, 'ImportedStream', {
    eventBusName: 'imported-stream',
    logging: { level: events.Level.ERROR, destination: BusLogDestination.firehose(firehose.DeliveryStream.fromDeliveryStreamName(stack, 'TheirStream', 'their-stream')) },
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources;
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as logs.CfnLogGroup);
  const destination = (archive: EncryptedArchive) => resources[stack.getLogicalId(archive.node.findChild('LogDestination') as logs.CfnDeliveryDestination)];
  const warnings = (path: string) => Annotations.fromStack(stack).findWarning(path, Match.stringLikeRegexp(EncryptedArchive.BUS_LOG_POLICY_NOT_MANAGED_WARNING))
    .map(w => String(w.entry.data)).join('\n');

  test('no log group of its own: the records go to yours, and archive.logGroup is yours (undefined for a bucket or a stream)', () => {
    for (const archive of [toGroup, toBucket, toStream]) expect(archive.node.tryFindChild('LogGroup')).toBeUndefined();
    expect(toGroup.logGroup).toBe(group);
    expect(toBucket.logGroup).toBeUndefined();
    expect(toStream.logGroup).toBeUndefined();
  });

  test('your log group: its own resource policy keeps your statements and gains the log delivery service\'s, once; the destination waits for it', () => {
    expect(resources[id(group)].Properties.ResourcePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [teamStatement, {
        Sid: 'EncryptedArchiveBusLogDelivery',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/team/bus-logs:log-stream:*`,
        Condition: LOGS_SOURCE,
      }],
    });
    expect(destination(toGroup).Properties.DestinationResourceArn).toBe(`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/team/bus-logs`);
    expect(destination(toGroup).DependsOn).toEqual([id(group)]);
  });

  test('your bucket: the policy lets the log delivery service write under AWSLogs/<account>/ and check the ACL, for this account\'s CloudWatch Logs only, once', () => {
    const bucketArn = { 'Fn::GetAtt': [id(bucket), 'Arn'] };
    const policies = Object.entries<any>(resources).filter(([, r]) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === id(bucket));
    expect(policies).toHaveLength(1);
    const [[policyId, policy]] = policies;
    expect(policy.Properties.PolicyDocument.Statement.filter((st: any) => /^EncryptedArchiveBusLogDelivery/.test(st.Sid))).toEqual([
      {
        Sid: 'EncryptedArchiveBusLogDeliveryWrite',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [bucketArn, `/AWSLogs/${ACCOUNT}/*`]] },
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ACCOUNT }, ArnLike: LOGS_SOURCE.ArnLike },
      },
      {
        Sid: 'EncryptedArchiveBusLogDeliveryAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['s3:GetBucketAcl', 's3:ListBucket'],
        Resource: bucketArn,
        Condition: LOGS_SOURCE,
      },
    ]);
    expect(destination(toBucket).Properties.DestinationResourceArn).toEqual(bucketArn);
    expect(destination(toBucket).DependsOn).toEqual([policyId]);
    // INFO: two delivery sources of the bus, both delivered to the bucket's destination
    expect(toBucket.node.findAll().filter(c => c instanceof logs.CfnDelivery)).toHaveLength(2);
  });

  test('the destination\'s key lets CloudWatch Logs use it for your group only, and the log delivery service generate data keys for this account\'s deliveries', () => {
    const statements = keyPolicy(template, stack, destinationKey);
    expect(statements.filter(st => /^CloudWatchLogs/.test(st.Sid))).toEqual([expect.objectContaining({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/team/bus-logs` } },
    })]);
    expect(statements.filter(st => /^LogDeliveryToBucket/.test(st.Sid))).toEqual([{
      Sid: expect.stringMatching(/^LogDeliveryToBucket/),
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: LOGS_SOURCE,
    }]);
  });

  test('the bus keys get the bus-log statements whatever the destination', () => {
    for (const archive of [toGroup, toBucket, toStream]) {
      expect(keyPolicy(template, stack, archive.encryptionKey).filter(st => /BusLogs/.test(st.Sid)).map(st => st.Principal.Service))
        .toEqual(['events.amazonaws.com', 'delivery.logs.amazonaws.com']);
    }
  });

  test('your Firehose stream is tagged LogDeliveryEnabled=true (what the log delivery service-linked role requires); an imported one is left as it is', () => {
    expect(resources[id(lake)].Properties.Tags).toEqual([{ Key: 'LogDeliveryEnabled', Value: 'true' }]);
    expect(destination(toStream).Properties.DestinationResourceArn).toEqual({ 'Fn::GetAtt': [id(lake), 'Arn'] });
    expect(warnings('/TestStack/ImportedStream')).toBe('');
  });

  test('an imported bucket or log group: a warning shows the statements its owner must add (and the key statement, for a bucket whose key is not known)', () => {
    const bucketWarning = warnings('/TestStack/Imported');
    expect(bucketWarning).toContain('"Resource": "arn:aws:s3:::their-log-bucket/AWSLogs/111122223333/*"');
    expect(bucketWarning).toContain('"s3:GetBucketAcl"');
    expect(bucketWarning).toContain('"Action": "kms:GenerateDataKey*"');
    const groupWarning = warnings('/TestStack/ImportedGroup');
    expect(groupWarning).toContain(`"Resource": "arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/their/bus-logs:log-stream:*"`);
    expect(groupWarning).not.toContain('kms:');
  });

  test('the policy warning can be acknowledged', () => {
    const other = testStack('Other');
    const archive = new EncryptedArchive(other, 'Orders', {
      logging: { level: events.Level.ERROR, destination: BusLogDestination.logGroup(logs.LogGroup.fromLogGroupName(other, 'Theirs', '/their/logs')) },
    });
    CoreAnnotations.of(archive).acknowledgeWarning(EncryptedArchive.BUS_LOG_POLICY_NOT_MANAGED_WARNING, 'the platform team added the statement');
    expect(Annotations.fromStack(other).findWarning('*', Match.stringLikeRegexp(EncryptedArchive.BUS_LOG_POLICY_NOT_MANAGED_WARNING))).toHaveLength(0);
  });
});

describe('EncryptedArchive logging: destinations refused at synth', () => {
  const busKeyOf = (stack: Stack) => (stack.node.tryFindChild('BusKey') as kms.IKey | undefined) ?? new EncryptionKey(stack, 'BusKey', { protects: 'the bus' });
  const otherKey = (stack: Stack) => new EncryptionKey(stack, 'OtherKey', { protects: 'logs' });
  const withBusKey = (destination: (stack: Stack) => BusLogDestination) => (stack: Stack): EncryptedArchiveProps => ({
    encryptionKey: busKeyOf(stack), logging: { level: events.Level.ERROR, destination: destination(stack) },
  });
  const kmsBucket = (stack: Stack, key: kms.IKey) => new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
  test.each<[string, (stack: Stack) => EncryptedArchiveProps, RegExp]>([
    ['a log group without a key', withBusKey(stack => BusLogDestination.logGroup(new logs.LogGroup(stack, 'Group', { logGroupName: '/g' }))),
      /logging\.destination: got TestStack\/Group without a key; must be encrypted with a customer managed key/],
    ['a log group on the bus key', withBusKey(stack => BusLogDestination.logGroup(new logs.LogGroup(stack, 'Group', { logGroupName: '/g', encryptionKey: busKeyOf(stack) }))),
      /logging\.destination: got TestStack\/Group on the bus key; must not be encrypted with the bus key/],
    ['a log group without a name', withBusKey(stack => BusLogDestination.logGroup(new logs.LogGroup(stack, 'Group', { encryptionKey: otherKey(stack) }))),
      /logging\.destination: got TestStack\/Group; must have a logGroupName/],
    ['an SSE-S3 bucket', withBusKey(stack => BusLogDestination.bucket(new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED }))),
      /logging\.destination: got TestStack\/Bucket with AES256; must be encrypted with SSE-KMS on a customer managed key/],
    ['a bucket on aws/s3', withBusKey(stack => BusLogDestination.bucket(new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS_MANAGED }))),
      /logging\.destination: got TestStack\/Bucket on the AWS managed key aws\/s3; must be encrypted with a customer managed key/],
    ['a bucket on the bus key', withBusKey(stack => BusLogDestination.bucket(kmsBucket(stack, busKeyOf(stack)))),
      /logging\.destination: got TestStack\/Bucket on the bus key; must not be encrypted with the bus key/],
    ['an imported bucket on the bus key', withBusKey(stack => BusLogDestination.bucket(s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'bus-logs', encryptionKey: busKeyOf(stack) }))),
      /logging\.destination: got TestStack\/Bucket on the bus key/],
    ['a bucket in another region', withBusKey(stack => BusLogDestination.bucket(s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'bus-logs', region: 'us-east-1' }))),
      /logging\.destination: got TestStack\/Bucket in 111122223333\/us-east-1; must be in the archive's account and region \(111122223333\/eu-west-1\)/],
    ['a stream on the bus key', withBusKey(stack => BusLogDestination.firehose(stream(stack, 'Stream', kmsBucket(stack, otherKey(stack)), busKeyOf(stack)))),
      /logging\.destination: got TestStack\/Stream on the bus key; must not be encrypted with the bus key/],
    ['a stream that reads from a Kinesis stream', withBusKey(stack => BusLogDestination.firehose(stream(stack, 'Stream', kmsBucket(stack, otherKey(stack)), undefined,
      { source: new firehose.KinesisStreamSource(new kinesis.Stream(stack, 'Source')) }))),
    /logging\.destination: got TestStack\/Stream of type KinesisStreamAsSource; must be a DirectPut stream/],
    ['no bucket', () => ({ logging: { level: events.Level.ERROR, destination: BusLogDestination.bucket(undefined as unknown as s3.IBucket) } }),
      /logging\.destination: got BusLogDestination\.bucket\(undefined\); must name the bucket/],
    ['not a destination', () => ({ logging: { level: events.Level.ERROR, destination: { kind: 'bucket' } as unknown as BusLogDestination } }),
      /logging\.destination: got object; must be a BusLogDestination/],
    ['retention with your own destination', stack => ({ logging: { level: events.Level.ERROR, retention: logs.RetentionDays.ONE_DAY, destination: BusLogDestination.bucket(kmsBucket(stack, otherKey(stack))) } }),
      /logging\.retention: got retention with a destination of your own; applies only to the log group the construct creates: set it on your bucket/],
    ['a log key with your own destination', stack => ({
      logging: { level: events.Level.ERROR, encryptionKey: otherKey(stack), destination: BusLogDestination.firehose(firehose.DeliveryStream.fromDeliveryStreamName(stack, 'S', 's')) },
    }), /logging\.encryptionKey: got encryptionKey with a destination of your own; applies only to the log group the construct creates: set it on your Firehose stream/],
  ])('refuses %s, naming the construct and the prop', (_name, props, message) => expectRefusal(props, message));

  test('a log group, bucket and stream on keys other than the bus key are accepted, with no synthesis needed to tell', () => {
    const stack = testStack();
    const key = otherKey(stack);
    for (const [i, destination] of [
      BusLogDestination.logGroup(new logs.LogGroup(stack, 'Group', { logGroupName: '/g', encryptionKey: key })),
      BusLogDestination.bucket(kmsBucket(stack, key)),
      BusLogDestination.firehose(stream(stack, 'Stream', s3.Bucket.fromBucketName(stack, 'Target', 'target'), key)),
    ].entries()) {
      expect(() => new EncryptedArchive(stack, `Archive${i}`, { encryptionKey: busKeyOf(stack), logging: { level: events.Level.ERROR, destination } })).not.toThrow();
    }
  });
});
