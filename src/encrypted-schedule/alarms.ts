import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ScheduleGroupAlarms, ScheduleGroupDeadLetters } from './group-alarms';
import { allowAlarmsToPublish } from '../stack/alarm-topic';

/** The alarms a schedule exposes. */
export interface ScheduleAlarms {
  readonly deadLetterQueue: cloudwatch.Alarm;
  readonly targetErrors: cloudwatch.Alarm;
  readonly dropped: cloudwatch.Alarm;
  readonly deadLetterFailures: cloudwatch.Alarm;
}

/**
 * The schedule's alarms, each notifying `topic`: the group's Scheduler alarms (shared by the group's schedules), and
 * the dead-letter queue's alarm (child `DeadLetterQueueAlarm`, or the one alarm of a queue shared by the group).
 */
export function createScheduleAlarms(scope: Construct, groupName: string, metric: (name: string) => cloudwatch.IMetric,
  deadLetterQueue: sqs.IQueue, topic: sns.ITopic, groupDeadLetters: ScheduleGroupDeadLetters | undefined): ScheduleAlarms {
  const alarm = (id: string, alarmMetric: cloudwatch.IMetric, description: string) => {
    const created = new cloudwatch.Alarm(scope, id, {
      metric: alarmMetric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description} (EventBridge Scheduler schedule ${scope.node.path})`,
    });
    created.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    return created;
  };
  // Scheduler publishes its metrics per schedule group: those alarms are shared by the group's schedules.
  const group = ScheduleGroupAlarms.of(scope, groupName, metric);
  group.notify(topic);
  // A dead-letter queue shared by the group's schedules on one key has one alarm, shared too.
  groupDeadLetters?.notify(topic);
  const deadLetterAlarm = groupDeadLetters?.alarm ?? alarm('DeadLetterQueueAlarm',
    deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
    'Failed invocations are waiting in the dead-letter queue');
  if (!groupDeadLetters) allowAlarmsToPublish(scope, topic, [deadLetterAlarm], `the alarms of the EventBridge Scheduler schedule ${scope.node.path}`);
  return {
    deadLetterQueue: deadLetterAlarm,
    targetErrors: group.targetErrors,
    dropped: group.dropped,
    deadLetterFailures: group.deadLetterFailures,
  };
}
