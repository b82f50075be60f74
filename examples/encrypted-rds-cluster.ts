import { Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { OrdersService } from './orders-service';
import { EncryptedRdsCluster } from '../src';

/**
 * The README's EncryptedRdsCluster: an Aurora PostgreSQL cluster of Aurora Serverless v2 instances, a writer and a
 * reader that scales with it, in the orders service's isolated subnets. Storage, the RDS-managed master secret,
 * Performance Insights and its logs are on one customer managed key; TLS and IAM authentication on. The orders service
 * may connect as `app_user` with an IAM token (no password), and may reach the cluster's port.
 */
export function addEncryptedRdsCluster(stack: Stack, service: OrdersService): void {
  const orders = new EncryptedRdsCluster(stack, 'OrdersCluster', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc: service.vpc,
    vpcSubnets: { subnetGroupName: 'Data' },
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
  });
  orders.allowFrom(service.appSecurityGroup, 'the orders service');
  orders.grantConnect(service.appRole, 'app_user');
}
