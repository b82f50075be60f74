import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { allowAlarmsToPublish } from '../stack/alarm-topic';

/** What the bus's alarms watch and where they notify. */
export interface BusAlarmOptions {
  readonly eventBusName: string;
  /** The topic every alarm notifies. */
  readonly alarmTopic: sns.ITopic;
  /** The dead-letter queue's depth; undefined for an existing bus, whose queue the construct does not know. */
  readonly deadLetterQueueDepth?: cloudwatch.IMetric;
  /** The permanently failed invocations of the bus's rules. */
  readonly failedInvocations: cloudwatch.IMetric;
}

/** The alarms of an archived bus. */
export interface BusAlarms {
  readonly deadLetterQueueAlarm?: cloudwatch.Alarm;
  readonly failedInvocationsAlarm: cloudwatch.Alarm;
}

/**
 * An alarm on the dead-letter queue (when the construct knows it) and one on the failed invocations of the bus's
 * rules, both notifying the alarm topic, whose policy lets CloudWatch publish for these alarms only.
 */
export function busAlarms(scope: Construct, options: BusAlarmOptions): BusAlarms {
  const notify = new cloudwatchActions.SnsAction(options.alarmTopic);
  let deadLetterQueueAlarm: cloudwatch.Alarm | undefined;
  if (options.deadLetterQueueDepth) {
    deadLetterQueueAlarm = new cloudwatch.Alarm(scope, 'DeadLetterQueueAlarm', {
      alarmDescription: `Events that EventBridge could not encrypt or decrypt on the bus ${options.eventBusName} are waiting in its dead-letter queue. Check that the key is enabled and its policy unchanged, then redrive them.`,
      metric: options.deadLetterQueueDepth,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    deadLetterQueueAlarm.addAlarmAction(notify);
  }
  const failedInvocationsAlarm = new cloudwatch.Alarm(scope, 'FailedInvocationsAlarm', {
    alarmDescription: `At least one invocation of a rule on the event bus ${options.eventBusName} failed permanently (AWS/Events FailedInvocations).`,
    metric: options.failedInvocations,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  failedInvocationsAlarm.addAlarmAction(notify);
  const alarms = [deadLetterQueueAlarm, failedInvocationsAlarm].filter((x): x is cloudwatch.Alarm => x !== undefined);
  allowAlarmsToPublish(scope, options.alarmTopic, alarms, `the alarms of ${scope.node.path}`);
  return { deadLetterQueueAlarm, failedInvocationsAlarm };
}
