import { Annotations, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createScheduleAlarms } from './alarms';
import { scheduleDeadLetterQueue } from './dead-letter-queue';
import { confineTargetStatements, redirectableProps, ScheduleExecutionRole, targetWithRole } from './execution-role';
import { ScheduleGroupDeadLetters } from './group-alarms';
import { addScheduleStatements } from './permissions';
import { EncryptedScheduleProps, ScheduleKeyPolicyScope } from './props';
import { validatePayload, validateScheduleProps, warnIfDeadLetterQueueElsewhere, warnIfInThePast } from './validation';
import { watchChannelKey } from '../audit/audit-key';
import { IEncryptedResource } from '../encrypted-resource/props';
import { setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { addKeyStatements, registerRolePath } from '../key/key-policy';
import { guardManagedPolicySize } from '../quotas/quota-guards';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * An EventBridge Scheduler schedule whose payload is encrypted with a customer managed KMS key, correct on the first
 * deploy.
 *
 * It creates the key (unless given), a schedule with `KmsKeyArn` set, an execution role that trusts only Scheduler
 * for this account and schedule group, and may decrypt only this schedule's payload (encryption context
 * `aws:scheduler:schedule:arn`), an encrypted dead-letter queue, alarms, the account's audit trail and a deploy-time
 * verification that the schedule really names the key.
 *
 * The schedule's ARN is built from a name known before deploy (the given `scheduleName`, else one derived from the
 * construct path), so the key policy can name it without a dependency cycle.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
 */
export class EncryptedSchedule extends Construct implements IEncryptedResource {
  /** The customer managed key that encrypts the payload (and the dead-letter queue the construct creates). */
  public readonly encryptionKey: kms.IKey;
  /** ARN of the trail that audits the key, if any. */
  public readonly auditTrailArn?: string;
  /** The schedule. Its `key` is unset on purpose: `encryptionKey` is the key (set on the resource as `KmsKeyArn`). */
  public readonly schedule: scheduler.Schedule;
  /** Name of the schedule (known at synth time unless given as a token). */
  public readonly scheduleName: string;
  /** Name of the schedule's group. */
  public readonly scheduleGroupName: string;
  /** ARN of the schedule, `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>`: the encryption context. */
  public readonly scheduleArn: string;
  /** The role Scheduler assumes to invoke the target. */
  public readonly executionRole: iam.IRole;
  /** The customer managed policy holding every permission of the execution role that the construct grants. */
  public readonly executionRolePolicy: iam.ManagedPolicy;
  /**
   * The dead-letter queue: the one given, the schedule's own, or (group scope on a key you give) the one queue of the
   * group's schedules on that key.
   */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The key that encrypts the dead-letter queue, when the construct can see it. */
  public readonly deadLetterQueueKey?: kms.IKey;
  /**
   * In alarm when the dead-letter queue holds any message (maximum of visible messages over 5 minutes > 0).
   * Shared, like the queue, by the group's schedules on one key in group scope.
   */
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  /** In alarm when targets of the schedule group return errors (`TargetErrorCount` > 0 in 5 minutes). */
  public readonly targetErrorsAlarm: cloudwatch.Alarm;
  /** In alarm when invocations are dropped after the retry policy is exhausted (`InvocationDroppedCount` > 0). */
  public readonly droppedInvocationsAlarm: cloudwatch.Alarm;
  /** In alarm when failed invocations could not be sent to the dead-letter queue (`InvocationsFailedToBeSentToDeadLetterCount` > 0). */
  public readonly deadLetterFailuresAlarm: cloudwatch.Alarm;
  /** The topic the alarms notify: the `alarmTopic` given, else the stack's shared alarm topic. Subscribe to it. */
  public readonly alarmTopic: sns.ITopic;
  /** The deploy-time encryption verification, unless turned off. */
  public readonly verification?: EncryptionVerification;

