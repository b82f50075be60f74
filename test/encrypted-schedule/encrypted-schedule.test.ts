import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { executionStatements, Fixtures, keyPolicy, nightly } from './fixtures';
import { AuditTrail, EncryptedSchedule, EncryptionKey, KeyTamperingAlert } from '../../src';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';
import { byRole, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const NAME = 'TestStack-Nightly-60984FC4';
const ARN = `arn:aws:scheduler:eu-west-1:111122223333:schedule/default/${NAME}`;
const CONTEXT = { 'kms:EncryptionContext:aws:scheduler:schedule:arn': ARN };
const VIA_SQS = { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' };
const USAGE = /^kms:(\*|Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant)/;

/** The resolved reference of a token, as it appears in the template. */
const ref = (stack: Stack, value: string) => stack.resolve(value);

function defaultSchedule() {
  const stack = testStack();
  const fixtures = new Fixtures(stack);
  const schedule = nightly(stack, fixtures);
  return { stack, fixtures, schedule, template: Template.fromStack(stack) };
}

describe('EncryptedSchedule: the schedule', () => {
  test('encrypts the payload with the key it creates, and keeps expression, time zone, payload, DLQ and retry policy', () => {
    const { stack, schedule, fixtures, template } = defaultSchedule();
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: NAME,
      KmsKeyArn: ref(stack, schedule.encryptionKey.keyArn),
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: ref(stack, fixtures.fn.functionArn),
        RoleArn: ref(stack, schedule.executionRole.roleArn),
        Input: '{"job":"report"}',
        DeadLetterConfig: { Arn: ref(stack, schedule.deadLetterQueue.queueArn) },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    });
    expect(schedule.encryptionKey).toBeInstanceOf(EncryptionKey);
    expect(schedule.encryptionKey.node.path).toBe('TestStack/Nightly/Key');
    template.hasResource('AWS::KMS::Key', {
      Properties: { Description: 'Customer managed key for EventBridge Scheduler schedule payloads (cdk-encrypted-constructs)', EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  test('builds the schedule ARN from a deterministic name, never from Fn::GetAtt', () => {
    const { schedule } = defaultSchedule();
    expect(schedule.scheduleName).toBe(NAME);
    expect(schedule.scheduleGroupName).toBe('default');
    expect(schedule.scheduleArn).toBe(ARN);
  });

  test('takes name, group, description, state, flexible window, start and end from props', () => {
    const stack = testStack();
    const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
    const schedule = nightly(stack, new Fixtures(stack), {
      scheduleName: 'nightly-report',
      scheduleGroup: group,
      description: 'Sends the nightly report job',
      enabled: false,
      timeWindow: Duration.minutes(15),
      start: new Date('2030-01-01T00:00:00Z'),
      end: new Date('2031-01-01T00:00:00Z'),
    });
    expect(schedule.scheduleArn).toBe('arn:aws:scheduler:eu-west-1:111122223333:schedule/reports/nightly-report');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'nightly-report',
      GroupName: 'reports',
      Description: 'Sends the nightly report job',
      State: 'DISABLED',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      StartDate: '2030-01-01T00:00:00.000Z',
      EndDate: '2031-01-01T00:00:00.000Z',
    });
    expect(keyPolicy(template, stack, schedule.encryptionKey)).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt',
      Condition: expect.objectContaining({ StringEquals: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': 'arn:aws:scheduler:eu-west-1:111122223333:schedule/reports/nightly-report' } }),
    }));
  });

  test('a group named by a token (a parameter) is named by reference in every ARN, still without a cycle', () => {
    const stack = testStack();
    const groupName = new CfnParameter(stack, 'GroupName').valueAsString;
    const schedule = nightly(stack, new Fixtures(stack), { scheduleGroup: scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'Group', groupName) });
    const template = Template.fromStack(stack);
    const groupRef = { Ref: 'GroupName' };
    expect(ref(stack, schedule.scheduleArn)).toEqual({ 'Fn::Join': ['', ['arn:aws:scheduler:eu-west-1:111122223333:schedule/', groupRef, `/${NAME}`]] });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: {
            StringEquals: Match.objectLike({
              'aws:SourceArn': { 'Fn::Join': ['', ['arn:aws:scheduler:eu-west-1:111122223333:schedule-group/', groupRef]] },
            }),
          },
        })],
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'TargetErrorCount', Dimensions: [{ Name: 'ScheduleGroup', Value: groupRef }] });
    expect(findCycle(template.toJSON())).toBeUndefined();
  });

  test('a group created in the stack gets a name known at synth time', () => {
    const stack = testStack();
    const group = new scheduler.ScheduleGroup(stack, 'Group');
    const schedule = nightly(stack, new Fixtures(stack), { scheduleGroup: group });
    expect(schedule.scheduleArn).toBe(`arn:aws:scheduler:eu-west-1:111122223333:schedule/${group.scheduleGroupName}/${NAME}`);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });

  test('a schedule in a group of the same stack is created after the group (DependsOn), which the plain GroupName does not order', () => {
    const stack = testStack();
    const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
    const schedule = nightly(stack, new Fixtures(stack), { scheduleGroup: group });
    const resources = Template.fromStack(stack).toJSON().Resources;
    const scheduleResource = resources[stack.getLogicalId(schedule.schedule.node.defaultChild as scheduler.CfnSchedule)];
    expect(scheduleResource.Properties.GroupName).toBe('reports');
    expect(scheduleResource.DependsOn).toContain(stack.getLogicalId(group.node.defaultChild as scheduler.CfnScheduleGroup));
  });

  test('a schedule in an imported group (or the default one) depends on no group', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    nightly(stack, fixtures, { scheduleGroup: scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'Group', 'reports') });
    nightly(stack, fixtures, {}, 'InDefault');
    const resources = Template.fromStack(stack).toJSON().Resources;
    const schedules = Object.values(resources).filter((r: any) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(2);
    for (const s of schedules as any[]) {
      expect((s.DependsOn ?? []).filter((id: string) => resources[id].Type === 'AWS::Scheduler::ScheduleGroup')).toEqual([]);
    }
    expect(Object.values(resources).filter((r: any) => r.Type === 'AWS::Scheduler::ScheduleGroup')).toEqual([]);
  });

  test('the retry policy comes from the props, else from the target', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    nightly(stack, fixtures, { retryAttempts: 3, maxEventAge: Duration.hours(2) }, 'Props');
    nightly(stack, fixtures, { target: new targets.LambdaInvoke(fixtures.fn, { retryAttempts: 7, maxEventAge: Duration.minutes(30) }) }, 'FromTarget');
    const schedules = Template.fromStack(stack).findResources('AWS::Scheduler::Schedule');
    const policies = Object.values(schedules).map((s: any) => s.Properties.Target.RetryPolicy);
    expect(policies).toEqual([{ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 }, { MaximumRetryAttempts: 7, MaximumEventAgeInSeconds: 1800 }]);
  });
});

