import { Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EncryptionKey, KeyPolicyStatements } from '../../src';
import { EncryptedArchive, EncryptedArchiveProps } from '../../src/encrypted-archive';
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
  ])('refuses %s, naming the construct and the prop', (_name, props, message) => {
    const stack = testStack();
    const thrown = (() => {
      try {
        orders(stack, props(stack));
      } catch (e) {
        return (e as Error).message;
      }
      return 'nothing thrown';
    })();
    expect(thrown).toMatch(/^invalid props for TestStack\/Orders:\n/);
    expect(thrown).toMatch(message);
  });
});