  constructor(scope: Construct, id: string, props: EncryptedScheduleProps) {
    super(scope, id);
    // validate
    validateScheduleProps(this, props);
    warnIfInThePast(this, props.schedule);

    const environment = stackEnvironment(this);
    this.scheduleGroupName = props.scheduleGroup?.scheduleGroupName ?? 'default';
    this.scheduleName = props.scheduleName ?? deterministicName(this, 64);
    this.scheduleArn = formatArn(this, { service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/${this.scheduleName}` });
    const scheduleGroupArn = formatArn(this, { service: 'scheduler', resource: 'schedule-group', resourceName: this.scheduleGroupName });

    // key and audit trail
    const encryption = setUpEncryption(this, props, 'EventBridge Scheduler schedule payloads');
    this.encryptionKey = encryption.key;
    this.auditTrailArn = encryption.auditTrailArn;

    // resources: the execution role's policy and role, the dead-letter queue, the schedule.
    // The role, when the target lets us choose it. Scheduler requires aws:SourceArn in the trust policy to be the
    // schedule GROUP's ARN (not the schedule's); the schedule itself is pinned by the encryption-context condition.
    this.executionRolePolicy = new iam.ManagedPolicy(this, 'ExecutionRolePolicy', {
      description: `Permissions of the EventBridge Scheduler schedule ${this.node.path}: its target, its payload key, its dead-letter queue`,
    });
    guardManagedPolicySize(this.executionRolePolicy, 'The target\'s own grants fill it: give the target fewer resources, or bring a role for it.');
    const targetProps = redirectableProps(props.target);
    const groupScope = props.keyPolicyScope === ScheduleKeyPolicyScope.SCHEDULE_GROUP;
    // With the group scope, the key policy names the execution roles by this IAM path (aws:PrincipalArn like it).
    const rolePath = `/cdk-encrypted-constructs/scheduler/${this.scheduleGroupName}/`;
    const ownRole = targetProps ? new ScheduleExecutionRole(this, 'ExecutionRole', {
      path: groupScope ? rolePath : undefined,
      policy: this.executionRolePolicy,
      description: `Execution role of the EventBridge Scheduler schedule ${this.node.path} (cdk-encrypted-constructs)`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': environment.account, 'aws:SourceArn': scheduleGroupArn } },
      }),
    }) : undefined;
    // Named by its IAM path in the statements printed for keys this stack cannot edit (set only then).
    if (ownRole) registerRolePath(ownRole);

    // The dead-letter queue: the user's, else the target's, else (group scope on a key the user gives) the one queue of
    // the group's schedules on that key, else a new one. Library queues are on the stack's dead-letter key, never on the
    // schedule's key: the Scheduler guide does not say whether a schedule whose key is disabled dead-letters its
    // invocations, and if it does, SQS could not encrypt them with that key (KMSDisabledException) and they would be lost.
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
    const givenQueue = props.deadLetterQueue ?? targetProps?.deadLetterQueue;
    const groupDeadLetters = !givenQueue && groupScope && ownRole !== undefined && props.encryptionKey !== undefined
      ? ScheduleGroupDeadLetters.of(this, this.scheduleGroupName, this.encryptionKey) : undefined;
    if (givenQueue) warnIfDeadLetterQueueElsewhere(this, givenQueue);
    const deadLetters = scheduleDeadLetterQueue(this, givenQueue, groupDeadLetters);
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterQueueKey = deadLetters.key;

    let boundRole: iam.IRole | undefined;
    let retryPolicy: { [property: string]: number } = {};
    const target: scheduler.IScheduleTarget = {
      bind: (schedule) => {
        let config: scheduler.ScheduleTargetConfig | undefined;
        if (ownRole) {
          const granted = ownRole.collect(() => { config = targetWithRole(props.target, ownRole)!.bind(schedule); });
          this.executionRolePolicy.addStatements(...confineTargetStatements(this, granted, config!.arn));
        } else {
          config = props.target.bind(schedule);
        }
        const bound = config!;
        validatePayload(this, bound.input?.bind(schedule));
        boundRole = bound.role;
        retryPolicy = {
          MaximumRetryAttempts: props.retryAttempts ?? bound.retryPolicy?.maximumRetryAttempts ?? 185,
          MaximumEventAgeInSeconds: props.maxEventAge?.toSeconds() ?? bound.retryPolicy?.maximumEventAgeInSeconds ?? Duration.hours(24).toSeconds(),
        };
        // Tokens are set on the resource below: the L2 compares them with its limits as if they were numbers.
        const literal = (value: number) => (Token.isUnresolved(value) ? undefined : value);
        return {
          ...bound,
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          retryPolicy: {
            maximumRetryAttempts: literal(retryPolicy.MaximumRetryAttempts),
            maximumEventAgeInSeconds: literal(retryPolicy.MaximumEventAgeInSeconds),
          },
        };
      },
    };

    // The key is set on the resource, not passed to the L2: the L2 would grant the role an unconditioned kms:Decrypt.
    this.schedule = new scheduler.Schedule(this, 'Resource', {
      schedule: props.schedule,
      target,
      scheduleName: this.scheduleName,
      scheduleGroup: props.scheduleGroup,
      description: props.description,
      enabled: props.enabled,
      timeWindow: props.timeWindow ? scheduler.TimeWindow.flexible(props.timeWindow) : undefined,
      start: props.start,
      end: props.end,
    });
    const cfnSchedule = this.schedule.node.defaultChild as scheduler.CfnSchedule;
    cfnSchedule.kmsKeyArn = this.encryptionKey.keyArn;
    for (const [property, value] of Object.entries(retryPolicy)) {
      if (Token.isUnresolved(value)) cfnSchedule.addPropertyOverride(`Target.RetryPolicy.${property}`, value);
    }
    this.schedule.node.addDependency(this.executionRolePolicy);
    // The L2 writes the group as a plain name (GroupName, no Ref), so nothing orders the two: without this, CloudFormation
    // may create the schedule before a group defined in the same stack, and a schedule joins its group only when it is
    // created. An imported group (no resource of its own) needs nothing.
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group-create.html
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
    if (props.scheduleGroup && CfnResource.isCfnResource(props.scheduleGroup.node.defaultChild)
      && Stack.of(props.scheduleGroup) === Stack.of(this)) {
      this.schedule.node.addDependency(props.scheduleGroup);
    }
    this.executionRole = ownRole ?? boundRole!;
    if (!ownRole) {
      this.executionRolePolicy.attachToRole(this.executionRole);
      Annotations.of(this).addWarningV2('cdk-encrypted-constructs:schedule-target-role', [
        `The target brings its own role (${this.executionRole.node.path}), which is kept.`,
        'The construct attached its policy (payload decrypt for this schedule only, dead-letter queue) to that role, but cannot vouch for the role\'s trust policy',
        `(it should trust scheduler.amazonaws.com only with aws:SourceAccount ${environment.account} and aws:SourceArn ${scheduleGroupArn}) or its other permissions.`,
        'Build the target without a role to let the construct create a confined one.',
      ].join(' '));
    }

    // statements: the execution role's own policy, the schedule's key policy and the dead-letter queue's key policy
    const groupSchedules = formatArn(this, { service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*` });
    const byGroup = groupScope && ownRole !== undefined;
    addScheduleStatements(this, encryption, {
      policy: this.executionRolePolicy,
      key: this.encryptionKey,
      scheduleArn: this.scheduleArn,
      executionRole: this.executionRole,
      deadLetterQueue: this.deadLetterQueue,
      deadLetterQueueKey: this.deadLetterQueueKey,
      groupScope: byGroup ? { groupSchedules, rolePath } : undefined,
    });

    // alarms: every alarm gets an action (Control Tower's CT.CLOUDWATCH.PR.1 reads AlarmActions at deploy time): the user's
    // topic, else one topic per stack shared by the library's alarms, never a topic (and a key) per schedule.
    this.alarmTopic = props.alarmTopic ?? SharedAlarmTopic.of(this);
    // the keys the alarms and dead letters travel through are watched like the schedule's key (when the stack audits)
    watchChannelKey(this, props.alarmTopic?.masterKey);
    if (givenQueue) watchChannelKey(this, this.deadLetterQueueKey);
    const alarms = createScheduleAlarms(this, this.scheduleGroupName, name => this.metric(name), this.deadLetterQueue, this.alarmTopic, groupDeadLetters);
    this.deadLetterQueueAlarm = alarms.deadLetterQueue;
    this.targetErrorsAlarm = alarms.targetErrors;
    this.droppedInvocationsAlarm = alarms.dropped;
    this.deadLetterFailuresAlarm = alarms.deadLetterFailures;

    // verification: the deploy-time check that the schedule names the key
    this.verification = verifyEncryption(this, props, this.encryptionKey, [
      VerifiedResource.schedule(this.scheduleName, this.scheduleGroupName, this.scheduleArn, this.schedule, byGroup ? groupSchedules : undefined),
    ]);
  }

