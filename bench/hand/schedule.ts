/**
 * One encrypted EventBridge Scheduler schedule written by hand with aws-cdk-lib: key with the Scheduler statements
 * (kms:ViaService, kms:CallerAccount, the schedule's encryption context), an execution role trusted by Scheduler for
 * this account and group only, with a context-conditioned kms:Decrypt, an SQS dead-letter queue on the key, and the
 * schedule with `KmsKeyArn` set on its L1 (the L2's `key` would grant the role an unconditioned kms:Decrypt).
 */
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { handKey, sharedTargetFunction } from './common';

export function handSchedule(stack: Stack, id: string): void {
  const scope = new Construct(stack, id);
  const { account, region } = stack;
  // A fixed name: the key policy and the role name the schedule's ARN, which through Fn::GetAtt would be a cycle.
  const scheduleName = `bench-${id}`;
  const scheduleArn = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `default/${scheduleName}` });
  const groupArn = stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' });
  const context = { 'kms:EncryptionContext:aws:scheduler:schedule:arn': scheduleArn };
  const viaScheduler = { 'kms:ViaService': `scheduler.${region}.amazonaws.com`, 'kms:CallerAccount': account };
  const viaSqs = { 'kms:ViaService': `sqs.${region}.amazonaws.com` };

  const key = handKey(scope, `EventBridge Scheduler payload of ${scheduleName}`);
  const role = new iam.Role(scope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': account, 'aws:SourceArn': groupArn } },
    }),
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { StringEquals: context } }));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn], conditions: { StringEquals: viaSqs } }));

  const root = new iam.AccountRootPrincipal();
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'SchedulerDescribe', principals: [root], actions: ['kms:DescribeKey'], resources: ['*'], conditions: { StringEquals: viaScheduler },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'SchedulerEncrypt',
    principals: [root],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { ...viaScheduler, ...context } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'SchedulerExecutionRoleDecrypt', principals: [role], actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: context },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DeadLetterQueue', principals: [role], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'], conditions: { StringEquals: viaSqs },
  }));

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    scheduleName,
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(sharedTargetFunction(stack), {
      role,
      input: scheduler.ScheduleTargetInput.fromObject({ job: `report ${id}` }),
      deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    }),
    description: 'Starts the nightly report job',
  });
  (schedule.node.defaultChild as scheduler.CfnSchedule).kmsKeyArn = key.keyArn;
}

/** A schedule group and the key its schedules share, as a careful user writes them for hundreds of schedules. */
export interface HandScheduleGroup {
  readonly name: string;
  readonly group: scheduler.IScheduleGroup;
  readonly key: kms.Key;
  /** The IAM path of the group's execution roles, which the key policy names (one set of statements per group). */
  readonly rolePath: string;
}

/**
 * A schedule group and its shared key by hand: the key policy names the group (`schedule/<group>/*` as encryption
 * context) and the execution roles by their IAM path, once; each role's own policy keeps the exact schedule.
 */
export function handScheduleGroup(stack: Stack, id: string, name: string): HandScheduleGroup {
  const { account, region, partition } = stack;
  const group = new scheduler.ScheduleGroup(stack, id, { scheduleGroupName: name });
  const rolePath = `/bench/scheduler/${name}/`;
  const key = handKey(new Construct(stack, `${id}Keys`), `EventBridge Scheduler payloads of the schedule group ${name}`);
  const context = { 'kms:EncryptionContext:aws:scheduler:schedule:arn': stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${name}/*` }) };
  const viaScheduler = { 'kms:ViaService': `scheduler.${region}.amazonaws.com`, 'kms:CallerAccount': account };
  const roles = { ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${account}:role${rolePath}*` } };
  const root = new iam.AccountRootPrincipal();
  key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'SchedulerDescribe', principals: [root], actions: ['kms:DescribeKey'], resources: ['*'], conditions: { StringEquals: viaScheduler } }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'SchedulerEncrypt', principals: [root], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'], conditions: { StringEquals: viaScheduler, StringLike: context },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'SchedulerExecutionRoleDecrypt', principals: [root], actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringLike: context, ...roles } }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DeadLetterQueue', principals: [root], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` }, ...roles },
  }));
  return { name, group, key, rolePath };
}

/** One schedule of a {@link handScheduleGroup}: role (under the group's path), dead-letter queue on the group key, schedule. */
export function handGroupSchedule(stack: Stack, id: string, group: HandScheduleGroup): void {
  const scope = new Construct(stack, id);
  const { account, region } = stack;
  const scheduleName = `bench-${id}`;
  const scheduleArn = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group.name}/${scheduleName}` });
  const groupArn = stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: group.name });
  const role = new iam.Role(scope, 'ExecutionRole', {
    path: group.rolePath,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account, 'aws:SourceArn': groupArn } } }),
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [group.key.keyArn], conditions: { StringEquals: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': scheduleArn } } }));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [group.key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } } }));
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: group.key, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy: RemovalPolicy.RETAIN,
  });
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    scheduleName,
    scheduleGroup: group.group,
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(sharedTargetFunction(stack), {
      role, input: scheduler.ScheduleTargetInput.fromObject({ job: `report ${id}` }), deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24),
    }),
    description: 'Starts the nightly report job',
  });
  (schedule.node.defaultChild as scheduler.CfnSchedule).kmsKeyArn = group.key.keyArn;
}
