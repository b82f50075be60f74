/**
 * One app holding each construct in its fullest configuration (the access-path proof's `fullest` variants,
 * test/access/configurations.ts) side by side in one stack, with the account's audit trail and the stack's verifier:
 * everything the library creates, synthesized once, plus one DB instance the user asks to retain. The resources the app
 * itself declares (the user's schedule group, queues, topics, key, rule, VPC) are listed in `userConstructIds`, so a
 * check over "what the library creates" can leave them out.
 */
import { App, Duration, RemovalPolicy, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedArchive, EncryptedConnection, EncryptedRdsInstance, EncryptedSchedule, EncryptionKey, KeyAuditTrail } from '../../src';
import { compliantVpc } from '../encrypted-rds-instance/fixtures';
import { TEST_ENV } from '../support/fixtures';

const STRICT = { strictMode: true, administrators: [new iam.AccountRootPrincipal()] };

export interface FullestApp {
  readonly app: App;
  readonly stack: Stack;
  /** Ids of the stack's direct children the app declares itself (not the library). */
  readonly userConstructIds: ReadonlySet<string>;
}

/** Builds the app (not yet synthesized). */
export function fullestApp(): FullestApp {
  const app = new App();
  const stack = new Stack(app, 'Lifecycle', { env: TEST_ENV });
  // Records the stack children a declaration of the app's own adds.
  const userIds = new Set<string>();
  const declare = <T>(make: () => T): T => {
    const known = new Set(stack.node.children.map(c => c.node.id));
    const made = make();
    for (const c of stack.node.children) if (!known.has(c.node.id)) userIds.add(c.node.id);
    return made;
  };

  // The trail first, so every construct audits its key with it.
  KeyAuditTrail.of(stack);

  // EncryptedSchedule, fullest: a named schedule in the user's group, strict key with alias, a user topic, retries.
  const queueKey = declare(() => new EncryptionKey(stack, 'QueueKey', { protects: 'the user\'s queues and topics' }));
  const queue = declare(() => new sqs.Queue(stack, 'TargetQueue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: queueKey, enforceSSL: true }));
  const topic = declare(() => new sns.Topic(stack, 'Ops', { masterKey: queueKey, enforceSSL: true }));
  const group = declare(() => new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' }));
  new EncryptedSchedule(stack, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
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

  // EncryptedConnection, fullest: named, OAuth, an API destination, a rule target with a user dead-letter queue.
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
  const orders = conn.addApiDestination('Orders', { apiDestinationName: 'crm-orders', endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
  declare(() => new events.Rule(stack, 'OrderPlaced', { eventPattern: { source: ['com.example.orders'] } }).addTarget(conn.ruleTarget(orders, {
    deadLetterQueue: new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: queueKey, enforceSSL: true }),
  })));

  // EncryptedArchive, fullest: a named bus and archive, pattern, retention; its own dead-letter queue (created).
  new EncryptedArchive(stack, 'Orders', {
    eventBusName: 'orders',
    archiveName: 'orders-archive',
    description: 'Orders, kept for a year for replay',
    eventPattern: { source: ['com.example.orders'] },
    retention: Duration.days(365),
    keyOptions: { ...STRICT, alias: 'orders/archive' },
    alarmTopic: topic,
  });

  // EncryptedRdsInstance, fullest: named instance, every log export of the engine, Performance Insights.
  const vpc = declare(() => compliantVpc(stack));
  new EncryptedRdsInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    instanceIdentifier: 'orders-db',
    keyOptions: { ...STRICT, alias: 'orders-db' },
    port: 5433,
    performanceInsightRetention: rds.PerformanceInsightRetention.MONTHS_12,
    cloudwatchLogsRetention: 731,
    backupRetention: Duration.days(35),
  });
  // A user's explicit choice the library keeps as given: the DB instance retained (no snapshot) on delete.
  new EncryptedRdsInstance(stack, 'KeptDb', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    instanceIdentifier: 'kept-db',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { app, stack, userConstructIds: userIds };
}
