import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EncryptedRdsCluster, EncryptedRdsClusterProps } from '../../src';
import { compliantVpc } from '../encrypted-rds-instance/fixtures';
import { ComplianceBatch, formatFindings } from '../support/compliance';
import { testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const AURORA_POSTGRES = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
const AURORA_MYSQL = rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 });
const R6G_LARGE = ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);

type Props = Partial<EncryptedRdsClusterProps>;

/** A stack with a compliant VPC and one cluster (Aurora PostgreSQL 16.4, Serverless v2 writer and reader unless the props say otherwise). */
function newCluster(props: Props = {}, stack: Stack = testStack()): { stack: Stack; db: EncryptedRdsCluster } {
  const vpc = props.vpc ?? compliantVpc(stack);
  const db = new EncryptedRdsCluster(stack, 'Orders', {
    engine: AURORA_POSTGRES,
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
    ...props,
    vpc,
  });
  return { stack, db };
}

function resources(stack: Stack, type: string): any[] {
  return Object.values(Template.fromStack(stack).findResources(type)).map((r: any) => r.Properties);
}

// the two configurations' Control Tower findings in one cfn-guard run
const compliance = new ComplianceBatch();

describe('EncryptedRdsCluster: Aurora PostgreSQL, Serverless v2 writer and reader', () => {
  const { stack, db } = newCluster();
  compliance.add(stack);
  const keyArn = stack.resolve(db.encryptionKey.keyArn);
  const [cluster] = resources(stack, 'AWS::RDS::DBCluster');
  const instances = resources(stack, 'AWS::RDS::DBInstance');

  test('storage, the RDS-managed master secret and Performance Insights are on the construct\'s key, on the cluster and on each instance', () => {
    expect(cluster.StorageEncrypted).toBe(true);
    expect(cluster.KmsKeyId).toEqual(keyArn);
    expect(cluster.ManageMasterUserPassword).toBe(true);
    expect(cluster.MasterUserSecret).toEqual({ KmsKeyId: keyArn });
    expect(cluster.MasterUserPassword).toBeUndefined();
    expect(cluster.MasterUsername).toBe('dbadmin');
    expect(cluster.PerformanceInsightsEnabled).toBe(true);
    expect(cluster.PerformanceInsightsKmsKeyId).toEqual(keyArn);
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance.EnablePerformanceInsights).toBe(true);
      expect(instance.PerformanceInsightsKMSKeyId).toEqual(keyArn);
      expect(instance.MonitoringInterval).toBe(60);
    }
    expect(db.performanceInsightsEnabled).toBe(true);
  });

  test('secure defaults: IAM authentication, deletion protection, snapshot on delete, 7-day backups, isolated subnets, TLS by the cluster parameter group', () => {
    expect(cluster.EnableIAMDatabaseAuthentication).toBe(true);
    expect(cluster.DeletionProtection).toBe(true);
    expect(cluster.BackupRetentionPeriod).toBe(7);
    expect(Template.fromStack(stack).findResources('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot' })).not.toEqual({});
    const [group] = resources(stack, 'AWS::RDS::DBClusterParameterGroup');
    expect(group.Parameters).toEqual({ 'rds.force_ssl': '1' });
    expect(cluster.EnableCloudwatchLogsExports).toEqual(['postgresql']);
  });

  test('the exported log group is created first, named after the cluster, on the key', () => {
    const groups = resources(stack, 'AWS::Logs::LogGroup').filter(g => String(g.LogGroupName).startsWith('/aws/rds/cluster/'));
    expect(groups.map(g => g.LogGroupName)).toEqual([`/aws/rds/cluster/${db.clusterIdentifier}/postgresql`]);
    expect(groups[0].KmsKeyId).toEqual(keyArn);
  });

  test('alarms: CPU, connections, capacity (Serverless v2) and replica lag (a reader) on the stack\'s alarm topic; no memory alarm', () => {
    expect(db.capacityAlarm).toBeDefined();
    expect(db.replicaLagAlarm).toBeDefined();
    expect(db.freeableMemoryAlarm).toBeUndefined();
    const alarms = resources(stack, 'AWS::CloudWatch::Alarm').filter(a => String(a.AlarmDescription).includes('/Orders'));
    expect(alarms.map(a => a.MetricName).sort()).toEqual(['ACUUtilization', 'AuroraReplicaLagMaximum', 'CPUUtilization', 'DatabaseConnections']);
    for (const alarm of alarms) {
      expect(alarm.Dimensions).toEqual([{ Name: 'DBClusterIdentifier', Value: stack.resolve(db.cluster.clusterIdentifier) }]);
      expect(alarm.AlarmActions).toEqual([stack.resolve(db.alarmTopic.topicArn)]);
    }
    // 80% of Aurora PostgreSQL's max_connections for 2 ACUs (4 GiB): LEAST(4 GiB / 9531392, 5000) = 450
    expect(alarms.find(a => a.MetricName === 'DatabaseConnections').Threshold).toBe(360);
  });

  test('the verifier checks the cluster: storage, master secret and Performance Insights', () => {
    const [check] = resources(stack, 'Custom::EncryptionVerification');
    expect(JSON.stringify(check)).toContain('"Type":"AWS::RDS::DBCluster"');
    expect(JSON.stringify(check)).toContain('"ExpectPerformanceInsights":"true"');
  });

  test('a failed rotation of the master secret alerts on the stack\'s alert topic, scoped to this secret, not through the cluster\'s key', () => {
    const [rule] = resources(stack, 'AWS::Events::Rule').filter(r => JSON.stringify(r.EventPattern).includes('RotationFailed'));
    expect(JSON.stringify(rule.EventPattern)).toContain(JSON.stringify(stack.resolve(db.masterUserSecret.secretArn)));
    expect(rule.Targets.map((t: any) => t.Arn)).toEqual([stack.resolve(db.masterSecretAlertTopic.topicArn)]);
    expect(db.masterSecretAlertTopic.masterKey).not.toBe(db.encryptionKey);
  });

  test('zero unacknowledged findings across the five cdk-nag packs and Control Tower; no cycle', () => {
    expect(formatFindings(compliance.unacknowledged(stack))).toEqual([]);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });
});