describe('EncryptedSchedule: the execution role', () => {
  test('trusts only EventBridge Scheduler, for this account and this schedule group', () => {
    const { template } = defaultSchedule();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': 'arn:aws:scheduler:eu-west-1:111122223333:schedule-group/default' } },
        }],
      },
      Description: 'Execution role of the EventBridge Scheduler schedule TestStack/Nightly (cdk-encrypted-constructs)',
    });
  });

  test('holds exactly: invoke the target, decrypt only this schedule\'s payload, send to the DLQ and use its key only through SQS', () => {
    const { stack, schedule, fixtures, template } = defaultSchedule();
    const key = ref(stack, schedule.encryptionKey.keyArn);
    expect(executionStatements(template)).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ref(stack, fixtures.fn.functionArn) },
      { Sid: 'DecryptThisSchedulePayload', Effect: 'Allow', Action: 'kms:Decrypt', Resource: key, Condition: { StringEquals: CONTEXT } },
      { Sid: 'SendToDeadLetterQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: ref(stack, schedule.deadLetterQueue.queueArn) },
      // the dead letters are on the stack's dead-letter key, never the schedule's
      { Sid: 'DeadLetterQueueKeyThroughSqs', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ref(stack, SharedAlarmTopic.keyOf(stack).keyArn), Condition: { StringEquals: VIA_SQS } },
    ]);
  });

  test('keeps its permissions in a customer managed policy: no inline policy, no DefaultPolicy', () => {
    const { stack, schedule, template } = defaultSchedule();
    const roleId = stack.getLogicalId(schedule.executionRole.node.defaultChild as iam.CfnRole);
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.Policies).toBeUndefined();
    expect(schedule.executionRole.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(roleId);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: roleId }] });
    // the schedule is created only once the policy is attached
    expect(template.toJSON().Resources[stack.getLogicalId(schedule.schedule.node.defaultChild as scheduler.CfnSchedule)].DependsOn)
      .toEqual([stack.getLogicalId(schedule.executionRolePolicy.node.defaultChild as iam.CfnManagedPolicy)]);
  });

  test('no statement in the template lets a role or a service use a key without conditions, whatever the target', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    nightly(stack, fixtures, { alarmTopic: fixtures.topic });
    nightly(stack, fixtures, { target: new targets.SqsSendMessage(fixtures.queue) }, 'ToQueue');
    nightly(stack, fixtures, { target: new targets.SnsPublish(fixtures.topic) }, 'ToTopic');
    const template = Template.fromStack(stack);
    const unconditioned: any[] = [];
    for (const resource of Object.values<any>(template.toJSON().Resources)) {
      const documents = [resource.Properties?.KeyPolicy, resource.Properties?.PolicyDocument, ...(resource.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument)];
      for (const statement of documents.filter(Boolean).flatMap((d: any) => d.Statement)) {
        const actions = [statement.Action].flat().filter(Boolean);
        const accountDelegation = actions.length === 1 && actions[0] === 'kms:*' && resource.Type === 'AWS::KMS::Key';
        if (statement.Effect === 'Allow' && actions.some((a: string) => USAGE.test(a)) && !statement.Condition && !accountDelegation) unconditioned.push(statement.Sid);
      }
    }
    // the one exception SNS requires: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS
    // policy is not supported for EventBridge-to-encrypted topics" (the trail's alert topic)
    expect(unconditioned.map(sid => sid.replace(/[0-9A-F]{8}$/, ''))).toEqual(['SnsTopicEventBridge']);
  });

  test.each<[string, (f: Fixtures) => scheduler.IScheduleTarget, (stack: Stack, f: Fixtures) => any[], object]>([
    ['Lambda Invoke', f => new targets.LambdaInvoke(f.fn, {}),
      (stack, f) => [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ref(stack, f.fn.functionArn) }], {}],
    ['SQS SendMessage to a queue on its own key', f => new targets.SqsSendMessage(f.queue),
      (stack, f) => [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: ref(stack, f.queue.queueArn) },
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: ref(stack, f.key.keyArn), Condition: { StringEquals: VIA_SQS } },
      ], {}],
    ['SNS Publish to a topic on its own key', f => new targets.SnsPublish(f.topic),
      (stack, f) => [
        { Effect: 'Allow', Action: 'sns:Publish', Resource: ref(stack, f.topic.topicArn) },
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: ref(stack, f.key.keyArn), Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } } },
      ], {}],
    ['Step Functions StartExecution', f => new targets.StepFunctionsStartExecution(f.stateMachine, {}),
      (stack, f) => [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: ref(stack, f.stateMachine.stateMachineArn) }], {}],
    ['EventBridge PutEvents', f => new targets.EventBridgePutEvents({
      eventBus: f.bus, detailType: 'report.requested', source: 'reports', detail: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }),
    }), (stack, f) => [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: ref(stack, f.bus.eventBusArn) }],
    { EventBridgeParameters: { DetailType: 'report.requested', Source: 'reports' }, Input: '{"job":"report"}' }],
    ['a Universal target with its own statements', () => new targets.Universal({
      service: 'ec2',
      action: 'stopInstances',
      input: scheduler.ScheduleTargetInput.fromObject({ InstanceIds: ['i-0123456789abcdef0'] }),
      policyStatements: [new iam.PolicyStatement({ actions: ['ec2:StopInstances'], resources: ['arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0'] })],
    }), () => [{ Effect: 'Allow', Action: 'ec2:StopInstances', Resource: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0' }],
    { Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:ec2:stopInstances']] } }],
  ])('with a %s target, the role gets exactly the target\'s permissions, key use confined to the target\'s service', (_name, target, expected, targetProps) => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const schedule = nightly(stack, fixtures, { target: target(fixtures) });
    const template = Template.fromStack(stack);
    const statements = executionStatements(template);
    const ownSids = ['DecryptThisSchedulePayload', 'SendToDeadLetterQueue', 'DeadLetterQueueKeyThroughSqs'];
    expect(statements.filter(s => !ownSids.includes(s.Sid))).toEqual(expected(stack, fixtures));
    expect(statements.filter(s => ownSids.includes(s.Sid))).toHaveLength(3);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RoleArn: ref(stack, schedule.executionRole.roleArn), ...targetProps }),
    });
    // the target did not create its own stack-level role, nor add to any key policy
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter(id => id.startsWith('SchedulerRoleForTarget'))).toEqual([]);
    expect(JSON.stringify(keyPolicy(template, stack, fixtures.key))).not.toContain(stack.getLogicalId(schedule.executionRole.node.defaultChild as iam.CfnRole));
  });

  test('one target object shared by two schedules grants each schedule\'s own role', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const target = new targets.LambdaInvoke(fixtures.fn, {});
    nightly(stack, fixtures, { target }, 'First');
    nightly(stack, fixtures, { target }, 'Second');
    const template = Template.fromStack(stack);
    for (const path of ['TestStack/First', 'TestStack/Second']) {
      expect(executionStatements(template, path)).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: ref(stack, fixtures.fn.functionArn) });
    }
  });

  test('a target given its own role keeps it: the construct attaches its policy and says so', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const role = iam.Role.fromRoleArn(stack, 'TeamRole', 'arn:aws:iam::111122223333:role/team-scheduler', { mutable: false });
    const schedule = nightly(stack, fixtures, { target: new targets.LambdaInvoke(fixtures.fn, { role }) });
    expect(schedule.executionRole).toBe(role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ RoleArn: 'arn:aws:iam::111122223333:role/team-scheduler' }) });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['team-scheduler'] });
    expect(keyPolicy(template, stack, schedule.encryptionKey)).toContainEqual(expect.objectContaining({
      ...byRole('arn:aws:iam::111122223333:role/team-scheduler', { StringEquals: CONTEXT }), Action: 'kms:Decrypt',
    }));
    Annotations.fromStack(stack).hasWarning('/TestStack/Nightly', Match.stringLikeRegexp('The target brings its own role .* which is kept'));
  });
});

