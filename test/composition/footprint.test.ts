/**
 * What the constructs of one stack share, so that each construct adds only what is its own: the alarm topic (with its
 * key and policy), the alert topic and alert dead-letter queue (with their policies), the Enhanced Monitoring policy, a
 * group's schedule dead-letter queue on a shared key. Each test counts resources and
 * statements in a stack holding several constructs.
 */
import { App, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  EncryptedArchive, EncryptedConnection, EncryptedRdsInstance, EncryptedSchedule, EncryptionKey, IAlertHub, KeyAuditTrail, KeyTamperingAlert, ScheduleKeyPolicyScope,
} from '../../src';
import { SNS_QUOTAS } from '../../src/services/sns/limits';
import { SQS_QUOTAS } from '../../src/services/sqs/limits';
import { allowFromSources } from '../../src/stack/shared-statements';
import { compliantVpc } from '../encrypted-rds-instance/fixtures';
import { TEST_ENV, testStack } from '../support/fixtures';

const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });

function ofType(template: Template, type: string): any[] {
  return Object.values(template.findResources(type));
}

function getAtt(stack: Stack, construct: { node: { defaultChild?: unknown } }): unknown {
  return { 'Fn::GetAtt': [stack.getLogicalId(construct.node.defaultChild as any), 'Arn'] };
}

describe('alarm topic', () => {
  test('three archives, two RDS instances and a schedule in one stack notify one alarm topic, whose policy lets CloudWatch publish in one statement listing all their alarms', () => {
    const stack = testStack();
    const archives = ['Orders', 'Payments', 'Refunds'].map(id => new EncryptedArchive(stack, id));
    const vpc = compliantVpc(stack);
    const databases = ['OrdersDb', 'PaymentsDb'].map(id => new EncryptedRdsInstance(stack, id, { engine: POSTGRES, vpc }));
    const fn = new lambda.Function(stack, 'Target', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    const schedule = new EncryptedSchedule(stack, 'Nightly', {
      schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
      target: new targets.LambdaInvoke(fn),
    });
    const template = Template.fromStack(stack);

    const topics = [...archives, ...databases, schedule].map(c => c.alarmTopic);
    expect(new Set(topics).size).toBe(1);
    expect(topics[0].node.path).toBe('TestStack/EncryptedConstructsAlarmTopic/Resource');
    expect(ofType(template, 'AWS::SNS::Topic').filter(t => t.Properties.DisplayName !== 'KMS key tampering alerts')).toHaveLength(1);
    expect(ofType(template, 'AWS::SNS::TopicPolicy').filter(p => p.Properties.Topics[0].Ref === stack.getLogicalId(topics[0].node.defaultChild as sns.CfnTopic))).toHaveLength(1);

    const policy = ofType(template, 'AWS::SNS::TopicPolicy').find(p => p.Properties.Topics[0].Ref === stack.getLogicalId(topics[0].node.defaultChild as sns.CfnTopic));
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    const cloudWatch = statements.filter(s => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudWatch).toHaveLength(1);
    const alarms = [
      ...archives.flatMap(a => [a.deadLetterQueueAlarm!, a.failedInvocationsAlarm]),
      ...databases.flatMap(d => [d.cpuAlarm, d.freeStorageAlarm, d.connectionsAlarm,
        // the alarm on the failed deliveries of the master secret's rotation-failure rule
        d.node.findChild('MasterSecretRotationFailureRuleDeliveryFailures') as cloudwatch.Alarm]),
      schedule.deadLetterQueueAlarm, schedule.targetErrorsAlarm, schedule.droppedInvocationsAlarm, schedule.deadLetterFailuresAlarm,
      // the stack's alarm on its tampering rule's failed deliveries
      KeyTamperingAlert.of(stack).node.findChild('KeyTamperingRuleDeliveryFailures') as cloudwatch.Alarm,
    ];
    expect(new Set(cloudWatch[0].Condition.ArnEquals['aws:SourceArn'].map(JSON.stringify)))
      .toEqual(new Set(alarms.map(a => JSON.stringify(getAtt(stack, a)))));
    expect(cloudWatch[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '111122223333' });
    // every alarm of the stack notifies that topic, and no construct created a topic of its own
    for (const alarm of ofType(template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: stack.getLogicalId(topics[0].node.defaultChild as sns.CfnTopic) }]);
    }
    for (const c of [...archives, ...databases]) expect(c.node.tryFindChild('AlarmTopic')).toBeUndefined();
  });
});

