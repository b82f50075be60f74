/**
 * The configurations the access-path proof runs: each construct in its default, strict-mode and fullest form, the
 * building blocks on their own, and the example app. Every stack has an explicit account and region.
 */
import { App, Duration, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { createExampleApp } from '../../examples/app';
import {
  AlertRouting, AuditTrail, BusLogDestination, EncryptedArchive, EncryptedConnection, EncryptedRdsCluster, EncryptedRdsClusterProps, EncryptedRdsInstance, EncryptedSchedule,
  EncryptionKey, EncryptionVerification, KeyAuditTrail, VerifiedResource, KeyPolicyStatements, ScheduleKeyPolicyScope,
} from '../../src';
import { addKeyStatements } from '../../src/key/key-policy';
import { alarmOnRuleDeliveryFailures } from '../../src/stack/alarm-topic';
import { topicTarget } from '../../src/stack/rule-targets';
import { compliantVpc } from '../encrypted-rds-instance/fixtures';
import { TEST_ENV } from '../support/fixtures';

/** One configuration: a name for the report and the app it builds. */
export interface Configuration {
  /** The construct or building block, as the table of docs/access-paths.md names it. */
  readonly subject: string;
  /** `default`, `strict`, `fullest`, ... */
  readonly variant: string;
  readonly app: () => App;
}

const STRICT = { strictMode: true, administrators: [new iam.AccountRootPrincipal()] };

function stackIn(): { app: App; stack: Stack } {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  return { app, stack: new Stack(app, 'Access', { env: TEST_ENV }) };
}

function build(body: (stack: Stack) => void): () => App {
  return () => {
    const { app, stack } = stackIn();
    body(stack);
    return app;
  };
}

function targetFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Target', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
}

function nightly(stack: Stack, props: Partial<ConstructorParameters<typeof EncryptedSchedule>[2]> = {}): EncryptedSchedule {
  return new EncryptedSchedule(stack, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(targetFunction(stack), { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
    ...props,
  });
}

const apiKey = () => events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key'));
const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });

/** An Aurora cluster: Aurora PostgreSQL 16.4 with a Serverless v2 writer and reader unless the props say otherwise. */
function aurora(stack: Stack, props: Partial<EncryptedRdsClusterProps> = {}): EncryptedRdsCluster {
  return new EncryptedRdsCluster(stack, 'Orders', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc: compliantVpc(stack),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
    ...props,
  });
}

