import { App, CfnParameter, Duration, Fn, RemovalPolicy, SecretValue, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { compliantVpc } from './fixtures';
import { KeyAuditTrail, KeyTamperingAlert } from '../../src';
import { EncryptedRdsInstance, EncryptedRdsInstanceProps } from '../../src/encrypted-rds-instance';
import { ComplianceBatch, formatFindings } from '../support/compliance';
import { byRole, TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
const MYSQL = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 });
const MARIADB = rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11 });
const T3_MICRO = ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);

type Props = Partial<EncryptedRdsInstanceProps>;

/** A stack with a compliant VPC and one instance (PostgreSQL 16 unless the props say otherwise). */
function newDb(props: Props = {}, stack: Stack = testStack()): { stack: Stack; db: EncryptedRdsInstance } {
  const vpc = props.vpc ?? compliantVpc(stack);
  const db = new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, ...props, vpc });
  return { stack, db };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } } | any): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as any);
}

function keyStatements(stack: Stack, db: EncryptedRdsInstance): any[] {
  const key = Template.fromStack(stack).toJSON().Resources[logicalId(stack, db.encryptionKey)];
  return key.Properties.KeyPolicy.Statement.map(({ Sid, ...rest }: any) => rest);
}

function instanceProps(stack: Stack): any {
  return Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'))[0].Properties;
}

