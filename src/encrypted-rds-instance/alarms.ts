import { Annotations, Duration, Size, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EncryptedRdsInstanceProps } from './props';
import { EngineFacts, estimatedMaxConnections } from '../services/rds/engine-facts';
import { CDK_DEFAULT_ALLOCATED_STORAGE_GIB } from '../services/rds/naming-facts';
import { allowAlarmsToPublish } from '../stack/alarm-topic';

/** The three alarms of an instance. */
export interface InstanceAlarms {
  readonly cpu: cloudwatch.Alarm;
  readonly freeStorage: cloudwatch.Alarm;
  readonly connections: cloudwatch.Alarm;
}

/**
 * The CPU (child `CpuAlarm`), free-storage (`FreeStorageAlarm`) and connections (`ConnectionsAlarm`) alarms, each
 * notifying `topic`, whose policy lets CloudWatch publish for these alarms only.
 */
export function createInstanceAlarms(scope: Construct, instance: rds.DatabaseInstance, props: EncryptedRdsInstanceProps, facts: EngineFacts,
  instanceClass: string, topic: sns.ITopic): InstanceAlarms {
  const fiveMinutes = Duration.minutes(5);
  const cpu = new cloudwatch.Alarm(scope, 'CpuAlarm', {
    alarmDescription: `CPU utilization of ${scope.node.path} stays at or above its threshold`,
    metric: instance.metricCPUUtilization({ period: fiveMinutes, statistic: cloudwatch.Stats.AVERAGE }),
    threshold: props.cpuUtilizationAlarmThreshold ?? 80,
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const freeStorage = new cloudwatch.Alarm(scope, 'FreeStorageAlarm', {
    alarmDescription: `Free storage of ${scope.node.path} is at or below its threshold`,
    metric: instance.metricFreeStorageSpace({ period: fiveMinutes, statistic: cloudwatch.Stats.MINIMUM }),
    threshold: freeStorageThresholdBytes(props),
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const connections = new cloudwatch.Alarm(scope, 'ConnectionsAlarm', {
    alarmDescription: `Database connections of ${scope.node.path} stay near the engine's max_connections`,
    metric: instance.metricDatabaseConnections({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: connectionsThreshold(scope, props, facts, instanceClass),
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const alarms = [cpu, freeStorage, connections];
  const action = new cloudwatchActions.SnsAction(topic);
  for (const alarm of alarms) alarm.addAlarmAction(action);
  allowAlarmsToPublish(scope, topic, alarms, `the alarms of ${scope.node.path}`);
  return { cpu, freeStorage, connections };
}

/** `freeStorageAlarmThreshold`, else 10% of the allocated storage (of aws-cdk-lib's 100 GiB when not given). */
function freeStorageThresholdBytes(props: EncryptedRdsInstanceProps): number {
  if (props.freeStorageAlarmThreshold) return props.freeStorageAlarmThreshold.toBytes();
  const allocated = props.allocatedStorage !== undefined && !Token.isUnresolved(props.allocatedStorage) ? props.allocatedStorage : CDK_DEFAULT_ALLOCATED_STORAGE_GIB;
  return Math.floor(Size.gibibytes(allocated).toBytes() / 10);
}

/**
 * `connectionsAlarmThreshold`, else 80% of the engine's default `max_connections` estimated for the instance class;
 * 100, with a warning, for a class whose memory is not known.
 */
function connectionsThreshold(scope: Construct, props: EncryptedRdsInstanceProps, facts: EngineFacts, instanceClass: string): number {
  if (props.connectionsAlarmThreshold !== undefined) return props.connectionsAlarmThreshold;
  const max = estimatedMaxConnections(facts, instanceClass);
  if (max === undefined) {
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:rds-connections-threshold-guessed',
      `The connections alarm fires at 100 connections: the memory of db.${instanceClass} is not known to the construct, so max_connections cannot be estimated. Set connectionsAlarmThreshold.`);
    return 100;
  }
  return Math.max(1, Math.floor(max * 0.8));
}
