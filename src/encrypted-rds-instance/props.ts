import { Size } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EncryptedResourceProps } from '../encrypted-resource/props';
import { RdsMasterSecretProps } from '../encrypted-resource/rds-master-secret-props';

/**
 * Properties of an `EncryptedRdsInstance`.
 *
 * Everything `rds.DatabaseInstanceProps` offers is accepted. The construct changes these defaults (each can be
 * overridden): Multi-AZ on, IAM database authentication on, deletion protection on, backups kept 7 days, tags copied
 * to snapshots, removal policy SNAPSHOT, minor version auto-upgrade on, enhanced monitoring every 60 seconds, every
 * log type of the engine exported to CloudWatch Logs (kept one year), Performance Insights on where the instance class
 * supports it, isolated (else private) subnets, a security group with no outbound rules, and a master user named
 * `dbadmin`.
 *
 * These are synth errors, because they would break the encryption: `storageEncrypted: false`, a
 * `storageEncryptionKey` or `performanceInsightEncryptionKey` other than `encryptionKey`, `manageMasterUserPassword:
 * false`, and `credentials` that carry a password or an existing secret (the master password is always generated and
 * kept by RDS in Secrets Manager, encrypted with the key).
 */
export interface EncryptedRdsInstanceProps extends rds.DatabaseInstanceProps, EncryptedResourceProps, RdsMasterSecretProps {
  /**
   * Make the server refuse connections that do not use TLS, through the instance's parameter group:
   * `rds.force_ssl=1` (PostgreSQL) or `require_secure_transport=ON` (MySQL, MariaDB).
   *
   * The construct creates a parameter group from `parameters` with the TLS parameter added; a `parameterGroup` you
   * pass (a `rds.ParameterGroup` of this app) gets the parameter added. An imported parameter group cannot be edited:
   * set this to false and enforce TLS in that group yourself.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly enforceTls?: boolean;

  /**
   * The topic the CPU, free-storage and connections alarms notify.
   *
   * The topic's policy gets a statement that lets CloudWatch publish for the library's alarms only. If the topic is
   * encrypted, its key must let `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey*`): the
   * construct adds that statement when the key is defined in this stack.
   *
   * @default - the stack's shared alarm topic, created on first need (child `EncryptedConstructsAlarmTopic` of the
   * stack, encrypted with a key of its own, TLS only) and shared by every RDS instance, archive and schedule of the
   * stack given no topic; subscribe to it through `alarmTopic`
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * CPU utilization, in percent, at or above which the CPU alarm fires (after three 5-minute periods).
   *
   * @default 80
   */
  readonly cpuUtilizationAlarmThreshold?: number;

  /**
   * Free storage at or below which the free-storage alarm fires.
   *
   * @default - 10% of `allocatedStorage` (10 GiB for the default 100 GiB)
   */
  readonly freeStorageAlarmThreshold?: Size;

  /**
   * Number of database connections at or above which the connections alarm fires (after three 5-minute periods).
   *
   * @default - 80% of the engine's default `max_connections` for the instance class, estimated from the class's
   * memory; 100 (with a synth warning) for a class whose memory the construct does not know
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections
   */
  readonly connectionsAlarmThreshold?: number;
}
