/**
 * The two apps the pack is measured against besides its fixtures: every construct of this library (default and strict
 * mode), which must be clean, and aws-cdk-lib's L2 constructs left at their defaults, whose every gap must be found.
 */
import { App, Duration, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedArchive, EncryptedConnection, EncryptedRdsCluster, EncryptedRdsInstance, EncryptedSchedule, EncryptionKeyOptions } from '../../src';
import { TEST_ENV } from '../support/fixtures';

function targetFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Target', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

/** A VPC with two isolated subnets (a database needs no route to the internet). */
function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }] });
}

/** Each of the library's five constructs, in default mode and in strict mode, in one stack. */
export function libraryApp(): App {
  const app = new App();
  const stack = new Stack(app, 'Library', { env: TEST_ENV });
  const fn = targetFunction(stack);
  const vpc = isolatedVpc(stack);
  const modes: [string, EncryptionKeyOptions | undefined][] = [['', undefined], ['Strict', { strictMode: true, administrators: [new iam.AccountRootPrincipal()] }]];
  for (const [suffix, keyOptions] of modes) {
    new EncryptedSchedule(stack, `Nightly${suffix}`, {
      schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
      target: new schedulerTargets.LambdaInvoke(fn, { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
      keyOptions,
    });
    new EncryptedConnection(stack, `Crm${suffix}`, { authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')), keyOptions })
      .addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
    new EncryptedArchive(stack, `Orders${suffix}`, { eventPattern: { source: ['com.example.orders'] }, retention: Duration.days(365), keyOptions });
    new EncryptedRdsInstance(stack, `Db${suffix}`, { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, keyOptions });
    new EncryptedRdsCluster(stack, `Cluster${suffix}`, {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      vpc,
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      keyOptions,
    });
  }
  return app;
}

/**
 * The construct paths, in the L2 app, of what each rule must find there: aws-cdk-lib's constructs at their defaults
 * (Performance Insights turned on, without a key, since it is off by default; the log groups named or targeted as RDS
 * and EventBridge use them; keys granted to a service and to everyone with aws-cdk-lib's grant methods; a pipe as
 * `CfnPipe`, aws-cdk-lib having no pipe L2).
 */
export const L2_GAPS: Record<string, string[]> = {
  ScheduleCMK: ['L2/Schedule/Resource'],
  EventBusCMK: ['L2/Bus/Resource'],
  EventArchiveCMK: ['L2/Archive/Archive'],
  EventConnectionCMK: ['L2/Connection/Connection'],
  PipeCMK: ['L2/Pipe'],
  RDSStorageCMK: ['L2/Db/Resource', 'L2/Cluster/Resource'],
  RDSMasterSecretCMK: ['L2/Db/Resource', 'L2/Cluster/Resource'],
  RDSPerformanceInsightsCMK: ['L2/Db/Resource'],
  LogGroupCMK: ['L2/DbLogs/Resource', 'L2/RuleLogs/Resource'],
  DeadLetterQueueCMK: ['L2/DeadLetters/Resource'],
  KMSKeyRotation: ['L2/Key/Resource', 'L2/ServiceKey/Resource', 'L2/OpenKey/Resource'],
  KMSServicePrincipalConditions: ['L2/ServiceKey/Resource'],
  KMSOpenPrincipal: ['L2/OpenKey/Resource'],
};

/** aws-cdk-lib's L2 constructs at their defaults, in one stack: see `L2_GAPS`. */
export function l2App(): App {
  const app = new App();
  const stack = new Stack(app, 'L2', { env: TEST_ENV });
  const fn = targetFunction(stack);
  const deadLetters = new sqs.Queue(stack, 'DeadLetters');
  new scheduler.Schedule(stack, 'Schedule', {
    schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
    target: new schedulerTargets.LambdaInvoke(fn, { deadLetterQueue: deadLetters }),
  });
  const bus = new events.EventBus(stack, 'Bus', { deadLetterQueue: deadLetters });
  new events.Archive(stack, 'Archive', { sourceEventBus: bus, eventPattern: { source: ['com.example.orders'] } });
  new events.Connection(stack, 'Connection', { authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')) });
  new events.Rule(stack, 'Rule', {
    eventBus: bus,
    eventPattern: { source: ['com.example.orders'] },
    targets: [new eventsTargets.CloudWatchLogGroup(new logs.LogGroup(stack, 'RuleLogs')), new eventsTargets.LambdaFunction(fn, { deadLetterQueue: deadLetters })],
  });
  new pipes.CfnPipe(stack, 'Pipe', { roleArn: 'arn:aws:iam::111122223333:role/pipe', source: 'arn:aws:sqs:eu-west-1:111122223333:in', target: 'arn:aws:sqs:eu-west-1:111122223333:out' });
  const vpc = isolatedVpc(stack);
  const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  new rds.DatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, vpcSubnets, enablePerformanceInsights: true });
  new logs.LogGroup(stack, 'DbLogs', { logGroupName: '/aws/rds/instance/orders/postgresql' });
  new rds.DatabaseCluster(stack, 'Cluster', { engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }), vpc, vpcSubnets, writer: rds.ClusterInstance.serverlessV2('Writer') });
  new kms.Key(stack, 'Key');
  new kms.Key(stack, 'ServiceKey').grantEncryptDecrypt(new iam.ServicePrincipal('events.amazonaws.com'));
  new kms.Key(stack, 'OpenKey').grantDecrypt(new iam.AnyPrincipal());
  return app;
}