describe('EncryptedSchedule: the key policy', () => {
  test('lets the creating principal describe the key and generate/decrypt data keys only through Scheduler for this schedule, and the role decrypt only this payload', () => {
    const { stack, schedule, template } = defaultSchedule();
    const role = { 'Fn::GetAtt': [stack.getLogicalId(schedule.executionRole.node.defaultChild as iam.CfnRole), 'Arn'] };
    const viaScheduler = { 'kms:ViaService': 'scheduler.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' };
    const statements = keyPolicy(template, stack, schedule.encryptionKey).map(({ Sid, ...rest }) => rest);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: viaScheduler } },
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: { ...viaScheduler, ...CONTEXT } },
      },
      { Effect: 'Allow', ...byRole(role, { StringEquals: CONTEXT }), Action: 'kms:Decrypt', Resource: '*' },
    ]));
    // the role appears in the key policy in exactly that statement (by aws:PrincipalArn, never as principal): its dead
    // letters are on the stack's dead-letter key
    expect(statements.filter(s => JSON.stringify(s.Condition?.ArnEquals) === JSON.stringify({ 'aws:PrincipalArn': role }))).toHaveLength(1);
    expect(statements.filter(s => JSON.stringify(s.Principal) === JSON.stringify({ AWS: role }))).toHaveLength(0);
  });

  test('in strict mode the root keeps administration only, and the schedule still has every statement it needs', () => {
    const stack = testStack();
    const schedule = nightly(stack, new Fixtures(stack), { keyOptions: { strictMode: true } });
    const statements = keyPolicy(Template.fromStack(stack), stack, schedule.encryptionKey);
    expect(statements.find(s => s.Action === 'kms:*')).toBeUndefined();
    expect(statements.map(s => s.Sid.replace(/[0-9A-F]{8}$/, ''))).toEqual(expect.arrayContaining([
      'KeyAdministrationOnly', 'SchedulerDescribe', 'SchedulerEncrypt', 'SchedulerExecutionRoleDecrypt', 'EncryptionVerifierRoundTrip',
    ]));
  });

  test('an imported key is used as is: a warning lists the statements its owner must add, and no key is created', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const schedule = nightly(stack, new Fixtures(stack), { encryptionKey: key });
    const template = Template.fromStack(stack);
    expect(schedule.encryptionKey).toBe(key);
    expect(schedule.node.tryFindChild('Key')).toBeUndefined();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { KmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cannot be edited here'));
    expect(warnings).toHaveLength(1); // one per key, not one per purpose
    const text = String(warnings[0].entry.data);
    expect(text).toContain('The key arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is not defined in this stack');
    expect(text).toContain('For the EventBridge Scheduler schedule TestStack/Nightly; the deploy-time encryption verifier, its owner must add these statements');
    expect(text).toContain(`"kms:EncryptionContext:aws:scheduler:schedule:arn": "${ARN}"`);
    // the execution role by the IAM path it then gets: writable by the key owner before the stack is deployed
    expect(text).toContain('"aws:PrincipalArn": "arn:aws:iam::111122223333:role/cdk-encrypted-constructs/TestStack/Nightly/*"');
    template.hasResourceProperties('AWS::IAM::Role', { Path: '/cdk-encrypted-constructs/TestStack/Nightly/', Description: Match.stringLikeRegexp('Execution role') });
    expect(text).not.toMatch(/Fn::GetAtt|<ARN of/);
  });
});

