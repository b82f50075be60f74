/**
 * EncryptedRdsInstance: what synthesis refuses (each prop at its boundaries, with the library's message), the
 * maintenance and backup windows, and props given as `undefined`.
 */
import { Duration, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { compliantVpc, MARIADB, MYSQL, POSTGRES, Props, T3_MICRO } from './fixtures';
import { EncryptedRdsInstance } from '../../src/encrypted-rds-instance';
import { testStack } from '../support/fixtures';

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
    ['IAM authentication on an old MariaDB', () => ({ engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_4 }), enforceTls: false }), 'IAM database authentication needs MariaDB 10.11 or later'],
    ['IAM authentication on MariaDB 10.6 (RDS lists it as not available)', () => ({ engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_6 }) }), 'IAM database authentication needs MariaDB 10.11 or later'],
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