  /**
   * A Scheduler metric of this schedule's group (namespace `AWS/Scheduler`, dimension `ScheduleGroup`), summed over
   * 5 minutes. Scheduler publishes no per-schedule dimension.
   *
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Scheduler',
      metricName,
      dimensionsMap: { ScheduleGroup: this.scheduleGroupName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /**
   * Invocations Scheduler throttled because the account's invocation quota was exceeded (`InvocationThrottleCount`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationThrottleCount', props);
  }

  /**
   * Invocation attempts, retries included (`InvocationAttemptCount`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricAttempts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationAttemptCount', props);
  }

  /**
   * Invocations that failed because the target returned an error (`TargetErrorCount`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricTargetErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetErrorCount', props);
  }

  /**
   * Invocations that failed because the target throttled them (`TargetErrorThrottledCount`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricTargetThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetErrorThrottledCount', props);
  }

  /**
   * Invocations Scheduler dropped after its retries, with no dead-letter queue to take them (`InvocationDroppedCount`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricDropped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationDroppedCount', props);
  }

  /**
   * Invocations sent to the dead-letter queue (`InvocationsSentToDeadLetterCount`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricSentToDLQ(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsSentToDeadLetterCount', props);
  }

  /**
   * Invocations sent to the dead-letter queue truncated to its message size (`InvocationsSentToDeadLetterCount_Truncated_MessageSizeExceeded`).
   * For this schedule's group, like `metric()`; named as `scheduler.ScheduleGroup` names it.
   */
  public metricSentToDLQTruncated(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsSentToDeadLetterCount_Truncated_MessageSizeExceeded', props);
  }