describe('EncryptedSchedule: the dead-letter queue', () => {
  test('is created on the stack\'s dead-letter key (never the schedule\'s, whose failure would lose them), keeps messages 14 days, enforces TLS and is retained', () => {
    const { stack, schedule, template } = defaultSchedule();
    expect(schedule.deadLetterQueue.node.path).toBe('TestStack/Nightly/DeadLetterQueue');
    expect(schedule.deadLetterQueueKey).not.toBe(schedule.encryptionKey);
    template.hasResource('AWS::SQS::Queue', {
      Properties: { KmsMasterKeyId: ref(stack, SharedAlarmTopic.keyOf(stack).keyArn), MessageRetentionPeriod: 1209600 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(stack, schedule.deadLetterQueue.queueUrl)],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('a queue you bring is used as is; its key in this stack gains the role\'s statement', () => {
    const stack = testStack();
    const dlqKey = new EncryptionKey(stack, 'DlqKey', { protects: 'dead letters' });
    const queue = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: dlqKey, enforceSSL: true });
    const schedule = nightly(stack, new Fixtures(stack), { deadLetterQueue: queue });
    const template = Template.fromStack(stack);
    expect(schedule.deadLetterQueue).toBe(queue);
    expect(schedule.node.tryFindChild('DeadLetterQueue')).toBeUndefined();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ DeadLetterConfig: { Arn: ref(stack, queue.queueArn) } }) });
    const role = { 'Fn::GetAtt': [stack.getLogicalId(schedule.executionRole.node.defaultChild as iam.CfnRole), 'Arn'] };
    expect(keyPolicy(template, stack, dlqKey)).toContainEqual(expect.objectContaining({
      ...byRole(role, { StringEquals: VIA_SQS }), Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    }));
    expect(executionStatements(template)).toContainEqual({
      Sid: 'DeadLetterQueueKeyThroughSqs', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ref(stack, dlqKey.keyArn), Condition: { StringEquals: VIA_SQS },
    });
  });

  test('a queue whose key the construct cannot see is used with a warning', () => {
    const stack = testStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Dlq', 'arn:aws:sqs:eu-west-1:111122223333:team-dead-letters');
    const schedule = nightly(stack, new Fixtures(stack), { deadLetterQueue: queue });
    expect(schedule.deadLetterQueueKey).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/TestStack/Nightly', Match.stringLikeRegexp('The dead-letter queue TestStack/Dlq shows no customer managed key'));
    expect(executionStatements(Template.fromStack(stack))).toContainEqual({ Sid: 'SendToDeadLetterQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue.queueArn });
  });

  test('the target\'s own dead-letter queue is used when the prop is not given', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const queue = new sqs.Queue(stack, 'TargetDlq', { encryptionMasterKey: fixtures.key, enforceSSL: true });
    const schedule = nightly(stack, fixtures, { target: new targets.LambdaInvoke(fixtures.fn, { deadLetterQueue: queue }) });
    expect(schedule.deadLetterQueue).toBe(queue);
    const statements = executionStatements(Template.fromStack(stack));
    expect(statements.filter(s => [s.Action].flat().includes('sqs:SendMessage'))).toHaveLength(1);
  });

  test('grantConsumeDeadLetters lets a reader receive and decrypt the dead letters only through SQS', () => {
    const stack = testStack();
    const schedule = nightly(stack, new Fixtures(stack), { keyOptions: { strictMode: true } });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    schedule.grantConsumeDeadLetters(reader);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(reader.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] }),
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: ref(stack, SharedAlarmTopic.keyOf(stack).keyArn), Condition: { StringEquals: VIA_SQS } },
        ],
      },
    });
    expect(keyPolicy(template, stack, SharedAlarmTopic.keyOf(stack))).toContainEqual(expect.objectContaining({
      ...byRole(ref(stack, reader.roleArn), { StringEquals: VIA_SQS }), Action: 'kms:Decrypt',
    }));
  });
});