const ROOT = { AWS: 'arn:aws:iam::111122223333:root' };
const VIA_RDS = { 'kms:ViaService': 'rds.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' };
const VIA_SECRETS_MANAGER = { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' };
const IDENTIFIER = 'teststack-db-4b3753bb';

/** The statements that let RDS, Secrets Manager and Performance Insights use the key (the `rdsInstance` builder). */
const RDS_STATEMENTS = [
  {
    Effect: 'Allow',
    Principal: ROOT,
    Resource: '*',
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
    Condition: { StringEquals: VIA_RDS },
  },
  {
    // the master secret's grant may come through Secrets Manager: the RDS guide does not say which service calls
    Effect: 'Allow',
    Principal: ROOT,
    Resource: '*',
    Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
    Condition: {
      StringEquals: { 'kms:ViaService': ['rds.eu-west-1.amazonaws.com', 'secretsmanager.eu-west-1.amazonaws.com'], 'kms:CallerAccount': '111122223333' },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    },
  },
  {
    Effect: 'Allow',
    Principal: ROOT,
    Resource: '*',
    Action: 'kms:DescribeKey',
    Condition: { StringEquals: VIA_SECRETS_MANAGER },
  },
  {
    // the master secret: the account's principals (each with its own IAM permission) may encrypt RDS-managed secrets
    // and pass Secrets Manager's key checks; decrypting the value takes IAM delegation or a grant naming the reader
    Effect: 'Allow',
    Principal: ROOT,
    Resource: '*',
    Action: 'kms:GenerateDataKey',
    Condition: { StringEquals: VIA_SECRETS_MANAGER, StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!*' } },
  },
  {
    Effect: 'Allow',
    Principal: ROOT,
    Resource: '*',
    Action: 'kms:Decrypt',
    Condition: {
      StringEquals: { ...VIA_SECRETS_MANAGER, 'kms:EncryptionContext:SecretVersionId': 'RequestToValidateKeyAccess' },
      StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!*' },
    },
  },
  {
    Effect: 'Allow',
    Principal: ROOT,
    Resource: '*',
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Condition: { StringEquals: { ...VIA_RDS, 'kms:EncryptionContext:aws:pi:service': 'rds', 'kms:EncryptionContext:service': 'pi' } },
  },
];

function logStatement(logType: string, identifier = IDENTIFIER): any {
  return {
    Effect: 'Allow',
    Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
    Resource: '*',
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:111122223333:log-group:/aws/rds/instance/${identifier}/${logType}` } },
  };
}

const ALARM_TOPIC_STATEMENT = {
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Resource: '*',
  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
  Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
};

const CRYPTO_ACTIONS = /^kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant)/;

/** Every Allow that lets a service or a role USE the key carries conditions (the account root's kms:* aside). */
function unconditionedUses(statements: any[]): any[] {
  return statements.filter(s => s.Effect === 'Allow' && s.Condition === undefined
    && [s.Action].flat().some((a: string) => CRYPTO_ACTIONS.test(a))
    && !(s.Action === 'kms:*' && JSON.stringify(s.Principal).endsWith(':iam::111122223333:root"]]}}')));
}

describe('EncryptedRdsInstance: encryption', () => {
  test('storage, the RDS-managed master secret and Performance Insights all name the one customer managed key', () => {
    const { stack, db } = newDb();
    const keyArn = { 'Fn::GetAtt': [logicalId(stack, db.encryptionKey), 'Arn'] };
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      StorageEncrypted: true,
      KmsKeyId: keyArn,
      ManageMasterUserPassword: true,
      MasterUserSecret: { KmsKeyId: keyArn },
      MasterUsername: 'dbadmin',
      MasterUserPassword: Match.absent(),
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: keyArn,
    });
    // no CDK-generated secret: RDS generates, keeps and rotates the password itself
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(stack.resolve(db.masterUserSecret.secretArn)).toEqual({ 'Fn::GetAtt': [logicalId(stack, db.instance), 'MasterUserSecret.SecretArn'] });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('the key policy holds exactly: root delegation, the grant guard, RDS / Secrets Manager / Performance Insights via RDS, the two log groups, the verifier', () => {
    const { stack, db } = newDb();
    const statements = keyStatements(stack, db);
    expect(statements).toEqual([
      { Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      },
      ...RDS_STATEMENTS,
      logStatement('postgresql'),
      logStatement('upgrade'),
      expect.objectContaining({
        Action: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
        ...byRole({ 'Fn::GetAtt': [expect.stringMatching(/^EncryptionVerifierRole/), 'Arn'] }),
      }),
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: expect.objectContaining({ 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['cdk-encrypted-constructs:verification'] } }) }),
    ]);
    expect(unconditionedUses(statements)).toEqual([]);
  });

  test('strict mode: the root may only administer; every use is still conditioned, and RDS keeps what it needs to create the instance', () => {
    const { stack, db } = newDb({ keyOptions: { strictMode: true } });
    const statements = keyStatements(stack, db);
    expect(statements[0]).toEqual(expect.objectContaining({ Principal: ROOT, Action: expect.not.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:CreateGrant']) }));
    expect(statements.some(s => s.Action === 'kms:*')).toBe(false);
    for (const s of RDS_STATEMENTS) expect(statements).toContainEqual(s);
    expect(unconditionedUses(statements)).toEqual([]);
  });

  test('an imported key is never edited: a warning lists the statements its owner must add', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    const { db } = newDb({ encryptionKey: key }, stack);
    expect(db.encryptionKey).toBe(key);
    // the trail's, the verifier's and the shared alarm topic's keys and the VPC fixture's key only
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 4);
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Db', Match.stringLikeRegexp('cdk-encrypted-constructs:key-policy-statements-required'));
    const text = warnings.map(w => String(w.entry.data)).join('\n');
    expect(text).toContain('rds.eu-west-1.amazonaws.com');
    expect(text).toContain('kms:GrantIsForAWSResource');
    expect(text).toContain('secretsmanager.eu-west-1.amazonaws.com');
    expect(text).toContain(`/aws/rds/instance/${IDENTIFIER}/postgresql`);
  });

  test('the key is watched by the stack-shared audit trail, and one verification checks storage, master secret and Performance Insights', () => {
    const { stack, db } = newDb();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    expect(db.auditTrailArn).toBeDefined();
    expect(KeyAuditTrail.of(stack)).toBeDefined();
    template.resourceCountIs('Custom::EncryptionVerification', 1);
    template.hasResource('Custom::EncryptionVerification', {
      Properties: {
        KeyArn: { 'Fn::GetAtt': [logicalId(stack, db.encryptionKey), 'Arn'] },
        Resources: [{ Type: 'AWS::RDS::DBInstance', Identifier: { Ref: logicalId(stack, db.instance) }, ExpectMasterUserSecret: 'true', ExpectPerformanceInsights: 'true' }],
      },
      DependsOn: Match.arrayWith([logicalId(stack, db.instance)]),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'rds:DescribeDBInstances', Resource: `arn:aws:rds:eu-west-1:111122223333:db:${IDENTIFIER}` }]) },
    });
  });
});

describe('EncryptedRdsInstance: secure defaults', () => {
  test('TLS only, IAM authentication, deletion protection, 7-day backups, tags to snapshots, snapshot on delete, Multi-AZ, private, minor upgrades', () => {
    const { stack, db } = newDb();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBInstance', {
      Properties: {
        DBInstanceIdentifier: IDENTIFIER,
        DBParameterGroupName: { Ref: logicalId(stack, db.parameterGroup!) },
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 7,
        CopyTagsToSnapshot: true,
        MultiAZ: true,
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
      },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres16', Parameters: { 'rds.force_ssl': '1' } });
    // isolated subnets of the fixture VPC
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcDataSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcDataSubnet2') }] });
    // a security group without outbound rules and without inbound rules until the user allows a peer
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Encrypted RDS instance TestStack/Db',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('every PostgreSQL log type goes to a log group the construct creates first, encrypted with the key, kept one year and retained (except when the deploy that created it rolls back)', () => {
    const { stack, db } = newDb();
    const template = Template.fromStack(stack);
    expect(instanceProps(stack).EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
    for (const logType of ['postgresql', 'upgrade']) {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/aws/rds/instance/${IDENTIFIER}/${logType}`, KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, db.encryptionKey), 'Arn'] }, RetentionInDays: 365 },
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
    }
    const dependsOn = Template.fromStack(stack).toJSON().Resources[logicalId(stack, db.instance)].DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining(Object.values(db.logGroups).map(g => logicalId(stack, g))));
    // no log-retention function
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('Enhanced Monitoring uses a role that only RDS may assume for this instance, with the stack\'s customer managed policy scoped to RDSOSMetrics', () => {
    const { stack, db } = newDb();
    const template = Template.fromStack(stack);
    const policy = stack.node.findChild('EncryptedConstructsRdsMonitoringPolicy') as iam.ManagedPolicy;
    expect(instanceProps(stack)).toEqual(expect.objectContaining({ MonitoringInterval: 60, MonitoringRoleArn: { 'Fn::GetAtt': [logicalId(stack, db.monitoringRole!), 'Arn'] } }));
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'monitoring.rds.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, ArnLike: { 'aws:SourceArn': `arn:aws:rds:eu-west-1:111122223333:db:${IDENTIFIER}` } },
        }],
      },
      ManagedPolicyArns: [{ Ref: logicalId(stack, policy) }],
      Policies: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: Match.absent(),
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], Resource: ['arn:aws:logs:eu-west-1:111122223333:log-group:RDSOSMetrics', 'arn:aws:logs:eu-west-1:111122223333:log-group:RDSOSMetrics:*'] },
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
            Resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:RDSOSMetrics:log-stream:*',
          },
        ],
      },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test.each([
    ['mysql', MYSQL, 'mysql8.0'],
    ['mariadb', MARIADB, 'mariadb10.11'],
  ])('%s: require_secure_transport=ON and the audit, error, general and slow query logs', (_name, engine, family) => {
    const { stack } = newDb({ engine });
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: family, Parameters: { require_secure_transport: 'ON' } });
    expect(instanceProps(stack).EnableCloudwatchLogsExports).toEqual(['audit', 'error', 'general', 'slowquery']);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::LogGroup', 4 + 3); // the instance's four, the fixture's, the trail's, the verifier's
  });

  test('parameters you pass are kept next to the TLS parameter; a ParameterGroup you pass gets the TLS parameter added', () => {
    const own = newDb({ parameters: { log_min_duration_statement: '500' } });
    Template.fromStack(own.stack).hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'log_min_duration_statement': '500', 'rds.force_ssl': '1' } });

    const stack = testStack();
    const group = new rds.ParameterGroup(stack, 'Group', { engine: POSTGRES, parameters: { work_mem: '8192' } });
    const { db } = newDb({ parameterGroup: group }, stack);
    expect(db.parameterGroup).toBe(group);
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'work_mem': '8192', 'rds.force_ssl': '1' } });
  });

  test('each default can be overridden', () => {
    const { stack, db } = newDb({
      multiAz: false,
      deletionProtection: false,
      backupRetention: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
      iamAuthentication: false,
      autoMinorVersionUpgrade: false,
      copyTagsToSnapshot: false,
      monitoringInterval: Duration.seconds(0),
      cloudwatchLogsExports: [],
      enforceTls: false,
      enablePerformanceInsights: false,
      port: 5433,
      instanceIdentifier: 'Orders-DB',
      credentials: rds.Credentials.fromUsername('owner'),
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBInstance', {
      Properties: {
        MultiAZ: false,
        DeletionProtection: false,
        BackupRetentionPeriod: 14,
        EnableIAMDatabaseAuthentication: false,
        AutoMinorVersionUpgrade: false,
        CopyTagsToSnapshot: false,
        MonitoringInterval: 0,
        MonitoringRoleArn: Match.absent(),
        EnableCloudwatchLogsExports: Match.absent(),
        DBParameterGroupName: Match.absent(),
        EnablePerformanceInsights: false,
        PerformanceInsightsKMSKeyId: Match.absent(),
        Port: '5433',
        DBInstanceIdentifier: 'orders-db',
        MasterUsername: 'owner',
        // what encryption needs cannot be overridden away
        StorageEncrypted: true,
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: Match.anyValue() },
      },
      DeletionPolicy: 'Retain',
    });
    expect(db.monitoringRole).toBeUndefined();
    expect(db.parameterGroup).toBeUndefined();
    expect(db.logGroups).toEqual({});
    expect(db.performanceInsightsEnabled).toBe(false);
    template.hasResourceProperties('Custom::EncryptionVerification', { Resources: [Match.objectLike({ ExpectPerformanceInsights: 'false' })] });
    expect(() => db.grantConnect(new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() }), 'app')).toThrow(/iamAuthentication: got false; grantConnect needs IAM database authentication/);
  });

  test('a user-given identifier names the log groups, the key-policy log statements and the monitoring trust', () => {
    const { stack, db } = newDb({ instanceIdentifier: 'orders-db' });
    expect(db.instanceIdentifier).toBe('orders-db');
    expect(keyStatements(stack, db)).toContainEqual(logStatement('postgresql', 'orders-db'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': 'arn:aws:rds:eu-west-1:111122223333:db:orders-db' } }) })] },
    });
  });

  test('the default identifier is derived from the construct path: the same tree gives the same name, and it is a valid DB identifier', () => {
    const a = newDb().db.instanceIdentifier;
    const b = newDb().db.instanceIdentifier;
    expect(a).toBe(b);
    expect(a).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/);
    const app = new App();
    const other = new Stack(app, '9', { env: TEST_ENV, stackName: 'Nine' });
    const { db } = newDb({}, other);
    expect(db.instanceIdentifier).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/);
  });
});