describe('EncryptedRdsCluster: Aurora MySQL, provisioned writer, strict key', () => {
  const { stack, db } = newCluster({
    engine: AURORA_MYSQL,
    writer: rds.ClusterInstance.provisioned('Writer', { instanceType: R6G_LARGE }),
    readers: [],
    keyOptions: { strictMode: true },
  });
  compliance.add(stack);
  const [cluster] = resources(stack, 'AWS::RDS::DBCluster');

  test('the key policy holds the RDS statements and the log group\'s, and no Principal "*" (strict mode)', () => {
    const key = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(db.encryptionKey.node.defaultChild as any)].Properties;
    const sids = key.KeyPolicy.Statement.map((s: any) => s.Sid);
    for (const sid of ['RdsStorage', 'RdsGrants', 'RdsMasterSecret', 'RdsMasterSecretKeyCheck', 'RdsPerformanceInsights']) {
      expect(sids.some((s: string) => s.startsWith(sid))).toBe(true);
    }
    expect(JSON.stringify(key.KeyPolicy)).toContain(`/aws/rds/cluster/${db.clusterIdentifier}/slowquery`);
    expect(JSON.stringify(key.KeyPolicy)).not.toMatch(/"Principal":\s*"\*"/);
  });

  test('TLS by require_secure_transport, the four MySQL logs exported, a memory alarm and no capacity or lag alarm', () => {
    const [group] = resources(stack, 'AWS::RDS::DBClusterParameterGroup');
    expect(group.Parameters).toEqual({ require_secure_transport: 'ON' });
    expect(cluster.EnableCloudwatchLogsExports).toEqual(['audit', 'error', 'general', 'slowquery']);
    expect(db.freeableMemoryAlarm).toBeDefined();
    expect(db.capacityAlarm).toBeUndefined();
    expect(db.replicaLagAlarm).toBeUndefined();
    expect(db.port).toBe(3306);
  });

  test('zero unacknowledged findings, no cycle', () => {
    expect(formatFindings(compliance.unacknowledged(stack))).toEqual([]);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });

  test('Performance Insights is off, with a warning-free default, on an Aurora MySQL class without it', () => {
    const small = newCluster({ engine: AURORA_MYSQL, writer: rds.ClusterInstance.provisioned('Writer', { instanceType: new ec2.InstanceType('t3.medium') }), readers: [] });
    expect(small.db.performanceInsightsEnabled).toBe(false);
    expect(resources(small.stack, 'AWS::RDS::DBCluster')[0].PerformanceInsightsEnabled).toBeUndefined();
  });
});

