/**
 * What every hand-written scenario shares: the key a careful user writes (rotation, 30-day pending window, retained),
 * and the stack-wide resources created once (trail, target function, VPC), found again by id when asked twice.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** A customer managed key the way a careful user writes it. */
export function handKey(scope: Construct, description: string): kms.Key {
  return new kms.Key(scope, 'Key', {
    description,
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** Find-or-create a stack-wide construct, so scenarios that mix several kinds share one of each. */
export function shared<T extends Construct>(stack: Stack, id: string, create: () => T): T {
  return (stack.node.tryFindChild(id) as T | undefined) ?? create();
}

/** The one Lambda function per stack that every schedule invokes (so only the schedules scale with N). */
export function sharedTargetFunction(stack: Stack): lambda.IFunction {
  return shared(stack, 'ReportFunction', () => new lambda.Function(stack, 'ReportFunction', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ job: event.job });'),
    timeout: Duration.seconds(30),
  }));
}

/** The one VPC per stack the database instances live in (isolated subnets, no NAT), as in examples/. */
export function sharedVpc(stack: Stack): ec2.IVpc {
  return shared(stack, 'Vpc', () => new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  }));
}