describe('EncryptedRdsInstance: Performance Insights', () => {
  test('an instance class without Performance Insights gets a clear warning and a verification that does not expect it', () => {
    const { stack, db } = newDb({ engine: MYSQL, instanceType: T3_MICRO });
    expect(db.performanceInsightsEnabled).toBe(false);
    Annotations.fromStack(stack).hasWarning('/TestStack/Db', Match.stringLikeRegexp('Performance Insights is off: RDS for mysql does not support it on db.t3.micro'));
    expect(instanceProps(stack)).toEqual(expect.objectContaining({ EnablePerformanceInsights: false }));
    expect(instanceProps(stack)).not.toHaveProperty('PerformanceInsightsKMSKeyId');
    Template.fromStack(stack).hasResourceProperties('Custom::EncryptionVerification', { Resources: [Match.objectLike({ ExpectPerformanceInsights: 'false' })] });
  });

  test('PostgreSQL on the same small class keeps Performance Insights, with the key', () => {
    const { stack, db } = newDb({ instanceType: T3_MICRO });
    expect(db.performanceInsightsEnabled).toBe(true);
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Db', Match.stringLikeRegexp('Performance Insights'));
  });
});

describe('EncryptedRdsInstance: alarms', () => {
  test('CPU, free storage and connections alarms notify the stack\'s shared TLS-only alarm topic on a key of its own, which only the library\'s alarms may publish to', () => {
    const { stack, db } = newDb();
    const template = Template.fromStack(stack);
    const topic = { Ref: logicalId(stack, db.alarmTopic) };
    const dimensions = [{ Name: 'DBInstanceIdentifier', Value: { Ref: logicalId(stack, db.instance) } }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CPUUtilization', Threshold: 80, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [topic], Dimensions: dimensions,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreeStorageSpace', Threshold: 10 * 1024 ** 3 / 1, Statistic: 'Minimum', ComparisonOperator: 'LessThanOrEqualToThreshold', AlarmActions: [topic],
    });
    // 80% of PostgreSQL's default max_connections on db.m5.large (8 GiB / 9531392 = 901)
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections', Threshold: 720, AlarmActions: [topic] });
    expect(db.alarmTopic.node.path).toBe('TestStack/EncryptedConstructsAlarmTopic/Resource');
    const topicKey = (db.alarmTopic as sns.Topic).masterKey!;
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, topicKey), 'Arn'] } });
    expect(keyStatements(stack, db)).not.toContainEqual(ALARM_TOPIC_STATEMENT);
    expect(template.toJSON().Resources[logicalId(stack, topicKey)].Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining(ALARM_TOPIC_STATEMENT));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111122223333' },
              // (first, the stack's alarm on its tampering rule's failed deliveries; last, the one on the instance's
              // master-secret rotation-failure rule's)
              ArnEquals: {
                'aws:SourceArn': [KeyTamperingAlert.of(stack).node.findChild('KeyTamperingRuleDeliveryFailures'), db.cpuAlarm, db.freeStorageAlarm, db.connectionsAlarm,
                  db.node.findChild('MasterSecretRotationFailureRuleDeliveryFailures')].map(a => ({ 'Fn::GetAtt': [logicalId(stack, a), 'Arn'] })),
              },
            },
          }),
        ],
      },
    });
  });

  test('thresholds and the topic can be chosen; MySQL on a small class estimates from its own formula', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Ops', { enforceSSL: true });
    const { db } = newDb({
      engine: MYSQL,
      instanceType: T3_MICRO,
      enablePerformanceInsights: false,
      alarmTopic: topic,
      cpuUtilizationAlarmThreshold: 90,
      freeStorageAlarmThreshold: Size.gibibytes(5),
    }, stack);
    expect(db.alarmTopic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 3); // the user's, the alert hub's, and the stack's alarm topic (its delivery-failure alarm)
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: 90, AlarmActions: [{ Ref: logicalId(stack, topic) }] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FreeStorageSpace', Threshold: 5 * 1024 ** 3 });
    // 80% of floor(1 GiB / 12582880) = 85
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections', Threshold: 68 });
    expect(keyStatements(stack, db)).not.toContainEqual(ALARM_TOPIC_STATEMENT);
  });

  test('a class whose memory is unknown gets a warning and a connections threshold of 100', () => {
    // (a class chosen at deploy time: its memory is not known at synth)
    const stack = testStack();
    newDb({ instanceType: new ec2.InstanceType(new CfnParameter(stack, 'InstanceClass').valueAsString) }, stack);
    Annotations.fromStack(stack).hasWarning('/TestStack/Db', Match.stringLikeRegexp('connections alarm fires at 100 connections'));
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections', Threshold: 100 });
  });
});