  /**
   * Invocations that could not be sent to the dead-letter queue (`InvocationsFailedToBeSentToDeadLetterCount`), or
   * only those that failed with `errorCode` (e.g. `AWS.SQS.AccessDenied`). For this schedule's group, like `metric()`;
   * named as `scheduler.ScheduleGroup` names it.
   *
   * @param errorCode the error code the metric name ends with (every error code when omitted)
   */
  public metricFailedToBeSentToDLQ(errorCode?: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(errorCode ? `InvocationsFailedToBeSentToDeadLetterCount_${errorCode}` : 'InvocationsFailedToBeSentToDeadLetterCount', props);
  }

  /**
   * Lets a principal read and delete the dead letters: receive, delete and change visibility of messages, and
   * decrypt them with the queue's key only through SQS. When that key's policy is defined in this stack it gains the
   * matching statement (needed in strict mode). A queue shared by the schedules of a group (group scope on a key you
   * give) holds the dead letters of all of them: the grantee reads them all.
   */
  public grantConsumeDeadLetters(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
    if (this.deadLetterQueueKey) {
      const region = stackEnvironment(this).region;
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.deadLetterQueueKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
      });
      addKeyStatements(this, this.deadLetterQueueKey, [new iam.PolicyStatement({
        sid: 'ConsumeDeadLetters',
        principals: [grantee.grantPrincipal],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
      })], `readers of the dead-letter queue of the EventBridge Scheduler schedule ${this.node.path}`);
    }
    return grant;
  }
}
