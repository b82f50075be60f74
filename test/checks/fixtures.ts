/**
 * The compliant and non-compliant fixtures of every rule of the pack, as template fragments: each becomes one stack
 * (its resources as L1 resources with these logical ids), checked by the cdk-nag pack and by the guard file.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { TEST_ENV } from '../support/fixtures';

/** A template resource. */
export interface FixtureResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** One fixture: a rule, what the fixture shows, the resource the rule judges and whether it complies. */
export interface Fixture {
  readonly rule: string;
  readonly what: string;
  readonly compliant: boolean;
  /** The logical id of the resource the rule flags (non-compliant) or must not flag (compliant). */
  readonly subject: string;
  readonly resources: Record<string, FixtureResource>;
}

const ACCOUNT_ROOT = 'arn:aws:iam::111122223333:root';
const ROOT_STATEMENT = { Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT }, Action: 'kms:*', Resource: '*' };
/** A customer managed key that passes every rule, referenced as `KEY_ARN`. */
const KEY: FixtureResource = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: [ROOT_STATEMENT] } } };
const KEY_ARN = { 'Fn::GetAtt': ['Key', 'Arn'] };
const LITERAL_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PIPE = { RoleArn: 'arn:aws:iam::111122223333:role/pipe', Source: 'arn:aws:sqs:eu-west-1:111122223333:in', Target: 'arn:aws:sqs:eu-west-1:111122223333:out' };
const TARGET = { Arn: 'arn:aws:lambda:eu-west-1:111122223333:function:report', RoleArn: 'arn:aws:iam::111122223333:role/scheduler' };
const SCHEDULE = { FlexibleTimeWindow: { Mode: 'OFF' }, ScheduleExpression: 'rate(1 hour)' };
const queueOnKey: FixtureResource = { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: KEY_ARN } };
const bareQueue: FixtureResource = { Type: 'AWS::SQS::Queue' };

/** A key with one more statement than the account root's. */
function keyWith(statement: Record<string, unknown>, properties: Record<string, unknown> = {}): FixtureResource {
  return { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: [ROOT_STATEMENT, statement] }, ...properties } };
}
function serviceStatement(service: unknown, action: unknown, condition?: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Principal: { Service: service }, Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}) };
}
const topicOn = (key: string): FixtureResource => ({ Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } } });

const DB_INSTANCE = { Engine: 'postgres', DBInstanceClass: 'db.m5.large', AllocatedStorage: '100' };
const DB_CLUSTER = { Engine: 'aurora-postgresql' };
const ENCRYPTED = { StorageEncrypted: true, KmsKeyId: KEY_ARN };
const MANAGED_SECRET = { MasterUsername: 'dbadmin', ManageMasterUserPassword: true, MasterUserSecret: { KmsKeyId: KEY_ARN } };