describe('EncryptedRdsInstance: metrics', () => {
  test.each([
    ['metricCPUUtilization', 'CPUUtilization'],
    ['metricDatabaseConnections', 'DatabaseConnections'],
    ['metricFreeStorageSpace', 'FreeStorageSpace'],
    ['metricFreeableMemory', 'FreeableMemory'],
    ['metricReadIOPS', 'ReadIOPS'],
    ['metricWriteIOPS', 'WriteIOPS'],
  ] as const)('%s() reads the same metric as rds.DatabaseInstance\'s method of that name (%s)', (method, metricName) => {
    const { stack, db } = newDb();
    const ours = db[method]({ period: Duration.minutes(1) });
    const theirs = db.instance[method]({ period: Duration.minutes(1) });
    expect([ours.namespace, ours.metricName, stack.resolve(ours.dimensions), ours.statistic, ours.period.toSeconds()])
      .toEqual([theirs.namespace, metricName, stack.resolve(theirs.dimensions), theirs.statistic, 60]);
    expect(stack.resolve(ours.dimensions)).toEqual({ DBInstanceIdentifier: { Ref: logicalId(stack, db.instance) } });
  });

  test('metric(name) reads any AWS/RDS metric of the instance', () => {
    const { stack, db } = newDb();
    const metric = db.metric('ReplicaLag');
    expect([metric.namespace, metric.metricName, stack.resolve(metric.dimensions)]).toEqual(['AWS/RDS', 'ReplicaLag', { DBInstanceIdentifier: { Ref: logicalId(stack, db.instance) } }]);
  });
});

describe('EncryptedRdsInstance: grantConnect', () => {
  test('grants rds-db:connect on exactly this instance\'s DbiResourceId and user', () => {
    const { stack, db } = newDb();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    db.grantConnect(role, 'app_user');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(stack, role) }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: { 'Fn::Join': ['', ['arn:aws:rds-db:eu-west-1:111122223333:dbuser:', { 'Fn::GetAtt': [logicalId(stack, db.instance), 'DbiResourceId'] }, '/app_user']] },
        }],
      },
    });
  });

  test.each([
    ['*', 'grantConnect(dbUser): got "*"'],
    ['', 'grantConnect(dbUser): got ""'],
    ['app user', 'grantConnect(dbUser): got "app user"'],
  ])('rejects the database user %j', (dbUser, message) => {
    const { stack, db } = newDb();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => db.grantConnect(role, dbUser)).toThrow(message);
  });
});

describe('EncryptedRdsInstance: compliance', () => {
  // the five configurations in one batch: the Control Tower rules run once over all of them
  const batch = new ComplianceBatch();
  const engines = [
    ['PostgreSQL', POSTGRES, undefined],
    ['MySQL', MYSQL, undefined],
    ['MariaDB, small class without Performance Insights', MARIADB, T3_MICRO],
  ] as const;
  const byEngine = engines.map(([name, engine, instanceType]) =>
    [name, batch.add(newDb({ engine, instanceType, enablePerformanceInsights: instanceType ? false : undefined }).stack)] as const);
  const fullest = batch.add(newDb({
    keyOptions: { strictMode: true, alias: 'orders-db' },
    port: 5433,
    performanceInsightRetention: rds.PerformanceInsightRetention.MONTHS_12,
    cloudwatchLogsRetention: 731,
    backupRetention: Duration.days(35),
    storageType: rds.StorageType.GP3,
    maxAllocatedStorage: 500,
  }).stack);
  const agnostic = batch.add(new Stack(new App(), 'Agnostic'));
  newDb({}, agnostic);

  test.each(byEngine)('%s, default configuration: zero unacknowledged findings across the five cdk-nag packs and Control Tower', (_name, stack) => {
    expect(formatFindings(batch.unacknowledged(stack))).toEqual([]);
  });

  test('fullest configuration (strict key, non-default port, long Performance Insights retention, own log retention): zero unacknowledged findings', () => {
    expect(formatFindings(batch.unacknowledged(fullest))).toEqual([]);
  });

  test('an environment-agnostic stack (account and region known only at deploy time): zero unacknowledged findings, no cycle', () => {
    expect(formatFindings(batch.unacknowledged(agnostic))).toEqual([]);
    const template = Template.fromStack(agnostic).toJSON();
    expect(findCycle(template)).toBeUndefined();
    const policy: any = Object.values(template.Resources).find((r: any) => r.Properties?.Description === 'Enhanced Monitoring: write OS metrics to the RDSOSMetrics log group');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('{"Ref":"AWS::Region"}');
  });

  test('the default port is acknowledged on the instance only, with a reason; a non-default port needs no acknowledgement', () => {
    const acknowledged = (db: EncryptedRdsInstance) => (db.instance.node.defaultChild as rds.CfnDBInstance).node.metadata
      .filter(m => m.type === 'aws:cdk:acknowledged-rules' || String(m.type).includes('acknowledged')).flatMap(m => Object.keys(m.data));
    const byDefault = acknowledged(newDb().db).map(id => id.replace(/^annotation::/i, ''));
    expect(byDefault).toEqual(expect.arrayContaining(['AwsSolutions-RDS11', 'rds_instance_no_default_ports_check', 'NIST.800.53.R5-RDSInBackupPlan', 'HIPAA.Security-RDSInBackupPlan']));
    const moved = acknowledged(newDb({ port: 5433 }).db).map(id => id.replace(/^annotation::/i, ''));
    expect(moved).not.toContain('AwsSolutions-RDS11');
    expect(moved).not.toContain('rds_instance_no_default_ports_check');
  });

  test.each([
    ['default', {}],
    ['strict mode', { keyOptions: { strictMode: true } }],
  ])('no dependency cycle (%s)', (_name, props) => {
    const { stack } = newDb(props);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });
});

