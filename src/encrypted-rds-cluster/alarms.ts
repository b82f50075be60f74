import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EncryptedRdsClusterProps } from './props';
import { ClusterEngineFacts, SERVERLESS_V2_CAPACITY } from '../services/rds/cluster-facts';
import { instanceMemoryGiB } from '../services/rds/engine-facts';
import { allowAlarmsToPublish } from '../stack/alarm-topic';

/** The alarms of a cluster: CPU and connections always, capacity or memory, replica lag with readers. */
export interface ClusterAlarms {
  readonly cpu: cloudwatch.Alarm;
  readonly connections: cloudwatch.Alarm;
  /** `ACUUtilization` when the cluster has Aurora Serverless v2 instances. */
  readonly capacity?: cloudwatch.Alarm;
  /** `FreeableMemory` when every instance is provisioned. */
  readonly freeableMemory?: cloudwatch.Alarm;
  /** `AuroraReplicaLagMaximum` when the cluster has readers. */
  readonly replicaLag?: cloudwatch.Alarm;
}

/**
 * The alarms of the cluster (children `CpuAlarm`, `ConnectionsAlarm`, `CapacityAlarm` or `FreeableMemoryAlarm`,
 * `ReplicaLagAlarm`), each notifying `topic`, whose policy lets CloudWatch publish for these alarms only. Metrics are
 * the cluster's (dimension `DBClusterIdentifier`).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
 */
export function createClusterAlarms(scope: Construct, cluster: rds.DatabaseCluster, props: EncryptedRdsClusterProps, facts: ClusterEngineFacts,
  instances: rds.IAuroraClusterInstance[], topic: sns.ITopic): ClusterAlarms {
  const fiveMinutes = Duration.minutes(5);
  const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods: number, below = false) => new cloudwatch.Alarm(scope, id, {
    alarmDescription: `${description} (${scope.node.path})`,
    metric,
    threshold,
    evaluationPeriods,
    comparisonOperator: below ? cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const serverless = instances.some(i => i.type === rds.InstanceType.SERVERLESS_V2);
  const readers = instances.length > 1;
  const alarms: ClusterAlarms = {
    cpu: alarm('CpuAlarm', 'CPU utilization stays at or above its threshold',
      cluster.metricCPUUtilization({ period: fiveMinutes, statistic: cloudwatch.Stats.AVERAGE }), props.cpuUtilizationAlarmThreshold ?? 80, 3),
    connections: alarm('ConnectionsAlarm', 'Database connections stay near the engine\'s max_connections',
      cluster.metricDatabaseConnections({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }), connectionsThreshold(scope, props, facts, instances), 3),
    capacity: serverless ? alarm('CapacityAlarm', 'Aurora Serverless v2 capacity stays near serverlessV2MaxCapacity',
      cluster.metricACUUtilization({ period: fiveMinutes, statistic: cloudwatch.Stats.AVERAGE }), props.capacityAlarmThreshold ?? 90, 3) : undefined,
    freeableMemory: serverless ? undefined : alarm('FreeableMemoryAlarm', 'Freeable memory is at or below its threshold',
      cluster.metricFreeableMemory({ period: fiveMinutes, statistic: cloudwatch.Stats.MINIMUM }), memoryThreshold(scope, props, instances), 1, true),
    replicaLag: readers ? alarm('ReplicaLagAlarm', 'The lag of the slowest reader stays at or above its threshold',
      cluster.metric('AuroraReplicaLagMaximum', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      (props.replicaLagAlarmThreshold ?? Duration.seconds(1)).toMilliseconds(), 3) : undefined,
  };
  const all = [alarms.cpu, alarms.connections, alarms.capacity, alarms.freeableMemory, alarms.replicaLag].filter((a): a is cloudwatch.Alarm => a !== undefined);
  const action = new cloudwatchActions.SnsAction(topic);
  for (const a of all) a.addAlarmAction(action);
  allowAlarmsToPublish(scope, topic, all, `the alarms of ${scope.node.path}`);
  return alarms;
}

/** Memory of the writer: its class's, or `serverlessV2MaxCapacity` × 2 GiB for Serverless v2; undefined when unknown. */
function writerMemoryGiB(props: EncryptedRdsClusterProps, writer: rds.IAuroraClusterInstance): number | undefined {
  if (writer.type === rds.InstanceType.SERVERLESS_V2) return (props.serverlessV2MaxCapacity ?? 2) * SERVERLESS_V2_CAPACITY.gibPerAcu;
  return writer.instanceSize ? instanceMemoryGiB(writer.instanceSize) : undefined;
}

/** `connectionsAlarmThreshold`, else 80% of the writer's default `max_connections`; 100, with a warning, when its memory is not known. */
function connectionsThreshold(scope: Construct, props: EncryptedRdsClusterProps, facts: ClusterEngineFacts, instances: rds.IAuroraClusterInstance[]): number {
  if (props.connectionsAlarmThreshold !== undefined) return props.connectionsAlarmThreshold;
  const gib = writerMemoryGiB(props, instances[0]);
  if (gib === undefined) {
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:rds-connections-threshold-guessed',
      `The connections alarm fires at 100 connections: the memory of db.${instances[0].instanceSize} is not known to the construct, so max_connections cannot be estimated. Set connectionsAlarmThreshold.`);
    return 100;
  }
  return Math.max(1, Math.floor(facts.maxConnections(gib) * 0.8));
}

/** `freeableMemoryAlarmThreshold`, else 10% of the smallest instance's memory; 256 MiB, with a warning, when a class's memory is not known. */
function memoryThreshold(scope: Construct, props: EncryptedRdsClusterProps, instances: rds.IAuroraClusterInstance[]): number {
  if (props.freeableMemoryAlarmThreshold !== undefined) return props.freeableMemoryAlarmThreshold;
  const sizes = instances.map(i => (i.instanceSize ? instanceMemoryGiB(i.instanceSize) : undefined));
  if (sizes.some(s => s === undefined)) {
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:rds-memory-threshold-guessed',
      'The freeable-memory alarm fires at 256 MiB: the memory of an instance class of the cluster is not known to the construct. Set freeableMemoryAlarmThreshold.');
    return 256 * 1024 ** 2;
  }
  return Math.floor((Math.min(...(sizes as number[])) * 1024 ** 3) / 10);
}
