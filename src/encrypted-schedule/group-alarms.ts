import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { allowAlarmsToPublish } from '../private/alarm-topic';
import { shortHash } from '../private/arns';

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