describe('EncryptedRdsInstance: snapshots', () => {
  test.each([
    ['postgres', POSTGRES],
    ['mysql', MYSQL],
  ])('default configuration, %s', (_name, engine) => {
    const { stack } = newDb({ engine });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('EncryptedRdsInstance: bad input fails at synth time', () => {
  const otherKeyArn = 'arn:aws:kms:eu-west-1:111122223333:key/99999999-2222-3333-4444-555555555555';
  const cases: Array<[string, (stack: Stack) => Props, string]> = [
    ['storage encryption turned off', () => ({ storageEncrypted: false }), 'storageEncrypted: got false; storage is always encrypted with encryptionKey'],
    ['a second storage key', s => ({ storageEncryptionKey: kms.Key.fromKeyArn(s, 'K', otherKeyArn) }), 'storageEncryptionKey: got a different key'],
    ['a second Performance Insights key', s => ({ performanceInsightEncryptionKey: kms.Key.fromKeyArn(s, 'K', otherKeyArn) }), 'performanceInsightEncryptionKey: got a different key'],
    ['a master password not managed by RDS', () => ({ manageMasterUserPassword: false }), 'manageMasterUserPassword: got false'],
    ['a plaintext password', () => ({ credentials: rds.Credentials.fromPassword('owner', SecretValue.unsafePlainText('hunter2hunter2')) }), 'credentials: got a password'],
    ['an existing secret', s => ({ credentials: rds.Credentials.fromSecret(new secretsmanager.Secret(s, 'S')) }), 'credentials: got an existing secret'],
    ['secret options', () => ({ credentials: rds.Credentials.fromGeneratedSecret('owner', { excludeCharacters: '"@/' }) }), 'credentials: got secret options'],
    ['a different key for the master secret', s => ({ credentials: rds.Credentials.fromUsername('owner', { encryptionKey: kms.Key.fromKeyArn(s, 'K', otherKeyArn) }) }), 'credentials.encryptionKey: got a different key'],
    ['a reserved master user name', () => ({ credentials: rds.Credentials.fromUsername('rdsadmin') }), 'credentials.username: got "rdsadmin"; is reserved by RDS'],
    ['a master user name too long for MySQL', () => ({ engine: MYSQL, credentials: rds.Credentials.fromUsername('a_very_long_owner_name') }), 'credentials.username: got "a_very_long_owner_name"; must be 1 to 16 characters'],
    ['an unsupported engine', () => ({ engine: rds.DatabaseInstanceEngine.sqlServerEx({ version: rds.SqlServerEngineVersion.VER_16 }) }), 'engine: got "sqlserver-ex"; allowed engines: postgres, mysql, mariadb'],
    ['an unversioned engine (no TLS parameter group possible)', () => ({ engine: rds.DatabaseInstanceEngine.POSTGRES }), 'engine: got postgres without a version; give the engine a version'],
    ['a parameter that turns TLS off', () => ({ parameters: { 'rds.force_ssl': '0' } }), 'parameters["rds.force_ssl"]: got "0"; turns TLS enforcement off'],
    ['parameters without TLS on an unversioned engine (found by fuzzing the cluster: aws-cdk-lib threw its own error)',
      () => ({ engine: rds.DatabaseInstanceEngine.POSTGRES, enforceTls: false, parameters: { work_mem: '65536' } }),
      'parameters: got parameters with postgres without a version; a parameter group can only be made for an engine with a version'],
    ['an imported parameter group', s => ({ parameterGroup: rds.ParameterGroup.fromParameterGroupName(s, 'P', 'shared') }), 'parameterGroup: got an imported parameter group'],
    ['Performance Insights forced on a class without it', () => ({ engine: MYSQL, instanceType: T3_MICRO, enablePerformanceInsights: true }), 'enablePerformanceInsights: got true; RDS for mysql does not support Performance Insights on db.t3.micro'],
    ['a log type the engine does not have', () => ({ cloudwatchLogsExports: ['slowquery'] }), 'cloudwatchLogsExports: got "slowquery"; allowed for postgres: postgresql, upgrade'],
    ['backups turned off', () => ({ backupRetention: Duration.days(0) }), 'backupRetention: got 0 days; must be a whole number from 1 to 35 days'],
    ['an alarm topic on the database\'s own key', s => {
      const key = new kms.Key(s, 'OwnKey', { enableKeyRotation: true });
      return { encryptionKey: key, alarmTopic: new sns.Topic(s, 'TopicOnOwnKey', { masterKey: key }) };
    }, 'alarmTopic: got TestStack/TopicOnOwnKey; must not be encrypted with the construct\'s own key (encryptionKey): the database\'s alarms fire when that key fails'],
    ['backups kept too long', () => ({ backupRetention: Duration.days(36) }), 'backupRetention: got 36 days; must be a whole number from 1 to 35 days'],
    ['backups kept under a week', () => ({ backupRetention: Duration.days(3) }), 'backupRetention: got 3 days; must be at least 7 days'],
    ['an Enhanced Monitoring interval RDS does not offer', () => ({ monitoringInterval: Duration.seconds(7) }), 'monitoringInterval: got 7 seconds; allowed: 0 (off), 1, 5, 10, 15, 30 or 60 seconds'],
    ['a port RDS does not allow', () => ({ port: 80 }), 'port: got 80; must be a whole number from 1150 to 65535'],
    ['an invalid identifier', () => ({ instanceIdentifier: 'orders--db' }), 'instanceIdentifier: got "orders--db"'],
    ['IAM authentication on an old MariaDB', () => ({ engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_4 }), enforceTls: false }), 'IAM database authentication needs MariaDB 10.6 or later'],
    ['a CPU threshold above 100%', () => ({ cpuUtilizationAlarmThreshold: 150 }), 'cpuUtilizationAlarmThreshold: got 150; must be a percentage'],
    ['a VPC with public subnets only', s => ({ vpc: new ec2.Vpc(s, 'PublicVpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] }) }), 'vpc: got a VPC without private or isolated subnets'],
    ['a database name PostgreSQL reserves', () => ({ databaseName: 'user' }), 'databaseName: got "user"; is a word postgres reserves: choose another name'],
    ['a database name MySQL reserves', () => ({ engine: MYSQL, databaseName: 'Select' }), 'databaseName: got "Select"; is a word mysql reserves'],
    ['a database name with a leading digit', () => ({ databaseName: '1orders' }), 'databaseName: got "1orders"; must be 1 to 63 characters of letters, digits and "_", starting with a letter or "_"'],
    ['a database name with a hyphen', () => ({ engine: MYSQL, databaseName: 'orders-db' }), 'databaseName: got "orders-db"; must be 1 to 64 characters of letters, digits and "_", starting with a letter'],
    ['a master user name MySQL reserves', () => ({ engine: MYSQL, credentials: rds.Credentials.fromUsername('grant') }), 'credentials.username: got "grant"; is a word mysql reserves'],
    ['gp2 storage under 20 GiB', () => ({ allocatedStorage: 19 }), 'allocatedStorage: got 19 GiB (gp2 storage); must be a whole number from 20 to 65536 GiB (gp2 storage)'],
    ['io1 storage under 100 GiB', () => ({ storageType: rds.StorageType.IO1, iops: 1000, allocatedStorage: 99 }), 'allocatedStorage: got 99 GiB (io1 storage); must be a whole number from 100 to 65536'],
    ['magnetic storage over 3072 GiB', () => ({ storageType: rds.StorageType.STANDARD, allocatedStorage: 3073 }), 'allocatedStorage: got 3073 GiB (standard storage); must be a whole number from 5 to 3072'],
    ['a Performance Insights retention of 100 days', () => ({ performanceInsightRetention: 100 as rds.PerformanceInsightRetention }),
      'performanceInsightRetention: got 100 days; allowed: 7, a multiple of 31 up to 713 (1 to 23 months) or 731 days'],
    ['a log retention CloudWatch Logs does not offer', () => ({ cloudwatchLogsRetention: 10 as logs.RetentionDays }), 'cloudwatchLogsRetention: got 10 days; allowed: 1, 3, 5, 7, 14, 30'],
    ['an asymmetric key', s => ({ encryptionKey: new kms.Key(s, 'Rsa', { keySpec: kms.KeySpec.RSA_4096, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }) }), 'encryptionKey: got a key with keySpec RSA_4096'],
    ['a key of another region', s => ({ encryptionKey: kms.Key.fromKeyArn(s, 'Far', 'arn:aws:kms:us-east-1:111122223333:key/99999999-2222-3333-4444-555555555555') }), 'encryptionKey: got a key in us-east-1'],
    ['provisioned IOPS on gp2 storage (aws-cdk-lib would drop them)', () => ({ iops: 3000 }),
      'iops: got 3000 IOPS with gp2 storage; provisioned IOPS apply only to io1, io2, gp3 storage'],
    ['provisioned IOPS on magnetic storage', () => ({ storageType: rds.StorageType.STANDARD, iops: 1000 }), 'iops: got 1000 IOPS with standard storage'],
    ['io1 IOPS under half the GiB', () => ({ storageType: rds.StorageType.IO1, allocatedStorage: 1000, iops: 499 }),
      'iops: got 499 IOPS for 1000 GiB of io1 storage; must be 0.5 to 50 IOPS per GiB of allocatedStorage: 500 to 50000 IOPS'],
    ['io1 IOPS over 50 per GiB', () => ({ storageType: rds.StorageType.IO1, allocatedStorage: 100, iops: 5001 }),
      'iops: got 5001 IOPS for 100 GiB of io1 storage; must be 0.5 to 50 IOPS per GiB of allocatedStorage: 50 to 5000 IOPS'],
    ['io1 with aws-cdk-lib\'s default 1000 IOPS on 2001 GiB', () => ({ storageType: rds.StorageType.IO1, allocatedStorage: 2001 }),
      'iops: got 1000 IOPS (aws-cdk-lib\'s default) for 2001 GiB of io1 storage; must be 0.5 to 50 IOPS per GiB of allocatedStorage: 1001 to 100050 IOPS'],
    ['a fractional IOPS value', () => ({ storageType: rds.StorageType.GP3, allocatedStorage: 400, iops: 12000.5 }), 'iops: got 12000.5; must be a whole number of IOPS above 0'],
    ['storage throughput on gp2 storage', () => ({ storageThroughput: 125 }),
      'storageThroughput: got 125 MiBps with gp2 storage; storage throughput applies only to gp3 storage'],
    ['storage throughput on io1 storage', () => ({ storageType: rds.StorageType.IO1, iops: 1000, storageThroughput: 125 }), 'storageThroughput: got 125 MiBps with io1 storage'],
    ['an autoscaling limit less than 10% above the default 100 GiB', () => ({ maxAllocatedStorage: 109 }),
      'maxAllocatedStorage: got 109 GiB; storage autoscaling needs a limit at least 10% above allocatedStorage (100 GiB (aws-cdk-lib\'s default)): at least 110 GiB'],
    ['an autoscaling limit below the allocated storage', () => ({ allocatedStorage: 1000, maxAllocatedStorage: 1099 }),
      'maxAllocatedStorage: got 1099 GiB; storage autoscaling needs a limit at least 10% above allocatedStorage (1000 GiB): at least 1100 GiB'],
    ['an autoscaling limit past the largest gp3 volume', () => ({ storageType: rds.StorageType.GP3, maxAllocatedStorage: 65537 }),
      'maxAllocatedStorage: got 65537 GiB; must be at most 65536 GiB, the largest gp3 storage RDS allocates'],
    ['an autoscaling limit past the largest magnetic volume', () => ({ storageType: rds.StorageType.STANDARD, allocatedStorage: 100, maxAllocatedStorage: 3073 }),
      'maxAllocatedStorage: got 3073 GiB; must be at most 3072 GiB, the largest standard storage RDS allocates'],
    ['Performance Insights forced on a MariaDB t4g.small', () => ({ engine: MARIADB, instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL), enablePerformanceInsights: true }),
      'enablePerformanceInsights: got true; RDS for mariadb does not support Performance Insights on db.t4g.small'],
    ['a missing engine (JavaScript)', () => ({ engine: undefined as any }), 'engine: got undefined; is required: an rds.IInstanceEngine'],
    ['a null VPC (JavaScript)', () => ({ vpc: null as any }), 'vpc: got null; is required: an ec2.IVpc'],
    ['a null optional prop (JavaScript)', () => ({ instanceType: null as any }), 'instanceType: got null; omit the prop instead'],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const error = (() => {
      try {
        new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc, ...props(stack) });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.name).toBe('PropValidationError');
    expect(error?.message).toContain('invalid props for TestStack/Db:');
    expect(error?.message).toContain(message);
  });

  test('the new rules accept their boundaries: 63-character names, "_" first for PostgreSQL, storage edges, 23 months of Performance Insights', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const build = (id: string, props: Props) => () => new EncryptedRdsInstance(stack, id, { engine: POSTGRES, vpc, ...props });
    expect(build('A', { databaseName: `_${'o'.repeat(62)}`, allocatedStorage: 20, performanceInsightRetention: rds.PerformanceInsightRetention.MONTHS_23 })).not.toThrow();
    expect(build('B', { engine: MYSQL, databaseName: `o${'r'.repeat(63)}`, storageType: rds.StorageType.STANDARD, allocatedStorage: 5, credentials: rds.Credentials.fromUsername('users') })).not.toThrow();
    expect(build('C', { databaseName: 'users', allocatedStorage: 65536, performanceInsightRetention: rds.PerformanceInsightRetention.LONG_TERM, cloudwatchLogsRetention: logs.RetentionDays.TEN_YEARS })).not.toThrow();
  });

  const storageBoundaries: Array<[string, Props]> = [
    ['io1 at exactly 0.5 IOPS per GiB', { storageType: rds.StorageType.IO1, allocatedStorage: 1000, iops: 500 }],
    ['io1 at exactly 50 IOPS per GiB', { storageType: rds.StorageType.IO1, allocatedStorage: 100, iops: 5000 }],
    ['io1 with aws-cdk-lib\'s default 1000 IOPS on 2000 GiB (0.5 per GiB)', { storageType: rds.StorageType.IO1, allocatedStorage: 2000 }],
    ['io2 and gp3 IOPS, whose ratio the construct does not guess', { storageType: rds.StorageType.IO2, allocatedStorage: 100, iops: 64000 }],
    ['gp3 with IOPS and throughput', { storageType: rds.StorageType.GP3, allocatedStorage: 400, iops: 12000, storageThroughput: 500 }],
    ['an autoscaling limit exactly 10% above the default 100 GiB', { maxAllocatedStorage: 110 }],
    ['an autoscaling limit exactly 10% above 1000 GiB', { allocatedStorage: 1000, maxAllocatedStorage: 1100 }],
    ['an autoscaling limit at the largest gp3 volume', { storageType: rds.StorageType.GP3, maxAllocatedStorage: 65536 }],
    ['an autoscaling limit at the largest magnetic volume', { storageType: rds.StorageType.STANDARD, allocatedStorage: 100, maxAllocatedStorage: 3072 }],
    ['Performance Insights on the smallest MySQL class that has it (db.t3.medium)', { engine: MYSQL, instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM), enablePerformanceInsights: true }],
  ];
  test.each(storageBoundaries)('the storage and Performance Insights rules accept their boundary: %s', (_name, props) => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc, ...props })).not.toThrow();
  });

  test('two DB instances whose identifiers differ only in case fail at synth, naming both paths', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new EncryptedRdsInstance(stack, 'First', { engine: POSTGRES, vpc, instanceIdentifier: 'Orders' });
    expect(() => new EncryptedRdsInstance(stack, 'Second', { engine: POSTGRES, vpc, instanceIdentifier: 'orders' }))
      .toThrow('invalid props for TestStack/Second:\n  - instanceIdentifier: got "orders"; the RDS DB instance TestStack/First already deploys to this name in the same stack');
  });

  test('every problem is reported at once', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc, storageEncrypted: false, port: 80, monitoringInterval: Duration.seconds(7) }))
      .toThrow(/storageEncrypted[\s\S]*port[\s\S]*monitoringInterval/);
  });
});