export const FIXTURES: Fixture[] = [
  // --- ScheduleCMK ---------------------------------------------------------------------------------------------------
  { rule: 'ScheduleCMK', what: 'a schedule without KmsKeyArn', compliant: false, subject: 'Schedule', resources: { Schedule: { Type: 'AWS::Scheduler::Schedule', Properties: { ...SCHEDULE, Target: TARGET } } } },
  { rule: 'ScheduleCMK', what: 'a schedule on a key of the template', compliant: true, subject: 'Schedule', resources: { Key: KEY, Schedule: { Type: 'AWS::Scheduler::Schedule', Properties: { ...SCHEDULE, Target: TARGET, KmsKeyArn: KEY_ARN } } } },

  // --- EventBusCMK ---------------------------------------------------------------------------------------------------
  { rule: 'EventBusCMK', what: 'a bus without KmsKeyIdentifier', compliant: false, subject: 'Bus', resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders' } } } },
  { rule: 'EventBusCMK', what: 'a bus on an AWS managed key alias', compliant: false, subject: 'Bus', resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders', KmsKeyIdentifier: 'alias/aws/events' } } } },
  { rule: 'EventBusCMK', what: 'a bus on a key named by its ARN', compliant: true, subject: 'Bus', resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders', KmsKeyIdentifier: LITERAL_KEY_ARN } } } },

  // --- EventArchiveCMK -----------------------------------------------------------------------------------------------
  { rule: 'EventArchiveCMK', what: 'an archive with an empty KmsKeyIdentifier (aws-cdk-lib\'s events.Archive)', compliant: false, subject: 'Archive', resources: { Archive: { Type: 'AWS::Events::Archive', Properties: { SourceArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/orders', KmsKeyIdentifier: '' } } } },
  { rule: 'EventArchiveCMK', what: 'an archive on a key of the template', compliant: true, subject: 'Archive', resources: { Key: KEY, Archive: { Type: 'AWS::Events::Archive', Properties: { SourceArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/orders', KmsKeyIdentifier: KEY_ARN } } } },

  // --- EventConnectionCMK --------------------------------------------------------------------------------------------
  { rule: 'EventConnectionCMK', what: 'a connection without KmsKeyIdentifier', compliant: false, subject: 'Connection', resources: { Connection: { Type: 'AWS::Events::Connection', Properties: { AuthorizationType: 'API_KEY' } } } },
  { rule: 'EventConnectionCMK', what: 'a connection on a key of the template', compliant: true, subject: 'Connection', resources: { Key: KEY, Connection: { Type: 'AWS::Events::Connection', Properties: { AuthorizationType: 'API_KEY', KmsKeyIdentifier: KEY_ARN } } } },

  // --- PipeCMK -------------------------------------------------------------------------------------------------------
  { rule: 'PipeCMK', what: 'a pipe without KmsKeyIdentifier', compliant: false, subject: 'Pipe', resources: { Pipe: { Type: 'AWS::Pipes::Pipe', Properties: { ...PIPE } } } },
  { rule: 'PipeCMK', what: 'a pipe on a customer managed key\'s alias', compliant: true, subject: 'Pipe', resources: { Pipe: { Type: 'AWS::Pipes::Pipe', Properties: { ...PIPE, KmsKeyIdentifier: 'alias/orders-pipe' } } } },

  // --- RDSStorageCMK -------------------------------------------------------------------------------------------------
  { rule: 'RDSStorageCMK', what: 'an unencrypted DB instance', compliant: false, subject: 'Db', resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE } } } },
  { rule: 'RDSStorageCMK', what: 'a DB instance on the AWS managed key (StorageEncrypted without KmsKeyId)', compliant: false, subject: 'Db', resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, StorageEncrypted: true } } } },
  { rule: 'RDSStorageCMK', what: 'a DB cluster on alias/aws/rds', compliant: false, subject: 'Cluster', resources: { Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { ...DB_CLUSTER, StorageEncrypted: true, KmsKeyId: 'alias/aws/rds' } } } },
  { rule: 'RDSStorageCMK', what: 'a DB instance on a key of the template', compliant: true, subject: 'Db', resources: { Key: KEY, Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED } } } },
  {
    rule: 'RDSStorageCMK',
    what: 'a DB cluster on a key, and its member instance (the cluster\'s storage)',
    compliant: true,
    subject: 'Member',
    resources: { Key: KEY, Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { ...DB_CLUSTER, ...ENCRYPTED } }, Member: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: 'db.serverless', Engine: 'aurora-postgresql' } } },
  },
  { rule: 'RDSStorageCMK', what: 'a read replica (its source\'s key)', compliant: true, subject: 'Replica', resources: { Replica: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.m5.large', SourceDBInstanceIdentifier: 'orders' } } } },

  // --- RDSMasterSecretCMK --------------------------------------------------------------------------------------------
  {
    rule: 'RDSMasterSecretCMK',
    what: 'a DB instance whose password is a dynamic reference to a secret (aws-cdk-lib\'s generated credentials)',
    compliant: false,
    subject: 'Db',
    resources: {
      Key: KEY,
      Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: { GenerateStringKey: 'password', SecretStringTemplate: '{"username":"dbadmin"}' } } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED, MasterUsername: 'dbadmin', MasterUserPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'Secret' }, ':SecretString:password::}}']] } } },
    },
  },
  { rule: 'RDSMasterSecretCMK', what: 'a DB instance with an RDS-managed secret on the AWS managed key', compliant: false, subject: 'Db', resources: { Key: KEY, Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED, MasterUsername: 'dbadmin', ManageMasterUserPassword: true } } } },
  { rule: 'RDSMasterSecretCMK', what: 'a DB cluster whose managed secret names alias/aws/secretsmanager', compliant: false, subject: 'Cluster', resources: { Key: KEY, Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { ...DB_CLUSTER, ...ENCRYPTED, ...MANAGED_SECRET, MasterUserSecret: { KmsKeyId: 'alias/aws/secretsmanager' } } } } },
  { rule: 'RDSMasterSecretCMK', what: 'a DB instance with an RDS-managed secret on a key of the template', compliant: true, subject: 'Db', resources: { Key: KEY, Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED, ...MANAGED_SECRET } } } },
  { rule: 'RDSMasterSecretCMK', what: 'a read replica (no master password of its own)', compliant: true, subject: 'Replica', resources: { Replica: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.m5.large', SourceDBInstanceIdentifier: 'orders' } } } },

  // --- RDSPerformanceInsightsCMK -------------------------------------------------------------------------------------
  { rule: 'RDSPerformanceInsightsCMK', what: 'a DB instance with Performance Insights on the AWS managed key', compliant: false, subject: 'Db', resources: { Key: KEY, Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED, ...MANAGED_SECRET, EnablePerformanceInsights: true } } } },
  { rule: 'RDSPerformanceInsightsCMK', what: 'a DB cluster with Performance Insights on the AWS managed key', compliant: false, subject: 'Cluster', resources: { Key: KEY, Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { ...DB_CLUSTER, ...ENCRYPTED, ...MANAGED_SECRET, PerformanceInsightsEnabled: true } } } },
  { rule: 'RDSPerformanceInsightsCMK', what: 'a DB instance with Performance Insights on a key of the template', compliant: true, subject: 'Db', resources: { Key: KEY, Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED, ...MANAGED_SECRET, EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: KEY_ARN } } } },
  { rule: 'RDSPerformanceInsightsCMK', what: 'a DB cluster with Performance Insights on a key of the template', compliant: true, subject: 'Cluster', resources: { Key: KEY, Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { ...DB_CLUSTER, ...ENCRYPTED, ...MANAGED_SECRET, PerformanceInsightsEnabled: true, PerformanceInsightsKmsKeyId: KEY_ARN } } } },
  { rule: 'RDSPerformanceInsightsCMK', what: 'a DB instance without Performance Insights', compliant: true, subject: 'Db', resources: { Key: KEY, Db: { Type: 'AWS::RDS::DBInstance', Properties: { ...DB_INSTANCE, ...ENCRYPTED, ...MANAGED_SECRET } } } },

  // --- LogGroupCMK ---------------------------------------------------------------------------------------------------
  { rule: 'LogGroupCMK', what: 'an RDS export log group without KmsKeyId', compliant: false, subject: 'Logs', resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/rds/instance/orders/postgresql' } } } },
  {
    rule: 'LogGroupCMK',
    what: 'a log group an EventBridge rule delivers to (ARN joined from its name, as aws-cdk-lib writes it), without KmsKeyId',
    compliant: false,
    subject: 'Logs',
    resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'orders-events', RetentionInDays: 30 } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['orders'] }, Targets: [{ Id: 'Logs', Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:', { Ref: 'Logs' }]] } }] } },
    },
  },
  {
    rule: 'LogGroupCMK',
    what: 'a log group a pipe logs to, without KmsKeyId',
    compliant: false,
    subject: 'Logs',
    resources: {
      Key: KEY,
      Logs: { Type: 'AWS::Logs::LogGroup' },
      Pipe: { Type: 'AWS::Pipes::Pipe', Properties: { ...PIPE, KmsKeyIdentifier: KEY_ARN, LogConfiguration: { Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::GetAtt': ['Logs', 'Arn'] } } } } },
    },
  },
  {
    rule: 'LogGroupCMK',
    what: 'a log group an EventBridge rule delivers to (its ARN by Fn::GetAtt), without KmsKeyId',
    compliant: false,
    subject: 'Logs',
    resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['orders'] }, Targets: [{ Id: 'Fn', Arn: TARGET.Arn }, { Id: 'Logs', Arn: { 'Fn::GetAtt': ['Logs', 'Arn'] } }] } },
    },
  },
  {
    rule: 'LogGroupCMK',
    what: 'a log group a pipe logs to (its ARN joined from its name), on a key of the template',
    compliant: true,
    subject: 'Logs',
    resources: {
      Key: KEY,
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: KEY_ARN } },
      Pipe: {
        Type: 'AWS::Pipes::Pipe',
        Properties: {
          ...PIPE,
          KmsKeyIdentifier: KEY_ARN,
          LogConfiguration: { Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::Join': ['', ['arn:aws:logs:eu-west-1:111122223333:log-group:', { Ref: 'Logs' }]] } } },
        },
      },
    },
  },
  {
    rule: 'LogGroupCMK',
    what: 'a log group a pipe logs to (its ARN joined from its name), without KmsKeyId',
    compliant: false,
    subject: 'Logs',
    resources: {
      Key: KEY,
      Logs: { Type: 'AWS::Logs::LogGroup' },
      Pipe: {
        Type: 'AWS::Pipes::Pipe',
        Properties: {
          ...PIPE,
          KmsKeyIdentifier: KEY_ARN,
          LogConfiguration: { Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::Join': ['', ['arn:aws:logs:eu-west-1:111122223333:log-group:', { Ref: 'Logs' }]] } } },
        },
      },
    },
  },
  { rule: 'LogGroupCMK', what: 'an RDS export log group on a key of the template', compliant: true, subject: 'Logs', resources: { Key: KEY, Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/rds/cluster/orders/postgresql', KmsKeyId: KEY_ARN } } } },
  { rule: 'LogGroupCMK', what: 'a log group no RDS database, rule or pipe writes to (a function\'s)', compliant: true, subject: 'Logs', resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/report' } } } },

  // --- DeadLetterQueueCMK --------------------------------------------------------------------------------------------
  {
    rule: 'DeadLetterQueueCMK',
    what: 'a schedule\'s dead-letter queue without KmsMasterKeyId (SQS-managed encryption by default)',
    compliant: false,
    subject: 'Dlq',
    resources: { Key: KEY, Dlq: bareQueue, Schedule: { Type: 'AWS::Scheduler::Schedule', Properties: { ...SCHEDULE, KmsKeyArn: KEY_ARN, Target: { ...TARGET, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } } } },
  },
  {
    rule: 'DeadLetterQueueCMK',
    what: 'a rule target\'s dead-letter queue with SqsManagedSseEnabled',
    compliant: false,
    subject: 'Dlq',
    resources: {
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['orders'] }, Targets: [{ Id: 'Fn', Arn: TARGET.Arn, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }] } },
    },
  },
  {
    rule: 'DeadLetterQueueCMK',
    what: 'an event bus\'s dead-letter queue on alias/aws/sqs',
    compliant: false,
    subject: 'Dlq',
    resources: {
      Key: KEY,
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/aws/sqs' } },
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders', KmsKeyIdentifier: KEY_ARN, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } },
    },
  },
  {
    rule: 'DeadLetterQueueCMK',
    what: 'a pipe source\'s dead-letter queue without KmsMasterKeyId',
    compliant: false,
    subject: 'Dlq',
    resources: {
      Key: KEY,
      Dlq: bareQueue,
      Pipe: { Type: 'AWS::Pipes::Pipe', Properties: { ...PIPE, Source: 'arn:aws:kinesis:eu-west-1:111122223333:stream/in', KmsKeyIdentifier: KEY_ARN, SourceParameters: { KinesisStreamParameters: { StartingPosition: 'LATEST', DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } } } },
    },
  },
  {
    rule: 'DeadLetterQueueCMK',
    what: 'an event bus\'s dead-letter queue on a key of the template',
    compliant: true,
    subject: 'Dlq',
    resources: { Key: KEY, Dlq: queueOnKey, Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders', KmsKeyIdentifier: KEY_ARN, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } } },
  },
  { rule: 'DeadLetterQueueCMK', what: 'a queue that is no dead-letter queue of these resources', compliant: true, subject: 'Queue', resources: { Queue: bareQueue } },

  // --- KMSKeyRotation ------------------------------------------------------------------------------------------------
  { rule: 'KMSKeyRotation', what: 'a key without EnableKeyRotation', compliant: false, subject: 'Key', resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [ROOT_STATEMENT] } } } } },
  { rule: 'KMSKeyRotation', what: 'a key with EnableKeyRotation false', compliant: false, subject: 'Key', resources: { Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false, KeySpec: 'SYMMETRIC_DEFAULT', KeyPolicy: { Statement: [ROOT_STATEMENT] } } } } },
  { rule: 'KMSKeyRotation', what: 'a key with EnableKeyRotation', compliant: true, subject: 'Key', resources: { Key: KEY } },
  { rule: 'KMSKeyRotation', what: 'an asymmetric key (KMS cannot rotate it)', compliant: true, subject: 'Key', resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', KeyPolicy: { Statement: [ROOT_STATEMENT] } } } } },
  { rule: 'KMSKeyRotation', what: 'a key for imported key material (KMS cannot rotate it)', compliant: true, subject: 'Key', resources: { Key: { Type: 'AWS::KMS::Key', Properties: { Origin: 'EXTERNAL', KeyPolicy: { Statement: [ROOT_STATEMENT] } } } } },

  // --- KMSServicePrincipalConditions ---------------------------------------------------------------------------------
  { rule: 'KMSServicePrincipalConditions', what: 'EventBridge may decrypt without a condition, on a key of no topic', compliant: false, subject: 'Key', resources: { Key: keyWith(serviceStatement('events.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'])) } },
  {
    rule: 'KMSServicePrincipalConditions',
    what: 'EventBridge may encrypt without a condition on a topic\'s key: beyond what SNS delivery needs',
    compliant: false,
    subject: 'Key',
    resources: { Key: keyWith(serviceStatement('events.amazonaws.com', ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'])), Topic: topicOn('Key') },
  },
  { rule: 'KMSServicePrincipalConditions', what: 'CloudWatch Logs may use the key with only aws:SourceAccount (Logs documents its encryption context)', compliant: false, subject: 'Key', resources: { Key: keyWith(serviceStatement('logs.eu-west-1.amazonaws.com', 'kms:Encrypt*', { StringEquals: { 'aws:SourceAccount': '111122223333' } })) } },
  { rule: 'KMSServicePrincipalConditions', what: 'a service may use the key under a Null condition only', compliant: false, subject: 'Key', resources: { Key: keyWith(serviceStatement('s3.amazonaws.com', 'kms:GenerateDataKey*', { Null: { 'aws:SourceArn': 'false' } })) } },
  { rule: 'KMSServicePrincipalConditions', what: 'a service may do everything but administration (NotAction)', compliant: false, subject: 'Key', resources: { Key: keyWith({ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, NotAction: 'kms:ScheduleKeyDeletion', Resource: '*' }) } },
  {
    rule: 'KMSServicePrincipalConditions',
    what: 'CloudWatch Logs and CloudWatch share a statement conditioned on aws:SourceAccount, which only CloudWatch documents',
    compliant: false,
    subject: 'Key',
    resources: { Key: keyWith(serviceStatement(['cloudwatch.amazonaws.com', 'logs.eu-west-1.amazonaws.com'], ['kms:Decrypt', 'kms:GenerateDataKey'], { StringEquals: { 'aws:SourceAccount': '111122223333' } })) },
  },
  {
    rule: 'KMSServicePrincipalConditions',
    what: 'a regional service principal the template joins from the region, without a condition',
    compliant: false,
    subject: 'Key',
    resources: { Key: keyWith(serviceStatement({ 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }, 'kms:Decrypt*')) },
  },
  { rule: 'KMSServicePrincipalConditions', what: 'EventBridge may deliver to the key\'s SNS topic without a condition (SNS does not support one)', compliant: true, subject: 'Key', resources: { Key: keyWith(serviceStatement('events.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'])), Topic: topicOn('Key') } },
  { rule: 'KMSServicePrincipalConditions', what: 'EventBridge may use the key for a dead-letter queue from its rules (aws:SourceArn, ...IfExists)', compliant: true, subject: 'Key', resources: { Key: keyWith(serviceStatement('events.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'], { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/*' } })) } },
  { rule: 'KMSServicePrincipalConditions', what: 'CloudWatch Logs may use the key for one log group (its encryption context)', compliant: true, subject: 'Key', resources: { Key: keyWith(serviceStatement('logs.eu-west-1.amazonaws.com', ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111122223333:log-group:orders' } })) } },
  { rule: 'KMSServicePrincipalConditions', what: 'a service the table does not name, through kms:ViaService', compliant: true, subject: 'Key', resources: { Key: keyWith(serviceStatement('s3.amazonaws.com', 'kms:GenerateDataKey*', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } })) } },
  { rule: 'KMSServicePrincipalConditions', what: 'EventBridge may only describe the key (no use)', compliant: true, subject: 'Key', resources: { Key: keyWith(serviceStatement('events.amazonaws.com', 'kms:DescribeKey')) } },
  {
    rule: 'KMSServicePrincipalConditions',
    what: 'a regional service principal joined from the region, with its encryption context',
    compliant: true,
    subject: 'Key',
    resources: { Key: keyWith(serviceStatement({ 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }, 'kms:Decrypt*', { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*:111122223333:log-group:*' } })) },
  },

  // --- KMSOpenPrincipal ----------------------------------------------------------------------------------------------
  { rule: 'KMSOpenPrincipal', what: '{"AWS": "*"} may decrypt without a condition', compliant: false, subject: 'Key', resources: { Key: keyWith({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' }) } },
  {
    rule: 'KMSOpenPrincipal',
    what: '"*" kept to the account only by an ...IfExists condition',
    compliant: false,
    subject: 'Key',
    resources: { Key: keyWith({ Effect: 'Allow', Principal: '*', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*', Condition: { StringEqualsIfExists: { 'kms:CallerAccount': '111122223333' } } }) },
  },
  {
    rule: 'KMSOpenPrincipal',
    what: '"*" kept to the account and to one service (the AWS managed key\'s form)',
    compliant: true,
    subject: 'Key',
    resources: { Key: keyWith({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } } }) },
  },
  {
    rule: 'KMSOpenPrincipal',
    what: 'a Deny for "*" (the library\'s grant guard)',
    compliant: true,
    subject: 'Key',
    resources: { Key: keyWith({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*', Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } } }) },
  },
];

/** The fixture's stack name: rule, verdict and position. */
export function fixtureStackName(fixture: Fixture): string {
  return `${fixture.rule}-${fixture.compliant ? 'Compliant' : 'NonCompliant'}-${FIXTURES.indexOf(fixture)}`;
}

/** One app holding every fixture, a stack each, synthesized by the caller. */
export function fixtureApp(): App {
  const app = new App();
  for (const fixture of FIXTURES) {
    const stack = new Stack(app, fixtureStackName(fixture), { env: TEST_ENV });
    for (const [logicalId, resource] of Object.entries(fixture.resources)) {
      new CfnResource(stack, logicalId, { type: resource.Type, properties: resource.Properties }).overrideLogicalId(logicalId);
    }
  }
  return app;
}
