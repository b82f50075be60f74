/**
 * One encrypted PostgreSQL instance written by hand with aws-cdk-lib: a key whose policy lets this account use it only
 * through RDS (grants only for AWS resources), Secrets Manager (the RDS-managed master secret) and Performance
 * Insights; the instance with storage, master secret and Performance Insights on the key, a parameter group that
 * forces TLS, IAM authentication, Multi-AZ, deletion protection and backups.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { handKey, sharedVpc } from './common';

/** Keys that already hold the RDS statements (the same for every instance: they name no instance). */
const withRdsStatements = new WeakSet<kms.Key>();

/** With `sharedKey`, the instance uses that key, which gets the RDS statements once. */
export function handRdsInstance(stack: Stack, id: string, sharedKey?: kms.Key): void {
  const scope = new Construct(stack, id);
  const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });

  const key = sharedKey ?? handKey(scope, `RDS instance ${id}: storage, master secret, Performance Insights`);
  if (!withRdsStatements.has(key)) addRdsStatements(stack, key);
  withRdsStatements.add(key);

  const parameterGroup = new rds.ParameterGroup(scope, 'ParameterGroup', { engine, parameters: { 'rds.force_ssl': '1' } });
  new rds.DatabaseInstance(scope, 'Database', {
    engine,
    vpc: sharedVpc(stack),
    vpcSubnets: { subnetGroupName: 'Data' },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.M5, ec2.InstanceSize.LARGE),
    databaseName: 'orders',
    parameterGroup,
    storageEncrypted: true,
    storageEncryptionKey: key,
    manageMasterUserPassword: true,
    credentials: rds.Credentials.fromUsername('dbadmin', { encryptionKey: key }),
    enablePerformanceInsights: true,
    performanceInsightEncryptionKey: key,
    iamAuthentication: true,
    multiAz: true,
    deletionProtection: true,
    backupRetention: Duration.days(7),
    copyTagsToSnapshot: true,
    publiclyAccessible: false,
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
}

/** This account may use the key only through RDS (grants only for AWS resources), Secrets Manager and Performance Insights. */
function addRdsStatements(stack: Stack, key: kms.Key): void {
  const { account, region } = stack;
  const via = (service: string) => ({ 'kms:ViaService': `${service}.${region}.amazonaws.com`, 'kms:CallerAccount': account });
  const root = new iam.AccountRootPrincipal();
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'RdsStorage',
    principals: [root],
    resources: ['*'],
    conditions: { StringEquals: via('rds') },
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'RdsGrants',
    principals: [root],
    actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
    resources: ['*'],
    conditions: { StringEquals: via('rds'), Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'RdsMasterSecret',
    principals: [root],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { StringEquals: via('secretsmanager') },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'RdsPerformanceInsights',
    principals: [root],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { ...via('rds'), 'kms:EncryptionContext:aws:pi:service': 'rds', 'kms:EncryptionContext:service': 'pi' } },
  }));

}