describe('EncryptedRdsInstance: maintenance and backup windows', () => {
  // One stack for the whole table: a refused window throws before anything is built, an accepted one builds an
  // instance (never synthesized).
  const stack = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  let n = 0;
  const build = (windows: Props) => () => new EncryptedRdsInstance(stack, `Db${n++}`, { engine: POSTGRES, vpc, ...windows });
  const maintenance = (preferredMaintenanceWindow: string) => ({ preferredMaintenanceWindow });
  const backup = (preferredBackupWindow: string) => ({ preferredBackupWindow });

  const refused: Array<[string, Props, string]> = [
    ['a 29-minute maintenance window', maintenance('mon:03:00-mon:03:29'), 'preferredMaintenanceWindow: got "mon:03:00-mon:03:29"; is 29 minutes long; must be at least 30 minutes'],
    ['a 29-minute backup window', backup('03:00-03:29'), 'preferredBackupWindow: got "03:00-03:29"; is 29 minutes long; must be at least 30 minutes'],
    ['a 29-minute backup window across midnight', backup('23:50-00:19'), 'preferredBackupWindow: got "23:50-00:19"; is 29 minutes long'],
    ['a 29-minute maintenance window from Sunday into Monday', maintenance('sun:23:50-mon:00:19'), 'preferredMaintenanceWindow: got "sun:23:50-mon:00:19"; is 29 minutes long'],
    ['a backup window that starts where it ends', backup('03:00-03:00'), 'preferredBackupWindow: got "03:00-03:00"; is 0 minutes long'],
    ['windows that overlap by one minute', { ...backup('03:00-03:30'), ...maintenance('mon:03:29-mon:04:00') },
      'preferredBackupWindow: got "03:00-03:30"; overlaps preferredMaintenanceWindow ("mon:03:29-mon:04:00") on at least one day'],
    ['windows that overlap by one minute, the backup window across midnight', { ...backup('23:45-00:15'), ...maintenance('tue:00:14-tue:00:44') },
      'preferredBackupWindow: got "23:45-00:15"; overlaps preferredMaintenanceWindow'],
    ['windows that overlap by one minute, the maintenance window from Sunday into Monday', { ...backup('00:29-01:00'), ...maintenance('sun:23:30-mon:00:30') },
      'preferredBackupWindow: got "00:29-01:00"; overlaps preferredMaintenanceWindow'],
    ['a maintenance window longer than a day (it meets every backup window)', { ...backup('12:00-12:30'), ...maintenance('mon:13:00-tue:13:00') }, 'preferredBackupWindow: got "12:00-12:30"; overlaps'],
    ['a day name RDS does not know', maintenance('mun:03:00-mon:03:30'), 'preferredMaintenanceWindow: got "mun:03:00-mon:03:30"; must be ddd:hh24:mi-ddd:hh24:mi in UTC'],
    ['a day name spelled out', maintenance('monday:03:00-monday:03:30'), 'preferredMaintenanceWindow: got "monday:03:00-monday:03:30"; must be ddd:hh24:mi-ddd:hh24:mi'],
    ['a day name in capitals (the docs spell mon or Mon)', maintenance('MON:03:00-MON:03:30'), 'preferredMaintenanceWindow: got "MON:03:00-MON:03:30"; must be ddd:hh24:mi-ddd:hh24:mi in UTC (days mon to sun or Mon to Sun'],
    ['a maintenance window ending at 24:00', maintenance('mon:23:30-mon:24:00'), 'preferredMaintenanceWindow: got "mon:23:30-mon:24:00"; must be ddd:hh24:mi-ddd:hh24:mi'],
    ['a backup window ending at 24:00', backup('23:30-24:00'), 'preferredBackupWindow: got "23:30-24:00"; must be hh24:mi-hh24:mi in UTC'],
    ['minute 60', backup('03:60-04:30'), 'preferredBackupWindow: got "03:60-04:30"; must be hh24:mi-hh24:mi'],
    ['a one-digit hour', backup('3:00-3:30'), 'preferredBackupWindow: got "3:00-3:30"; must be hh24:mi-hh24:mi'],
    ['a maintenance window without days', maintenance('03:00-03:30'), 'preferredMaintenanceWindow: got "03:00-03:30"; must be ddd:hh24:mi-ddd:hh24:mi'],
    ['a backup window with days', backup('mon:03:00-mon:03:30'), 'preferredBackupWindow: got "mon:03:00-mon:03:30"; must be hh24:mi-hh24:mi'],
    ['spaces around the dash', backup('03:00 - 03:30'), 'preferredBackupWindow: got "03:00 - 03:30"; must be hh24:mi-hh24:mi'],
    ['a window given as a number (JavaScript)', { preferredBackupWindow: 330 as any }, 'preferredBackupWindow: got a number; must be a string hh24:mi-hh24:mi'],
  ];
  test.each(refused)('refused: %s', (_name, windows, message) => {
    expect(build(windows)).toThrow(message);
  });

  const accepted: Array<[string, Props]> = [
    ['exactly 30 minutes each', { ...backup('04:00-04:30'), ...maintenance('mon:03:00-mon:03:30') }],
    ['a backup window across midnight', { ...backup('23:45-00:15'), ...maintenance('wed:03:00-wed:03:30') }],
    ['a maintenance window from Sunday into Monday (aws-cdk-lib\'s example)', { ...backup('02:00-02:30'), ...maintenance('Sun:23:45-Mon:00:15') }],
    ['the backup window ending where the maintenance window starts', { ...backup('03:00-03:30'), ...maintenance('mon:03:30-mon:04:00') }],
    ['the maintenance window ending where the backup window starts', { ...backup('03:00-03:30'), ...maintenance('mon:02:30-mon:03:00') }],
    ['a backup window across midnight ending where a Sunday maintenance window starts', { ...backup('23:45-00:15'), ...maintenance('sun:00:15-sun:00:45') }],
    ['the User Guide\'s example, days capitalized', maintenance('Sun:05:00-Sun:06:00')],
    ['windows known only at deploy time (tokens)', { preferredBackupWindow: Fn.importValue('backup-window'), preferredMaintenanceWindow: Fn.importValue('maintenance-window') }],
  ];
  test.each(accepted)('accepted: %s', (_name, windows) => {
    expect(build(windows)).not.toThrow();
  });
});