/** A role that reads the cluster's master secret and one that connects as `app_user` (in strict mode the grants are the only way in). */
function clusterUsers(stack: Stack, cluster: EncryptedRdsCluster): void {
  cluster.masterUserSecret.grantRead(new iam.Role(stack, 'SecretReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  cluster.grantConnect(new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }), 'app_user');
}

export const CONFIGURATIONS: Configuration[] = [
  // --- EncryptedSchedule ---------------------------------------------------------------------------------------------
  { subject: 'EncryptedSchedule', variant: 'default', app: build(stack => nightly(stack)) },
  { subject: 'EncryptedSchedule', variant: 'strict', app: build(stack => nightly(stack, { keyOptions: STRICT })) },
  {
    subject: 'EncryptedSchedule',
    variant: 'fullest',
    app: build(stack => {
      const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'the target queue' });
      const queue = new sqs.Queue(stack, 'TargetQueue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: queueKey, enforceSSL: true });
      const topic = new sns.Topic(stack, 'Ops', { masterKey: queueKey, enforceSSL: true });
      const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
      nightly(stack, {
        target: new targets.SqsSendMessage(queue, { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
        scheduleName: 'nightly-report',
        scheduleGroup: group,
        description: 'Sends the nightly report job',
        timeWindow: Duration.minutes(15),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        alarmTopic: topic,
        keyOptions: { ...STRICT, alias: 'reports/nightly', tags: { team: 'reports' } },
      });
    }),
  },

  {
    // Two schedules of one group on one key with the group-scoped key policy: they share the group's dead-letter queue.
    subject: 'EncryptedSchedule',
    variant: 'group scope, shared key and dead-letter queue',
    app: build(stack => {
      const key = new EncryptionKey(stack, 'GroupKey', { protects: 'the reports group' });
      const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
      const fn = targetFunction(stack);
      for (const id of ['Nightly', 'Weekly']) {
        new EncryptedSchedule(stack, id, {
          schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
          target: new targets.LambdaInvoke(fn, { input: scheduler.ScheduleTargetInput.fromObject({ job: id }) }),
          scheduleGroup: group,
          encryptionKey: key,
          keyPolicyScope: ScheduleKeyPolicyScope.SCHEDULE_GROUP,
        });
      }
    }),
  },

  // --- EncryptedConnection -------------------------------------------------------------------------------------------
  {
    subject: 'EncryptedConnection',
    variant: 'default',
    app: build(stack => new EncryptedConnection(stack, 'Crm', { authorization: apiKey() }).addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 })),
  },
  { subject: 'EncryptedConnection', variant: 'strict', app: build(stack => new EncryptedConnection(stack, 'Crm', { authorization: apiKey(), keyOptions: STRICT })) },
  {
    subject: 'EncryptedConnection',
    variant: 'fullest',
    app: build(stack => {
      const conn = new EncryptedConnection(stack, 'Crm', {
        connectionName: 'crm-oauth',
        description: 'CRM API with OAuth client credentials',
        keyOptions: { ...STRICT, alias: 'crm/connection' },
        authorization: events.Authorization.oauth({
          authorizationEndpoint: 'https://auth.example.com/oauth2/token',
          httpMethod: events.HttpMethod.POST,
          clientId: 'crm-client',
          clientSecret: SecretValue.secretsManager('crm/oauth', { jsonField: 'clientSecret' }),
        }),
        headerParameters: { 'x-client': events.HttpParameter.fromString('cdk-encrypted-constructs') },
      });
      const orders = conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
      // A rule delivering to the destination through the construct's rule target, dead letters on a key of the stack.
      const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered orders' });
      new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['com.example.orders'] } }).addTarget(conn.ruleTarget(orders, {
        deadLetterQueue: new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: deadLetterKey, enforceSSL: true }),
      }));
      conn.grantRetrieveConnectionCredentials(new iam.Role(stack, 'Workflow', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') }));
      new EncryptedConnection(stack, 'Billing', { authorization: apiKey(), encryptionKey: conn.encryptionKey });
    }),
  },

  // --- EncryptedArchive ----------------------------------------------------------------------------------------------
  { subject: 'EncryptedArchive', variant: 'default', app: build(stack => new EncryptedArchive(stack, 'Orders')) },
  {
    subject: 'EncryptedArchive',
    variant: 'strict',
    app: build(stack => new EncryptedArchive(stack, 'Orders', { keyOptions: STRICT })
      .grantConsumeDeadLetters(new iam.Role(stack, 'DeadLetterReader', { assumedBy: new iam.AccountRootPrincipal() }))),
  },
  {
    subject: 'EncryptedArchive',
    variant: 'fullest',
    app: build(stack => {
      const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'dead letters' });
      const key = new EncryptionKey(stack, 'TeamKey', { protects: 'orders', ...STRICT });
      new EncryptedArchive(stack, 'Orders', {
        encryptionKey: key,
        eventBusName: 'orders',
        archiveName: 'orders-archive',
        description: 'Orders, kept for a year for replay',
        eventPattern: { source: ['com.example.orders'] },
        retention: Duration.days(365),
        deadLetterQueue: new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: queueKey, enforceSSL: true }),
        alarmTopic: new sns.Topic(stack, 'Ops', { masterKey: queueKey, enforceSSL: true }),
      });
    }),
  },

  {
    // Producers of other accounts: an organization and named accounts on the bus policy, nothing on the key (strict
    // mode, so no root delegation could hide a missing key statement). The trail and the verifier are proven elsewhere.
    subject: 'EncryptedArchive',
    variant: 'organization and account producers; no trail, no verifier',
    app: build(stack => {
      const orders = new EncryptedArchive(stack, 'Orders', { eventBusName: 'orders', keyOptions: STRICT, auditTrail: AuditTrail.none(), verifyEncryption: false });
      orders.allowPutEventsFromOrganization('o-a1b2c3d4e5');
      orders.allowPutEventsFromAccounts(['444455556666']);
    }),
  },

  {
    // Bus logs at TRACE (every log type) to a log group on the stack's dead-letter key, the bus key in strict mode; and
    // three more buses (no trail, no verifier: proven above) logging to a log group, an S3 bucket and a Firehose stream
    // of the app, all on one strict-mode key of their own.
    subject: 'EncryptedArchive',
    variant: 'bus logging (TRACE, strict; to a log group, a bucket and a Firehose stream of the app)',
    app: build(stack => {
      new EncryptedArchive(stack, 'Orders', { keyOptions: STRICT, logging: { level: events.Level.TRACE } });
      const logKey = new EncryptionKey(stack, 'LogKey', { protects: 'bus logs', ...STRICT });
      const bucket = new s3.Bucket(stack, 'LogBucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: logKey, enforceSSL: true });
      const destinations = [
        BusLogDestination.logGroup(new logs.LogGroup(stack, 'TeamLogs', { logGroupName: '/team/bus-logs', encryptionKey: logKey })),
        BusLogDestination.bucket(bucket),
        BusLogDestination.firehose(new firehose.DeliveryStream(stack, 'Lake', {
          destination: new firehose.S3Bucket(bucket, { loggingConfig: new firehose.DisableLogging() }),
          encryption: firehose.StreamEncryption.customerManagedKey(logKey),
        })),
      ];
      destinations.forEach((destination, i) => new EncryptedArchive(stack, `Logged${i}`, {
        keyOptions: STRICT, auditTrail: AuditTrail.none(), verifyEncryption: false, logging: { level: events.Level.ERROR, destination },
      }));
    }),
  },

  {
    // addRule: a queue and a stream (strict-mode key), a topic (own key), a Firehose stream and another bus, one
    // dead-letter queue on a third key for all that take one
    subject: 'EncryptedArchive',
    variant: 'rules to encrypted targets',
    app: build(stack => {
      const billingKey = new EncryptionKey(stack, 'BillingKey', { protects: 'billing messages', ...STRICT });
      const notifyKey = new EncryptionKey(stack, 'NotifyKey', { protects: 'order notifications' });
      const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'undelivered orders' });
      const undelivered = new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: deadLetterKey, enforceSSL: true });
      new EncryptedArchive(stack, 'Orders', { eventPattern: { source: ['com.example.orders'] } }).addRule('ToBilling', {
        eventPattern: { detailType: ['OrderPlaced'] },
        targets: [
          new eventTargets.SqsQueue(new sqs.Queue(stack, 'BillingQueue', { encryptionMasterKey: billingKey, enforceSSL: true }), { deadLetterQueue: undelivered }),
          new eventTargets.SnsTopic(new sns.Topic(stack, 'NotifyTopic', { masterKey: notifyKey, enforceSSL: true }), { deadLetterQueue: undelivered }),
          new eventTargets.KinesisStream(new kinesis.Stream(stack, 'Records', { streamName: 'order-records', encryptionKey: billingKey }), { deadLetterQueue: undelivered }),
          new eventTargets.FirehoseDeliveryStream(firehose.DeliveryStream.fromDeliveryStreamArn(stack, 'Lake', `arn:aws:firehose:${TEST_ENV.region}:${TEST_ENV.account}:deliverystream/order-lake`)),
          new eventTargets.EventBus(events.EventBus.fromEventBusArn(stack, 'Analytics', `arn:aws:events:${TEST_ENV.region}:${TEST_ENV.account}:event-bus/analytics`), { deadLetterQueue: undelivered }),
        ],
      });
    }),
  },

  // --- EncryptedRdsInstance ------------------------------------------------------------------------------------------
  { subject: 'EncryptedRdsInstance', variant: 'default', app: build(stack => new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc: compliantVpc(stack) })) },
  {
    // with a reader of the master secret named by its grant (in strict mode the only way to read it)
    subject: 'EncryptedRdsInstance',
    variant: 'strict',
    app: build(stack => new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc: compliantVpc(stack), keyOptions: STRICT })
      .masterUserSecret.grantRead(new iam.Role(stack, 'SecretReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }))),
  },
  {
    subject: 'EncryptedRdsInstance',
    variant: 'fullest',
    app: build(stack => new EncryptedRdsInstance(stack, 'Db', {
      engine: POSTGRES,
      vpc: compliantVpc(stack),
      keyOptions: { ...STRICT, alias: 'orders-db' },
      port: 5433,
      performanceInsightRetention: rds.PerformanceInsightRetention.MONTHS_12,
      cloudwatchLogsRetention: 731,
      backupRetention: Duration.days(35),
    })),
  },

  {
    // no audit trail: the master secret's rotation-failure alert goes to the instance's own topic, on a key of its own
    subject: 'EncryptedRdsInstance',
    variant: 'no audit trail (own alert topic), 30-day master secret rotation',
    app: build(stack => new EncryptedRdsInstance(stack, 'Db', {
      engine: POSTGRES, vpc: compliantVpc(stack), auditTrail: AuditTrail.none(), masterSecretRotation: Duration.days(30),
    })),
  },

  // --- EncryptedRdsCluster -------------------------------------------------------------------------------------------
  { subject: 'EncryptedRdsCluster', variant: 'default', app: build(stack => aurora(stack)) },
  {
    // with a reader of the master secret and an IAM-authenticated user, named by their grants
    subject: 'EncryptedRdsCluster',
    variant: 'strict',
    app: build(stack => clusterUsers(stack, aurora(stack, { keyOptions: STRICT }))),
  },
  {
    // Aurora MySQL on provisioned instances: four exported log types; masterSecretRotation adds only a synth warning
    // (CloudFormation cannot set a managed secret's schedule), so it rides here instead of in a configuration of its own
    subject: 'EncryptedRdsCluster',
    variant: 'fullest',
    app: build(stack => clusterUsers(stack, aurora(stack, {
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }),
      writer: rds.ClusterInstance.provisioned('Writer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE) }),
      readers: [rds.ClusterInstance.provisioned('Reader', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE) })],
      keyOptions: { ...STRICT, alias: 'orders-cluster' },
      port: 3307,
      performanceInsightRetention: rds.PerformanceInsightRetention.MONTHS_12,
      cloudwatchLogsRetention: 731,
      backup: { retention: Duration.days(35) },
      masterSecretRotation: Duration.days(30),
    }))),
  },

  // --- building blocks -----------------------------------------------------------------------------------------------
  { subject: 'EncryptionKey', variant: 'default', app: build(stack => new EncryptionKey(stack, 'Key', { protects: 'data' })) },
  { subject: 'EncryptionKey', variant: 'strict', app: build(stack => new EncryptionKey(stack, 'Key', { protects: 'data', ...STRICT })) },
  { subject: 'KeyAuditTrail', variant: 'default', app: build(stack => KeyAuditTrail.of(stack)) },
  { subject: 'KeyAuditTrail', variant: 'single-region', app: build(stack => KeyAuditTrail.of(stack, { multiRegion: false })) },
  {
    // The account's trail lives in the first stack; a second stack (another region) alerts on its own keys, and its
    // connection's deauthorization alerts go to that stack's alert topic.
    subject: 'KeyTamperingAlert',
    variant: 'second stack of the account',
    app: () => {
      const { app, stack } = stackIn();
      KeyAuditTrail.of(stack);
      const second = new Stack(app, 'Second', { env: { account: TEST_ENV.account, region: 'us-east-1' } });
      new EncryptedConnection(second, 'Crm', { authorization: apiKey() });
      return app;
    },
  },
  {
    // Forty watched keys need three tampering rules (each pattern within EventBridge's 2,048 characters): every rule,
    // and both connections' deauthorization rules, publish to the one alert topic and dead-letter into the one queue.
    subject: 'KeyAuditTrail',
    variant: 'forty watched keys (three tampering rules), two connections',
    app: build(stack => {
      const trail = KeyAuditTrail.of(stack);
      for (let i = 0; i < 40; i++) trail.watchKey(new EncryptionKey(stack, `Key${i}`, { protects: `data ${i}` }));
      new EncryptedConnection(stack, 'Crm', { authorization: apiKey() });
      new EncryptedConnection(stack, 'Billing', { authorization: apiKey() });
    }),
  },
  {
    subject: 'EncryptionVerification',
    variant: 'every resource type',
    app: build(stack => {
      // The tag EventBridge requires on a connection's key (the verifier checks it).
      const key = new EncryptionKey(stack, 'Key', { protects: 'data', tags: { EventBridgeApiDestinations: 'true' } });
      const arn = (service: string, resource: string) => `arn:aws:${service}:${TEST_ENV.region}:${TEST_ENV.account}:${resource}`;
      new EncryptionVerification(stack, 'Verification', {
        key,
        resources: [
          VerifiedResource.schedule('nightly', 'jobs', arn('scheduler', 'schedule/jobs/nightly')),
          VerifiedResource.eventBus('orders', arn('events', 'event-bus/orders')),
          VerifiedResource.archive('orders-archive', arn('events', 'archive/orders-archive')),
          VerifiedResource.connection('crm', arn('events', 'connection/crm'), arn('secretsmanager', 'secret:events!connection/crm/*')),
          VerifiedResource.dbInstance('orders-db', arn('rds', 'db:orders-db')),
          VerifiedResource.dbCluster('orders-cluster', arn('rds', 'cluster:orders-cluster')),
        ],
      });
    }),
  },

  {
    subject: 'EncryptionVerification',
    variant: 'in a VPC',
    app: build(stack => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      EncryptionVerification.configure(stack, { vpc });
      new EncryptedArchive(stack, 'Orders');
    }),
  },
  {
    // The alert path on its own: a rule publishing to a topic whose key holds only the topic's statements (the
    // trail's and connections' alert keys also hold their dead-letter queue's, which would hide a wrong one).
    subject: 'alert rule to an encrypted topic',
    variant: 'dead letters on another key',
    app: build(stack => {
      const topicKey = new EncryptionKey(stack, 'TopicKey', { protects: 'alerts' });
      const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'dead letters' });
      const topic = new sns.Topic(stack, 'Alerts', { masterKey: topicKey, enforceSSL: true });
      addKeyStatements(stack, topicKey, KeyPolicyStatements.topic({ ...TEST_ENV, partition: 'aws', servicePrincipals: ['events.amazonaws.com'] }), 'alerts');
      const ruleArn = `arn:aws:events:${TEST_ENV.region}:${TEST_ENV.account}:rule/alerts`;
      const deadLetters = new sqs.Queue(stack, 'DeadLetters', { encryptionMasterKey: queueKey, enforceSSL: true });
      addKeyStatements(stack, queueKey, [KeyPolicyStatements.queue({ ...TEST_ENV, partition: 'aws', principals: [new iam.ServicePrincipal('events.amazonaws.com')], sourceArns: [ruleArn] })], 'dead letters');
      const rule = new events.Rule(stack, 'Rule', { ruleName: 'alerts', eventPattern: { source: ['aws.kms'] }, targets: [topicTarget(topic, ruleArn, deadLetters)] });
      // as the library wires every alert rule: an alarm on its failed deliveries, through another key
      alarmOnRuleDeliveryFailures(rule, 'alerts', 'An alert');
    }),
  },

  {
    // One call routes every stack's alerts and alarms, in two regions: every failure must end at a subscription.
    subject: 'AlertRouting',
    variant: 'two regions, one email',
    app: () => {
      const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
      AlertRouting.routeAll(app, { emails: ['security@example.com'] });
      new EncryptedArchive(new Stack(app, 'Access', { env: TEST_ENV }), 'Orders');
      new EncryptedArchive(new Stack(app, 'AccessUs', { env: { account: TEST_ENV.account, region: 'us-east-1' } }), 'Orders');
      return app;
    },
  },

  // --- the example app (environment-agnostic: deployed into the proof's default account and region) ------------------
  { subject: 'example app', variant: 'examples/', app: () => createExampleApp({ context: { 'aws:cdk:enable-path-metadata': true } }) },
];