describe('schedule dead-letter queues', () => {
  test('with SCHEDULE_GROUP on a key you give, the schedules of a group share one dead-letter queue and its alarm; another group, another key or the SCHEDULE scope get their own', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Target', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    const key = new EncryptionKey(stack, 'GroupKey', { protects: 'the reports group' });
    const otherKey = new EncryptionKey(stack, 'OtherKey', { protects: 'other schedules' });
    const reports = new scheduler.ScheduleGroup(stack, 'Reports', { scheduleGroupName: 'reports' });
    const billing = new scheduler.ScheduleGroup(stack, 'Billing', { scheduleGroupName: 'billing' });
    const schedule = (id: string, props: Partial<ConstructorParameters<typeof EncryptedSchedule>[2]>) => new EncryptedSchedule(stack, id, {
      schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
      target: new targets.LambdaInvoke(fn),
      keyPolicyScope: ScheduleKeyPolicyScope.SCHEDULE_GROUP,
      ...props,
    });
    const shared = ['A', 'B', 'C'].map(id => schedule(id, { scheduleGroup: reports, encryptionKey: key }));
    const otherGroup = schedule('D', { scheduleGroup: billing, encryptionKey: key });
    const otherKeyed = schedule('E', { scheduleGroup: reports, encryptionKey: otherKey });
    const ownKey = schedule('F', { scheduleGroup: reports });
    const perSchedule = schedule('G', { scheduleGroup: reports, encryptionKey: key, keyPolicyScope: ScheduleKeyPolicyScope.SCHEDULE });
    const template = Template.fromStack(stack);

    expect(new Set(shared.map(s => s.deadLetterQueue)).size).toBe(1);
    expect(new Set(shared.map(s => s.deadLetterQueueAlarm)).size).toBe(1);
    expect(shared[0].deadLetterQueue.node.path).toMatch(/^TestStack\/SchedulerDeadLetters[0-9A-F]{8}\/Queue$/);
    for (const s of shared) expect(s.node.tryFindChild('DeadLetterQueue')).toBeUndefined();
    const queues = [shared[0], otherGroup, otherKeyed, ownKey, perSchedule].map(s => s.deadLetterQueue);
    expect(new Set(queues).size).toBe(5);
    expect([ownKey, perSchedule].map(s => s.deadLetterQueue.node.path)).toEqual(['TestStack/F/DeadLetterQueue', 'TestStack/G/DeadLetterQueue']);
    // 5 dead-letter queues for 7 schedules, each with one alarm
    expect(ofType(template, 'AWS::SQS::Queue')).toHaveLength(5 + 2); // and the verifier's and the alert dead-letter queue
    expect(ofType(template, 'AWS::CloudWatch::Alarm').filter(a => a.Properties.Namespace === 'AWS/SQS')).toHaveLength(5);
    // each execution role may send to the shared queue, through its own policy
    for (const s of shared) {
      const policy = template.toJSON().Resources[stack.getLogicalId(s.executionRolePolicy.node.defaultChild as iam.CfnManagedPolicy)];
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Sid: 'SendToDeadLetterQueue', Action: 'sqs:SendMessage', Resource: stack.resolve(shared[0].deadLetterQueue.queueArn),
      }));
    }
  });
});

