import { App, CfnParameter, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MARIADB, MYSQL, newDb, POSTGRES, Props, T3_MICRO } from './fixtures';
import { KeyAuditTrail, KeyTamperingAlert } from '../../src';
import { EncryptedRdsInstance } from '../../src/encrypted-rds-instance';
import { ComplianceBatch, formatFindings } from '../support/compliance';
import { byRole, TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';


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
