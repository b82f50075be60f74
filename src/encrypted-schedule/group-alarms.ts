import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { shortHash } from '../internal/arns';
import { allowAlarmsToPublish, SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';

/**
 * The alarms on EventBridge Scheduler's metrics, which exist per schedule GROUP only: one set per group per stack,
 * shared by every `EncryptedSchedule` of that group (N schedules in one group would otherwise make N identical sets).
 * Each schedule's `alarmTopic` is added once as an action.
 */
export class ScheduleGroupAlarms extends Construct {
  /** The group's alarms in the stack of `scope`, created on first use. */
  public static of(scope: IConstruct, groupName: string, metric: (name: string) => cloudwatch.IMetric): ScheduleGroupAlarms {
    const stack = Stack.of(scope);
    const id = `SchedulerAlarms${shortHash(JSON.stringify(stack.resolve(groupName)))}`;
    const existing = stack.node.tryFindChild(id);
    return existing instanceof ScheduleGroupAlarms ? existing : new ScheduleGroupAlarms(stack, id, groupName, metric);
  }

  public readonly targetErrors: cloudwatch.Alarm;
  public readonly dropped: cloudwatch.Alarm;
  public readonly deadLetterFailures: cloudwatch.Alarm;
  private readonly topics = new Set<sns.ITopic>();

  private constructor(scope: Construct, id: string, groupName: string, metric: (name: string) => cloudwatch.IMetric) {
    super(scope, id);
    const alarm = (alarmId: string, metricName: string, description: string) => new cloudwatch.Alarm(this, alarmId, {
      metric: metric(metricName),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description} (EventBridge Scheduler schedule group ${groupName})`,
    });
    this.targetErrors = alarm('TargetErrorsAlarm', 'TargetErrorCount', 'Targets of the schedule group returned errors');
    this.dropped = alarm('DroppedInvocationsAlarm', 'InvocationDroppedCount', 'Invocations were dropped after the retry policy was exhausted');
    this.deadLetterFailures = alarm('DeadLetterFailuresAlarm', 'InvocationsFailedToBeSentToDeadLetterCount',
      'Failed invocations could not be sent to the dead-letter queue and are lost');
  }

  /** Routes the group's alarms to a schedule's topic (once per topic). */
  public notify(topic: sns.ITopic): void {
    const alarms = [this.targetErrors, this.dropped, this.deadLetterFailures];
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    for (const a of alarms) a.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    allowAlarmsToPublish(this, topic, alarms, `the Scheduler alarms of schedule group ${this.node.path}`);
  }
}

/**
 * The dead-letter queue, and its alarm, of the schedules of one group that share one key with
 * `ScheduleKeyPolicyScope.SCHEDULE_GROUP`: one per (group, key) per stack (child `SchedulerDeadLetters<hash>` of the
 * stack, with the queue at `Queue` and its alarm at `Alarm`) instead of one per schedule. Their key policy already
 * names the group's schedules and execution roles rather than each one, so a queue per schedule on that key would
 * separate nothing the key does not. Readers of the queue read the whole group's dead letters.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export class ScheduleGroupDeadLetters extends Construct {
  /** The group's dead letters on `key` in the stack of `scope`, created on first use. */
  public static of(scope: IConstruct, groupName: string, key: kms.IKey): ScheduleGroupDeadLetters {
    const stack = Stack.of(scope);
    const id = `SchedulerDeadLetters${shortHash(`${JSON.stringify(stack.resolve(groupName))} ${key.node.path}`)}`;
    const existing = stack.node.tryFindChild(id);
    return existing instanceof ScheduleGroupDeadLetters ? existing : new ScheduleGroupDeadLetters(stack, id, groupName, key);
  }

  /** The queue, on the stack's dead-letter key, TLS only, 14 days, retained on delete. */
  public readonly queue: sqs.Queue;
  /** In alarm when the queue holds any message (maximum of visible messages over 5 minutes > 0). */
  public readonly alarm: cloudwatch.Alarm;
  private readonly topics = new Set<sns.ITopic>();

  private constructor(scope: Construct, id: string, groupName: string, key: kms.IKey) {
    super(scope, id);
    // on the stack's dead-letter key, never the group's (see EncryptedSchedule's dead-letter queue)
    this.queue = newDeadLetterQueue(this, 'Queue', {
      key: SharedAlarmTopic.keyOf(this),
      removalPolicy: RemovalPolicy.RETAIN,
      usedBy: `the EventBridge Scheduler schedules of group ${groupName} on the key ${key.node.path}`,
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Failed invocations are waiting in the dead-letter queue shared by the EventBridge Scheduler schedules of group ${groupName} on the key ${key.node.path}`,
    });
  }

  /** Routes the alarm to a schedule's topic (once per topic). */
  public notify(topic: sns.ITopic): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    allowAlarmsToPublish(this, topic, [this.alarm], `the dead-letter queue alarm of ${this.node.path}`);
  }
}