describe('Enhanced Monitoring', () => {
  test('the RDS instances of a stack share one Enhanced Monitoring policy; each keeps its role, trusted only for its own instance; a role you bring gets nothing', () => {
    const stack = testStack();
    const vpc = compliantVpc(stack);
    const databases = ['OrdersDb', 'PaymentsDb'].map(id => new EncryptedRdsInstance(stack, id, { engine: POSTGRES, vpc }));
    const own = new iam.Role(stack, 'OwnMonitoringRole', { assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com') });
    new EncryptedRdsInstance(stack, 'ReportsDb', { engine: POSTGRES, vpc, monitoringRole: own });
    const template = Template.fromStack(stack);

    const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Enhanced Monitoring: write OS metrics to the RDSOSMetrics log group' } });
    expect(Object.keys(policies)).toEqual([stack.getLogicalId(stack.node.findChild('EncryptedConstructsRdsMonitoringPolicy').node.defaultChild as iam.CfnManagedPolicy)]);
    const roles = databases.map(d => template.toJSON().Resources[stack.getLogicalId(d.monitoringRole!.node.defaultChild as iam.CfnRole)]);
    expect(new Set(databases.map(d => d.monitoringRole)).size).toBe(2);
    roles.forEach((role, i) => {
      expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: Object.keys(policies)[0] }]);
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLike['aws:SourceArn'])
        .toBe(`arn:aws:rds:eu-west-1:111122223333:db:${databases[i].instanceIdentifier}`);
    });
    expect(template.toJSON().Resources[stack.getLogicalId(own.node.defaultChild as iam.CfnRole)].Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('alerts', () => {
  const apiKey = () => events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key'));

  test.each([
    ['the account trail\'s stack', false],
    ['a second stack of the account (its KeyTamperingAlert)', true],
  ])('ten connections in %s share one alert dead-letter queue; the topic and queue policies hold one EventBridge statement each, naming every alert rule', (_name, secondStack) => {
    const app = new App();
    const first = new Stack(app, 'First', { env: TEST_ENV });
    const trail = KeyAuditTrail.of(first);
    const stack = secondStack ? new Stack(app, 'Second', { env: TEST_ENV }) : first;
    const connections = Array.from({ length: 10 }, (_, i) => new EncryptedConnection(stack, `Crm${i}`, { authorization: apiKey() }));
    const hub: IAlertHub = KeyTamperingAlert.hubOf(stack);
    // every stack has its own hub; the trail's stack shares it with the trail
    expect(hub.alertTopic === trail.alertTopic).toBe(!secondStack);
    const template = Template.fromStack(stack);

    for (const c of connections) {
      expect(c.alertDeadLetterQueue).toBe(hub.alertDeadLetterQueue);
      expect(c.alertTopic).toBe(hub.alertTopic);
      expect(c.node.tryFindChild('AlertDeadLetterQueue')).toBeUndefined();
    }
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).filter(id => id.includes('AlertDeadLetterQueue'))).toHaveLength(1);

    const rules = ofType(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(11); // the key-tampering rule and one deauthorization rule per connection
    const ruleArns = rules.map(r => `arn:aws:events:eu-west-1:111122223333:rule/${r.Properties.Name}`);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({
        Arn: stack.resolve(hub.alertTopic.topicArn), DeadLetterConfig: { Arn: stack.resolve(hub.alertDeadLetterQueue.queueArn) },
      })]);
    }
    const policyOf = (type: string, property: string, ref: unknown) => ofType(template, type).filter(p => JSON.stringify(p.Properties[property]) === JSON.stringify([ref]));
    const [topicPolicy] = policyOf('AWS::SNS::TopicPolicy', 'Topics', stack.resolve(hub.alertTopic.topicArn));
    const [queuePolicy] = policyOf('AWS::SQS::QueuePolicy', 'Queues', stack.resolve(hub.alertDeadLetterQueue.queueUrl));
    for (const [policy, action] of [[topicPolicy, 'sns:Publish'], [queuePolicy, 'sqs:SendMessage']]) {
      const statements: any[] = policy.Properties.PolicyDocument.Statement;
      expect(statements).toHaveLength(2); // the TLS Deny and one Allow for EventBridge
      const allow = statements.filter(s => s.Effect === 'Allow');
      expect(allow).toEqual([expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: action })]);
      expect(new Set(allow[0].Condition.ArnEquals['aws:SourceArn'])).toEqual(new Set(ruleArns));
    }
  });
});