describe('EncryptedSchedule: alarms', () => {
  test('alarm on dead letters, target errors, dropped invocations and failed dead-lettering, over the schedule group', () => {
    const { stack, schedule, template } = defaultSchedule();
    // the schedule's four, and the stack's alert hub's alarm on its tampering rule's failed deliveries
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    const common = { ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, EvaluationPeriods: 1, Period: 300, TreatMissingData: 'notBreaching' };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stack.getLogicalId(schedule.deadLetterQueue.node.defaultChild as sqs.CfnQueue), 'QueueName'] } }],
    });
    for (const metricName of ['TargetErrorCount', 'InvocationDroppedCount', 'InvocationsFailedToBeSentToDeadLetterCount']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...common, Namespace: 'AWS/Scheduler', MetricName: metricName, Statistic: 'Sum', Dimensions: [{ Name: 'ScheduleGroup', Value: 'default' }],
      });
    }
    expect([schedule.deadLetterQueueAlarm, schedule.targetErrorsAlarm, schedule.droppedInvocationsAlarm, schedule.deadLetterFailuresAlarm].map(a => a.node.id))
      .toEqual(['DeadLetterQueueAlarm', 'TargetErrorsAlarm', 'DroppedInvocationsAlarm', 'DeadLetterFailuresAlarm']);
    // given no alarmTopic, every alarm notifies the stack's shared alarm topic (Control Tower's CT.CLOUDWATCH.PR.1 reads AlarmActions)
    // (the fifth is the stack's alarm on its tampering rule's failed deliveries, to the same topic)
    expect(Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmActions))
      .toEqual(Array(5).fill([ref(stack, schedule.alarmTopic.topicArn)]));
  });

  test('without alarmTopic, the schedules of a stack share one alarm topic on a key of its own, TLS only, published to only by their alarms', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const first = nightly(stack, fixtures, {}, 'First');
    const second = nightly(stack, fixtures, { scheduleGroup: scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'G', 'reports') }, 'Second');
    nightly(stack, fixtures, { alarmTopic: fixtures.topic }, 'Third');
    const template = Template.fromStack(stack);
    expect(first.alarmTopic).toBe(second.alarmTopic);
    expect(first.alarmTopic.node.path).toBe('TestStack/EncryptedConstructsAlarmTopic/Resource');
    expect(Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'cdk-encrypted-constructs alarms' } }))).toHaveLength(1);
    const topicKey = (first.alarmTopic as sns.Topic).masterKey!;
    expect(topicKey.node.path).toBe('TestStack/EncryptedConstructsAlarmTopic/Key');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: ref(stack, topicKey.keyArn) });
    expect(keyPolicy(template, stack, topicKey)).toContainEqual(expect.objectContaining({
      Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    }));
    const policy = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy'))
      .find(p => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref(stack, first.alarmTopic.topicArn)]));
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const published = statements.filter(s => s.Principal?.Service === 'cloudwatch.amazonaws.com').flatMap(s => s.Condition.ArnEquals['aws:SourceArn']);
    const alarmsOf = (s: EncryptedSchedule) => [s.deadLetterQueueAlarm, s.targetErrorsAlarm, s.droppedInvocationsAlarm, s.deadLetterFailuresAlarm];
    const hubAlarm = KeyTamperingAlert.hubOf(stack).node.findChild('KeyTamperingRuleDeliveryFailures') as cloudwatch.Alarm;
    expect(new Set(published.map(a => JSON.stringify(a)))).toEqual(new Set([...alarmsOf(first), ...alarmsOf(second), hubAlarm].map(a => JSON.stringify(ref(stack, a.alarmArn)))));
  });

  test('sixty schedules publish to the shared topic through ONE topic-policy statement (SNS: at most 100 statements and 30 KB)', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const schedules = Array.from({ length: 60 }, (_, i) => nightly(stack, fixtures, { verifyEncryption: false }, `Nightly${i}`));
    const template = Template.fromStack(stack);
    const policy = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy'))
      .find(p => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref(stack, schedules[0].alarmTopic.topicArn)]));
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    const publishers = statements.filter(s => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(publishers).toHaveLength(1);
    expect(publishers[0].Condition.ArnEquals['aws:SourceArn']).toContainEqual(ref(stack, schedules[59].deadLetterQueueAlarm.alarmArn));
    // a dead-letter alarm each, three for the group, one on each of the stack's tampering rules
    const tamperingRules = KeyTamperingAlert.of(stack).tamperingRules.length;
    expect(publishers[0].Condition.ArnEquals['aws:SourceArn']).toHaveLength(60 + 3 + tamperingRules);
    expect(statements.length).toBeLessThanOrEqual(100);
    // deploy-time size: every alarm ARN at its resolved length (arn:aws:cloudwatch:<region>:<account>:alarm:<name>, name ≤ 255)
    expect(JSON.stringify(policy.Properties.PolicyDocument).length + 63 * 120).toBeLessThan(30 * 1024);
  });

  test('no schedule alarm publishes to the shared topic when every schedule has its own', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const schedule = nightly(stack, fixtures, { alarmTopic: fixtures.topic });
    const template = Template.fromStack(stack);
    const shared = ref(stack, SharedAlarmTopic.of(stack).topicArn);
    for (const alarm of [schedule.deadLetterQueueAlarm, schedule.targetErrorsAlarm, schedule.droppedInvocationsAlarm, schedule.deadLetterFailuresAlarm]) {
      expect(template.toJSON().Resources[stack.getLogicalId(alarm.node.defaultChild as cloudwatch.CfnAlarm)].Properties.AlarmActions).not.toContainEqual(shared);
    }
  });

  test('notify the alarm topic, whose key lets CloudWatch publish on behalf of this account', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    nightly(stack, fixtures, { alarmTopic: fixtures.topic });
    const template = Template.fromStack(stack);
    const alarms = Object.entries<any>(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => !id.startsWith('KeyTamperingAlert')).map(([, a]) => a);
    expect(alarms.map(a => a.Properties.AlarmActions)).toEqual(Array(4).fill([ref(stack, fixtures.topic.topicArn)]));
    expect(keyPolicy(template, stack, fixtures.key)).toContainEqual(expect.objectContaining({
      Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    }));
  });

  test('metric() reads the AWS/Scheduler namespace for the schedule group', () => {
    const stack = testStack();
    const schedule = nightly(stack, new Fixtures(stack), { scheduleGroup: scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'G', 'reports') });
    const metric = schedule.metric('InvocationAttemptCount');
    expect([metric.namespace, metric.metricName, metric.dimensions, metric.statistic, metric.period.toSeconds()])
      .toEqual(['AWS/Scheduler', 'InvocationAttemptCount', { ScheduleGroup: 'reports' }, 'Sum', 300]);
  });

  test.each([
    ['metricThrottled', 'InvocationThrottleCount'],
    ['metricAttempts', 'InvocationAttemptCount'],
    ['metricTargetErrors', 'TargetErrorCount'],
    ['metricTargetThrottled', 'TargetErrorThrottledCount'],
    ['metricDropped', 'InvocationDroppedCount'],
    ['metricSentToDLQ', 'InvocationsSentToDeadLetterCount'],
    ['metricSentToDLQTruncated', 'InvocationsSentToDeadLetterCount_Truncated_MessageSizeExceeded'],
    ['metricFailedToBeSentToDLQ', 'InvocationsFailedToBeSentToDeadLetterCount'],
  ] as const)('%s() reads the same metric as scheduler.ScheduleGroup\'s method of that name (%s)', (method, metricName) => {
    const stack = testStack();
    const group = scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'G', 'reports');
    const schedule = nightly(stack, new Fixtures(stack), { scheduleGroup: group });
    // metricFailedToBeSentToDLQ takes an error code first, as aws-cdk-lib's does
    const args = method === 'metricFailedToBeSentToDLQ' ? [undefined, { period: Duration.minutes(1) }] : [{ period: Duration.minutes(1) }];
    const ours = (schedule[method] as (...a: unknown[]) => cloudwatch.Metric).apply(schedule, args);
    const theirs = (group[method] as (...a: unknown[]) => cloudwatch.Metric).apply(group, args);
    expect([ours.namespace, ours.metricName, ours.dimensions, ours.statistic, ours.period.toSeconds()])
      .toEqual([theirs.namespace, metricName, theirs.dimensions, 'Sum', 60]);
    expect(ours.metricName).toBe(theirs.metricName);
  });

  test('metricFailedToBeSentToDLQ(errorCode) reads the metric of that error code only', () => {
    const stack = testStack();
    const schedule = nightly(stack, new Fixtures(stack));
    expect(schedule.metricFailedToBeSentToDLQ('AWS.SQS.AccessDenied').metricName).toBe('InvocationsFailedToBeSentToDeadLetterCount_AWS.SQS.AccessDenied');
  });
});

