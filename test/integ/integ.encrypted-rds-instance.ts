/**
 * Acceptance test: EncryptedRdsInstance. The RDS-managed master secret is readable through Secrets Manager under the
 * key by a reader it names (and refused to one with Secrets Manager permissions only), one rotation completes, and a
 * client in the VPC connects with TLS (enforced) and with IAM authentication.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { databaseProbe, expectDatabaseSessions, expectMasterSecretReadableAndRotated, isolatedVpc, masterSecretReader, masterSecretReaderWithoutKms } from './integ-rds-support';
import { DISPOSABLE_KEY, expectAlarmNotification, IntegAppOptions, integTest, runWhenMain, subscribeProbe, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedRdsInstance, EncryptionKeyOptions } from '../../src';

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedRdsInstance', options);
  const db = disposableDatabase(stack, 'Db', DISPOSABLE_KEY);
  const alarmProbe = subscribeProbe(stack, 'AlarmProbe', db.alarmTopic);
  const probe = databaseProbe(stack, 'DbProbe', db);
  const reader = masterSecretReader(stack, 'MasterSecretReader', db);
  const readerWithoutKms = masterSecretReaderWithoutKms(stack, 'MasterSecretReaderWithoutKms', db);

  const integ = integTest(app, 'EncryptedRdsInstanceTest', stack);
  const rotated = expectMasterSecretReadableAndRotated(integ, db, reader, readerWithoutKms);

  // Known limits (EncryptedRdsInstance) and Default settings "TLS" and "IAM database authentication": after the
  // rotation (so with the rotated password), refused without TLS, a TLS session as the master user and one as an
  // IAM-authenticated user.
  rotated.next(expectDatabaseSessions(integ, probe));

  // Known limits (EncryptedRdsInstance) "Alarm notifications": CloudWatch may use the key to publish to the alarm topic.
  expectAlarmNotification(integ, db.cpuAlarm, alarmProbe);
  return integ;
}

/**
 * The cheapest instance the construct accepts, in a VPC with no NAT gateway, that the stack can delete: single-AZ,
 * no deletion protection, no final snapshot.
 */
export function disposableDatabase(scope: Construct, id: string, keyOptions: EncryptionKeyOptions, auditTrail = AuditTrail.none()): EncryptedRdsInstance {
  return new EncryptedRdsInstance(scope, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    vpc: isolatedVpc(scope, `${id}Vpc`),
    multiAz: false,
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions,
    auditTrail,
  });
}

runWhenMain(module, build);