describe('shared resource policies stay inside SNS and SQS quotas', () => {
  const arn = (i: number) => `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${'a'.repeat(80)}-${i}`;

  const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');

  test.each([
    ['topic', 'sns:Publish', (stack: Stack) => new sns.Topic(stack, 'Shared', { enforceSSL: true }), SNS_QUOTAS.topicPolicyBytes,
      /the SNS topic policy TestStack\/Shared\/Policy would be about \d+ bytes; at most 30000 are accepted/],
    ['queue', 'sqs:SendMessage', (stack: Stack) => new sqs.Queue(stack, 'Shared', { enforceSSL: true }), SQS_QUOTAS.queuePolicyBytes,
      /the SQS queue policy TestStack\/Shared\/Policy would be about \d+ bytes; at most 8192 are accepted/],
  ])('a shared %s policy grows by one ARN per source, and fails synthesis, naming the quota, once it would not fit', (_kind, action, make, limit, message) => {
    const withSources = (n: number) => {
      const stack = testStack();
      const holder = make(stack);
      for (let i = 0; i < n; i++) allowFromSources(holder, { sid: 'Shared', principal: eventBridge, action }, [arn(i)]);
      return stack;
    };
    const perSource = JSON.stringify(arn(0)).length + 1;
    const fitting = withSources(Math.floor(limit / perSource) - 10);
    const statements = Template.fromStack(fitting).toJSON().Resources;
    expect(Object.values<any>(statements).flatMap(r => r.Properties?.PolicyDocument?.Statement ?? [])).toHaveLength(2);
    expect(() => Template.fromStack(withSources(Math.floor(limit / perSource) + 1))).toThrow(message);
  });
});

describe('the library\'s own keys', () => {
  const apiKey = () => events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key'));

  test.each([
    ['the account trail\'s stack', false],
    ['a second stack of the account', true],
  ])('%s holds two keys of the library\'s own besides the constructs\' (the alert topic\'s, the alarm and dead-letter key), and the trail\'s key protects the trail only', (_name, secondStack) => {
    const app = new App();
    const first = new Stack(app, 'First', { env: TEST_ENV });
    const trail = KeyAuditTrail.of(first);
    const stack = secondStack ? new Stack(app, 'Second', { env: TEST_ENV }) : first;
    const fn = new lambda.Function(stack, 'Target', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    const constructs = [
      new EncryptedSchedule(stack, 'Nightly', { schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }), target: new targets.LambdaInvoke(fn) }),
      new EncryptedConnection(stack, 'Crm', { authorization: apiKey() }),
      new EncryptedArchive(stack, 'Orders'),
    ];
    const template = Template.fromStack(stack).toJSON();
    const keyIds = Object.keys(template.Resources).filter(id => template.Resources[id].Type === 'AWS::KMS::Key');
    const constructKeys = constructs.map(c => stack.getLogicalId(c.encryptionKey.node.defaultChild as any));
    const hub = KeyTamperingAlert.of(stack);
    const own = [hub.alertKey, hub.deadLetterKey].map(k => stack.getLogicalId(k.node.defaultChild as any));
    const trailKey = secondStack ? [] : [stack.getLogicalId(trail.encryptionKey.node.defaultChild as any)];
    expect(keyIds.sort()).toEqual([...constructKeys, ...own, ...trailKey].sort());
    if (!secondStack) {
      // what the trail's key encrypts: its bucket and its log group, nothing else (the tampering rule watches it)
      const trailKeyArn = JSON.stringify({ 'Fn::GetAtt': [trailKey[0], 'Arn'] });
      const users = Object.entries<any>(template.Resources).filter(([, r]) => !['AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::Events::Rule'].includes(r.Type)
        && !r.Type.startsWith('AWS::IAM::') && JSON.stringify(r.Properties ?? {}).includes(trailKeyArn)).map(([, r]) => r.Type).sort();
      expect(users).toEqual(['AWS::CloudTrail::Trail', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket']);
    }
  });
});