describe('EncryptedSchedule: audit and verification', () => {
  test('verifies at deploy time that the schedule names the key, after the schedule exists', () => {
    const { stack, schedule, template } = defaultSchedule();
    const scheduleId = stack.getLogicalId(schedule.schedule.node.defaultChild as scheduler.CfnSchedule);
    template.hasResource('Custom::EncryptionVerification', {
      Properties: Match.objectLike({
        KeyArn: ref(stack, schedule.encryptionKey.keyArn),
        VerificationContext: { 'cdk-encrypted-constructs:verification': 'TestStack/Nightly/Verification' },
        Resources: [{ Type: 'AWS::Scheduler::Schedule', Name: NAME, GroupName: 'default' }],
      }),
      DependsOn: Match.arrayWith([scheduleId]),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'scheduler:GetSchedule', Resource: ARN }]) },
    });
  });

  test('verification and audit can be turned off', () => {
    const stack = testStack();
    const schedule = nightly(stack, new Fixtures(stack), { verifyEncryption: false, auditTrail: AuditTrail.none() });
    const template = Template.fromStack(stack);
    expect(schedule.verification).toBeUndefined();
    expect(schedule.auditTrailArn).toBeUndefined();
    template.resourceCountIs('Custom::EncryptionVerification', 0);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
  });

  test('three schedules in one stack share one trail and one verifier function, with no dependency cycle', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const schedules = ['Nightly', 'Hourly', 'Weekly'].map(id => nightly(stack, fixtures, {}, id));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Scheduler::Schedule', 3);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.resourceCountIs('Custom::EncryptionVerification', 3);
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions.filter(id => id.startsWith('EncryptionVerifier'))).toHaveLength(1);
    expect(new Set(schedules.map(s => s.scheduleName)).size).toBe(3);
    expect(new Set(schedules.map(s => s.auditTrailArn)).size).toBe(1);
    expect(findCycle(template.toJSON())).toBeUndefined();
  });

  test('schedules of one group share the group\'s Scheduler alarms (its metrics exist per group), each keeps its own DLQ alarm', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const topic = new sns.Topic(stack, 'Ops', { enforceSSL: true });
    const schedules = ['Nightly', 'Hourly', 'Weekly'].map(id => nightly(stack, fixtures, { alarmTopic: topic }, id));
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms.filter(a => a.Properties.Namespace === 'AWS/Scheduler')).toHaveLength(3);
    expect(alarms.filter(a => a.Properties.Namespace === 'AWS/SQS')).toHaveLength(3);
    expect(new Set(schedules.map(s => s.targetErrorsAlarm))).toEqual(new Set([schedules[0].targetErrorsAlarm]));
    expect(alarms.filter(a => a.Properties.Namespace === 'AWS/Scheduler').every(a => a.Properties.AlarmActions.length === 1)).toBe(true);
  });

  test('the default configuration forms no dependency cycle', () => {
    expect(findCycle(defaultSchedule().template.toJSON())).toBeUndefined();
  });

  test('synthesis is byte-identical twice', () => {
    const synth = () => JSON.stringify(defaultSchedule().template.toJSON());
    expect(synth()).toEqual(synth());
  });

  test('the default configuration matches its snapshot', () => {
    const stack = testStack();
    nightly(stack, new Fixtures(stack));
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