describe('EncryptedRdsInstance: props given as undefined', () => {
  test('an optional prop passed as undefined keeps the construct\'s secure default (found by fuzzing)', () => {
    const stack = testStack();
    const vpc = compliantVpc(stack);
    new EncryptedRdsInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      multiAz: undefined,
      deletionProtection: undefined,
      vpcSubnets: undefined,
      backupRetention: undefined,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true, DeletionProtection: true, BackupRetentionPeriod: 7 });
  });
});

describe('EncryptedRdsInstance.allowFrom', () => {
  test.each([
    ['the engine\'s default port', {}, 5432],
    ['the port given', { port: 5433 }, 5433],
    ['MySQL\'s default port', { engine: MYSQL }, 3306],
  ])('opens %s to the peer as a number (no {IndirectPort}, which cdk-nag\'s HIPAA/NIST/PCI port rules cannot read)', (_name, props: Props, port) => {
    const { stack, db } = newDb(props);
    const app = new ec2.SecurityGroup(stack, 'App', { vpc: db.instance.vpc, allowAllOutbound: false });
    db.allowFrom(app, 'the app');
    expect(db.port).toBe(port);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      Description: 'the app',
      GroupId: { 'Fn::GetAtt': [logicalId(stack, db.node.findChild('SecurityGroup')), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(stack, app), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: port, ToPort: port });
  });
});
