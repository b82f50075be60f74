import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EncryptedRdsInstance } from '../src';

/**
 * An orders PostgreSQL database in isolated subnets: storage, the RDS-managed master secret, Performance Insights, its
 * logs and its alarm topic all on one customer managed key; TLS and IAM authentication on. The orders service may
 * connect as `app_user` with an IAM token (no password), and may reach the database's port.
 */
export function addEncryptedRdsInstance(stack: Stack): void {
  const vpc = new ec2.Vpc(stack, 'OrdersVpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const appRole = new iam.Role(stack, 'OrdersService', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'The orders service: connects to the orders database as app_user with IAM authentication',
  });
  const appSecurityGroup = new ec2.SecurityGroup(stack, 'OrdersServiceSecurityGroup', {
    vpc,
    description: 'The orders service',
    allowAllOutbound: false,
  });

  const db = new EncryptedRdsInstance(stack, 'OrdersDb', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetGroupName: 'Data' },
    databaseName: 'orders',
  });
  db.grantConnect(appRole, 'app_user');
  db.allowFrom(appSecurityGroup, 'the orders service');
}