describe('EncryptedRdsCluster: grants', () => {
  test('grantConnect allows rds-db:connect for one user of this cluster; allowFrom opens the port', () => {
    const { stack, db } = newCluster();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    db.grantConnect(role, 'app_user');
    const text = JSON.stringify(stack.resolve((role.node.tryFindChild('DefaultPolicy') as iam.Policy).document));
    expect(text).toContain('rds-db:connect');
    expect(text).toContain('dbuser:');
    expect(text).toContain('/app_user');
    expect(db.port).toBe(5432);
    expect(() => db.grantConnect(role, 'app*')).toThrow(/grantConnect\(dbUser\)/);
  });

});

describe('EncryptedRdsCluster: bad input fails at synth time', () => {
  const vpcStack = testStack();
  const vpc = compliantVpc(vpcStack);
  const attempt = (props: Props) => () => newCluster({ vpc, ...props }, vpcStack);
  let n = 0;
  const fresh = (props: Props) => () => new EncryptedRdsCluster(vpcStack, `Bad${n++}`, {
    engine: AURORA_POSTGRES, writer: rds.ClusterInstance.serverlessV2('Writer'), vpc, ...props,
  });

  test.each([
    ['serverlessV2MinCapacity', { serverlessV2MinCapacity: 0.3 }],
    ['serverlessV2MaxCapacity', { serverlessV2MaxCapacity: 300 }],
    ['serverlessV2MaxCapacity', { serverlessV2MinCapacity: 8, serverlessV2MaxCapacity: 4 }],
    // found by fuzzing: aws-cdk-lib's default maximum is 2 ACUs, and its own error named neither the path nor the prop
    ['serverlessV2MinCapacity', { serverlessV2MinCapacity: 2.5 }],
    ['serverlessV2MinCapacity', { engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_15_2 }), serverlessV2MinCapacity: 0 }],
    ['backup.retention', { backup: { retention: Duration.days(3) } }],
    ['backup.retention', { backup: { preferredWindow: '01:00-01:30' } as any }],
    ['storageEncrypted', { storageEncrypted: false }],
    ['manageMasterUserPassword', { manageMasterUserPassword: false }],
    ['credentials.username', { credentials: rds.Credentials.fromUsername('select') }],
    ['cloudwatchLogsExports', { cloudwatchLogsExports: ['slowquery'] }],
    ['instanceProps', { instances: 2 }],
    ['clusterIdentifier', { clusterIdentifier: 'orders--db' }],
    ['writer', { engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_12_9 }) }],
    ['enablePerformanceInsights', { engine: AURORA_MYSQL, writer: rds.ClusterInstance.provisioned('Writer', { instanceType: new ec2.InstanceType('t3.medium') }), enablePerformanceInsights: true }],
    ['capacityAlarmThreshold', { capacityAlarmThreshold: 120 }],
    ['masterSecretRotation', { masterSecretRotation: Duration.hours(2) }],
    ['alarmTopic', (() => {
      const key = new kms.Key(vpcStack, 'OwnKey', { enableKeyRotation: true });
      return { encryptionKey: key, alarmTopic: new sns.Topic(vpcStack, 'TopicOnOwnKey', { masterKey: key }) };
    })()],
    // found by fuzzing: aws-cdk-lib cannot make a parameter group for an unversioned engine, and threw its own error
    ['parameters', { engine: rds.DatabaseClusterEngine.AURORA_POSTGRESQL, enforceTls: false, parameters: { work_mem: '65536' } }],
    ['preferredMaintenanceWindow', { preferredMaintenanceWindow: 'mon:03:00-mon:03:29' }],
    ['backup.preferredWindow', { backup: { retention: Duration.days(7), preferredWindow: '23:30-24:00' } }],
    ['backup.preferredWindow', { backup: { retention: Duration.days(7), preferredWindow: '23:50-00:19' } }],
    ['backup.preferredWindow', { backup: { retention: Duration.days(7), preferredWindow: '23:45-00:15' }, preferredMaintenanceWindow: 'Tue:00:14-Tue:00:44' }],
    ['writer.preferredMaintenanceWindow', { writer: rds.ClusterInstance.serverlessV2('Writer', { preferredMaintenanceWindow: 'sun:23:50-mon:00:19' }) }],
    ['readers[0].preferredMaintenanceWindow', { readers: [rds.ClusterInstance.serverlessV2('Reader', { preferredMaintenanceWindow: 'mun:03:00-mun:03:30' })] }],
  ] as [string, Props][])('%s: %j is refused, naming the construct path and the prop', (prop, props) => {
    expect(fresh(props)).toThrow(new RegExp(`invalid props for ${vpcStack.stackName}/Bad\\d+[\\s\\S]*${prop.replace(/[.[\]]/g, '\\$&')}`));
  });

  test('the boundaries are accepted: 0 ACUs where the version can pause, 256 ACUs, 0.5-ACU steps, a minimum of 2 ACUs with aws-cdk-lib\'s default maximum', () => {
    expect(attempt({ serverlessV2MinCapacity: 0, serverlessV2MaxCapacity: 256 })).not.toThrow();
    expect(fresh({ serverlessV2MinCapacity: 0.5, serverlessV2MaxCapacity: 1 })).not.toThrow();
    expect(fresh({ serverlessV2MinCapacity: 2 })).not.toThrow();
  });

  test('windows: the messages name the prop, what was given and the rule', () => {
    expect(fresh({ backup: { retention: Duration.days(7), preferredWindow: '03:00-03:30' }, preferredMaintenanceWindow: 'mon:03:29-mon:04:00' }))
      .toThrow('backup.preferredWindow: got "03:00-03:30"; overlaps preferredMaintenanceWindow ("mon:03:29-mon:04:00") on at least one day');
    expect(fresh({ readers: [rds.ClusterInstance.serverlessV2('Reader', { preferredMaintenanceWindow: 'MON:03:00-MON:03:30' })] }))
      .toThrow('readers[0].preferredMaintenanceWindow: got "MON:03:00-MON:03:30"; must be ddd:hh24:mi-ddd:hh24:mi in UTC');
  });

  test('windows at their boundaries are accepted: 30 minutes, across midnight and the week, touching; an instance\'s window is not held to the cluster\'s backup window', () => {
    expect(fresh({
      backup: { retention: Duration.days(7), preferredWindow: '23:45-00:15' },
      preferredMaintenanceWindow: 'sun:00:15-sun:00:45',
      writer: rds.ClusterInstance.serverlessV2('Writer', { preferredMaintenanceWindow: 'Sun:23:45-Mon:00:15' }),
      readers: [rds.ClusterInstance.serverlessV2('Reader', { preferredMaintenanceWindow: 'wed:03:00-wed:03:30' })],
    })).not.toThrow();
  });
});
