import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What the example app stands in for the user's own orders service, shared by its two databases: a VPC of isolated
 * subnets (the service's `App` subnets and the databases' `Data` subnets, no NAT gateway), the service's role and its
 * security group.
 */
export interface OrdersService {
  readonly vpc: ec2.IVpc;
  readonly appRole: iam.IRole;
  readonly appSecurityGroup: ec2.ISecurityGroup;
}

/** Creates the orders service's stand-ins (children `OrdersVpc`, `OrdersService`, `OrdersServiceSecurityGroup`). */
export function addOrdersService(stack: Stack): OrdersService {
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
    description: 'The orders service: connects to the orders databases as app_user with IAM authentication',
  });
  const appSecurityGroup = new ec2.SecurityGroup(stack, 'OrdersServiceSecurityGroup', {
    vpc,
    description: 'The orders service',
    allowAllOutbound: false,
  });
  return { vpc, appRole, appSecurityGroup };
}
