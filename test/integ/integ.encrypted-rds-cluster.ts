/**
 * Acceptance test: EncryptedRdsCluster, on Aurora PostgreSQL Serverless v2. As for the instance: the RDS-managed
 * master secret is readable through Secrets Manager under the key by a reader it names (and refused to one with
 * Secrets Manager permissions only), one rotation completes, a client in the VPC connects to the cluster endpoint with
 * TLS (enforced by the cluster parameter group) and with IAM authentication (`grantConnect`: `rds-db:connect` on the
 * cluster's resource id), and an alarm notification reaches the alarm topic.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { databaseProbe, expectDatabaseSessions, expectMasterSecretReadableAndRotated, isolatedVpc, masterSecretReader, masterSecretReaderWithoutKms } from './integ-rds-support';
import { DISPOSABLE_KEY, expectAlarmNotification, IntegAppOptions, integTest, runWhenMain, subscribeProbe, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedRdsCluster, EncryptionKeyOptions } from '../../src';

/**
 * Aurora PostgreSQL 16, the newest minor version aws-cdk-lib 2.261.0 names: minor versions leave standard support one
 * after the other (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html),
 * so the newest stays deployable longest; move it up when a run reports the version unavailable. Major 16, not 17:
 * `rds.force_ssl` is off by default up to Aurora PostgreSQL 16 and on from 17
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html#AuroraPostgreSQL.Security.SSL.RequireSSL),
 * so on 16 a refused plaintext connection proves the construct's cluster parameter group, not the engine's default.
 */
export const AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_16_13;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedRdsCluster', options);
  const db = disposableCluster(stack, 'Db', DISPOSABLE_KEY);
  const alarmProbe = subscribeProbe(stack, 'AlarmProbe', db.alarmTopic);
  const probe = databaseProbe(stack, 'DbProbe', db);
  const reader = masterSecretReader(stack, 'MasterSecretReader', db);
  const readerWithoutKms = masterSecretReaderWithoutKms(stack, 'MasterSecretReaderWithoutKms', db);

  // Known limits (EncryptedRdsCluster): the deploy itself settles that RDS accepts the monitoring role trusted for
  // `db:*` of the account, and the verification that DescribeDBClusters reports Performance Insights on the key.
  const integ = integTest(app, 'EncryptedRdsClusterTest', stack);
  const rotated = expectMasterSecretReadableAndRotated(integ, db, reader, readerWithoutKms);

  // Default settings "TLS" and "IAM database authentication", on the cluster endpoint: after the rotation (so with the
  // rotated password), refused without TLS, a TLS session as the master user and one as an IAM-authenticated user.
  // The writer may be paused (0 ACUs) when the probe first calls: a connection request resumes it, and the poll
  // retries meanwhile.
  rotated.next(expectDatabaseSessions(integ, probe));

  // "Alarm notifications", as for the instance: CloudWatch publishes the cluster's alarm to the stack's alarm topic.
  expectAlarmNotification(integ, db.cpuAlarm, alarmProbe);
  return integ;
}

/**
 * The cheapest cluster the construct accepts, in a VPC with no NAT gateway, that the stack can delete: one Aurora
 * Serverless v2 writer at 0 to 1 ACUs (0 pauses it after 5 idle minutes; Aurora PostgreSQL 16.3 and later can pause,
 * which the construct checks), no reader, no deletion protection, no final snapshot.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
 */
export function disposableCluster(scope: Construct, id: string, keyOptions: EncryptionKeyOptions, auditTrail = AuditTrail.none()): EncryptedRdsCluster {
  return new EncryptedRdsCluster(scope, id, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_POSTGRES_VERSION }),
    vpc: isolatedVpc(scope, `${id}Vpc`),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    serverlessV2MinCapacity: 0,
    serverlessV2MaxCapacity: 1,
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions,
    auditTrail,
  });
}

runWhenMain(module, build);
