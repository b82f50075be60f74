/**
 * Acceptance test: EncryptedRdsInstance. The RDS-managed master secret is readable through Secrets Manager under the
 * key, and one rotation completes.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { DISPOSABLE_KEY, expectAlarmNotification, IntegAppOptions, integTest, POLL, runWhenMain, subscribeProbe } from './integ-support';
import { AuditTrail, EncryptedRdsInstance, EncryptionKeyOptions } from '../../src';

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = new Stack(app, 'IntegEncryptedRdsInstance', { env: options.env });
  const db = disposableDatabase(stack, 'Db', DISPOSABLE_KEY);
  const alarmProbe = subscribeProbe(stack, 'AlarmProbe', db.alarmTopic);

  const integ = integTest(app, 'EncryptedRdsInstanceTest', stack);
  expectMasterSecretReadableAndRotated(integ, db);

  // Known limits (EncryptedRdsInstance) "Alarm notifications": CloudWatch may use the key to publish to the alarm topic.
  expectAlarmNotification(integ, db.cpuAlarm, alarmProbe);
  return integ;
}

/**
 * The cheapest instance the construct accepts, in a VPC with no NAT gateway, that the stack can delete: single-AZ,
 * no deletion protection, no final snapshot.
 */
export function disposableDatabase(scope: Construct, id: string, keyOptions: EncryptionKeyOptions, auditTrail = AuditTrail.none()): EncryptedRdsInstance {
  const vpc = new ec2.Vpc(scope, `${id}Vpc`, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  return new EncryptedRdsInstance(scope, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    vpc,
    multiAz: false,
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions,
    auditTrail,
  });
}

/**
 * Known limits (EncryptedRdsInstance) "Who uses the key when RDS rotates the master secret": the secret decrypts for
 * a principal whose IAM policy grants only `secretsmanager:GetSecretValue` (the assertion provider's role: no KMS
 * permission, as `RdsMasterSecret` documents), and a rotation started by hand completes, which leaves the previous
 * version labelled AWSPREVIOUS. Only the ARN is returned to CloudFormation (`outputPaths`), never the password.
 */
export function expectMasterSecretReadableAndRotated(integ: IntegTest, db: EncryptedRdsInstance): void {
  const secretId = db.masterUserSecret.secretArn;
  const read = integ.assertions.awsApiCall('SecretsManager', 'getSecretValue', { SecretId: secretId }, ['ARN']);
  read.expect(ExpectedResult.objectLike({ SecretString: Match.serializedJson(Match.objectLike({ username: 'dbadmin' })) }));

  const rotate = integ.assertions.awsApiCall('SecretsManager', 'rotateSecret', { SecretId: secretId }, ['ARN']);
  const versions = integ.assertions.awsApiCall('SecretsManager', 'listSecretVersionIds', { SecretId: secretId });
  versions.expect(ExpectedResult.objectLike({
    Versions: Match.arrayWith([Match.objectLike({ VersionStages: Match.arrayWith(['AWSPREVIOUS']) })]),
  })).waitForAssertions(POLL);
  read.next(rotate).next(versions);
}

runWhenMain(module, build);
