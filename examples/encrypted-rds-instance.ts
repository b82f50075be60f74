import { Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { OrdersService } from './orders-service';
import { EncryptedRdsInstance } from '../src';

/**
 * An orders PostgreSQL database in isolated subnets: storage, the RDS-managed master secret, Performance Insights, its
 * logs and its alarm topic all on one customer managed key; TLS and IAM authentication on. The orders service may
 * connect as `app_user` with an IAM token (no password), and may reach the database's port.
 */
export function addEncryptedRdsInstance(stack: Stack, service: OrdersService): void {
  const db = new EncryptedRdsInstance(stack, 'OrdersDb', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc: service.vpc,
    vpcSubnets: { subnetGroupName: 'Data' },
    databaseName: 'orders',
  });
  db.grantConnect(service.appRole, 'app_user');
  db.allowFrom(service.appSecurityGroup, 'the orders service');
}
