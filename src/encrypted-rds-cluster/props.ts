import { Duration } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EncryptedResourceProps } from '../encrypted-resource/props';
import { RdsMasterSecretProps } from '../encrypted-resource/rds-master-secret-props';

/**
 * Properties of an `EncryptedRdsCluster`.
 *
 * Everything `rds.DatabaseClusterProps` offers is accepted, except the deprecated `instanceProps` and `instances`
 * (give `writer` and `readers`). The construct changes these defaults (each can be overridden): IAM database
 * authentication on, deletion protection on, backups kept 7 days, tags copied to snapshots, removal policy SNAPSHOT,
 * Enhanced Monitoring of every instance every 60 seconds, the engine's log types exported to CloudWatch Logs (kept one
 * year), Performance Insights on where every instance class supports it, isolated (else private) subnets, a security
 * group with no outbound rules, and a master user named `dbadmin`.
 *
 * These are synth errors, because they would break the encryption: `storageEncrypted: false`, a
 * `storageEncryptionKey` or `performanceInsightEncryptionKey` other than `encryptionKey`, `manageMasterUserPassword:
 * false`, and `credentials` that carry a password or an existing secret (the master password is always generated and
 * kept by RDS in Secrets Manager, encrypted with the key).
 */
export interface EncryptedRdsClusterProps extends rds.DatabaseClusterProps, EncryptedResourceProps, RdsMasterSecretProps {
  /**
   * Make every instance refuse connections that do not use TLS, through the DB cluster parameter group:
   * `rds.force_ssl=1` (Aurora PostgreSQL) or `require_secure_transport=ON` (Aurora MySQL).
   *
   * The construct creates a cluster parameter group from `parameters` with the TLS parameter added; a `parameterGroup`
   * you pass (a `rds.ParameterGroup` of this app) gets the parameter added. An imported parameter group cannot be
   * edited: set this to false and enforce TLS in that group yourself.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html#AuroraPostgreSQL.Security.SSL.RequireSSL
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html#AuroraMySQL.Security.SSL.RequireSSL
   */
  readonly enforceTls?: boolean;

  /**
   * The topic the cluster's alarms notify (CPU, memory or capacity, connections, replica lag).
   *
   * @default - the stack's shared alarm topic (child `EncryptedConstructsAlarmTopic` of the stack), as for
   * `EncryptedRdsInstance`
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * CPU utilization, in percent, at or above which the CPU alarm fires (after three 5-minute periods).
   *
   * @default 80
   */
  readonly cpuUtilizationAlarmThreshold?: number;

  /**
   * Number of database connections at or above which the connections alarm fires (after three 5-minute periods).
   *
   * @default - 80% of the engine's default `max_connections` for the writer, estimated from its memory (a Serverless v2
   * writer: `serverlessV2MaxCapacity` × 2 GiB); 100 (with a synth warning) when its memory is not known
   */
  readonly connectionsAlarmThreshold?: number;

  /**
   * For a cluster with Aurora Serverless v2 instances: the capacity used, in percent of `serverlessV2MaxCapacity`
   * (`ACUUtilization`), at or above which the capacity alarm fires (after three 5-minute periods).
   *
   * @default 90
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
   */
  readonly capacityAlarmThreshold?: number;

  /**
   * For a cluster of provisioned instances only: freeable memory, in bytes, at or below which the memory alarm fires
   * (minimum over 5 minutes).
   *
   * @default - 10% of the memory of the smallest instance class of the cluster; 256 MiB (with a synth warning) when
   * its memory is not known
   */
  readonly freeableMemoryAlarmThreshold?: number;

  /**
   * For a cluster with readers: the replica lag (`AuroraReplicaLagMaximum`) at or above which the replica-lag alarm
   * fires (after three 1-minute periods).
   *
   * @default Duration.seconds(1)
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
   */
  readonly replicaLagAlarmThreshold?: Duration;
}
