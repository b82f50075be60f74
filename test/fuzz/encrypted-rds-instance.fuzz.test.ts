import { Duration, RemovalPolicy, SecretValue, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { AuditTrail, EncryptionKey } from '../../src';
import { EncryptedRdsInstance } from '../../src/encrypted-rds-instance/encrypted-rds-instance';
import { compliantVpc } from '../encrypted-rds-instance/fixtures';
import { fuzzProps } from '../support/fuzz';
import { anyWholeNumber, badKeyArbitrary, badKeyOf, buildJudgingWindows, keyOptionsArbitrary, keyOptionsOf, mostlyValid, nullPropArbitrary, rdsWindowPairArbitrary, uniqueName, windowProblems, withNull } from '../support/fuzz-arbitraries';

/**
 * The user's VPC, keys and topic, shared by every case of one stack (a batch holds 25 instances): the compliant VPC of
 * the construct's own tests is the heavy part, built once per stack.
 */
class Fixtures extends Construct {
  public static of(stack: Stack): Fixtures {
    return (stack.node.tryFindChild('Fixtures') as Fixtures | undefined) ?? new Fixtures(stack);
  }

  public readonly vpc: ec2.Vpc;
  public readonly key: EncryptionKey;
  public readonly strictKey: EncryptionKey;
  public readonly importedKey: kms.IKey;
  public readonly otherKey: kms.IKey;
  public readonly topic: sns.Topic;
  public readonly importedTopic: sns.ITopic;
  public readonly app: iam.Role;
  private publicOnlyVpc?: ec2.Vpc;

  private constructor(stack: Stack) {
    super(stack, 'Fixtures');
    this.vpc = compliantVpc(stack);
    this.key = new EncryptionKey(this, 'Key', { protects: 'fuzzed DB instances' });
    this.strictKey = new EncryptionKey(this, 'StrictKey', { protects: 'fuzzed DB instances', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    this.importedKey = kms.Key.fromKeyArn(this, 'ImportedKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    this.otherKey = kms.Key.fromKeyArn(this, 'OtherKey', 'arn:aws:kms:eu-west-1:111122223333:key/99999999-2222-3333-4444-555555555555');
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    this.importedTopic = sns.Topic.fromTopicArn(this, 'ImportedTopic', 'arn:aws:sns:eu-west-1:111122223333:ops');
    this.app = iam.Role.fromRoleArn(this, 'App', 'arn:aws:iam::111122223333:role/app', { mutable: false }) as iam.Role;
  }

  /** A VPC with public subnets only (only ever rejected, so built only when a case asks for it). */
  public publicOnly(): ec2.Vpc {
    this.publicOnlyVpc ??= new ec2.Vpc(this, 'PublicVpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    return this.publicOnlyVpc;
  }
}

/**
 * Mostly `valid`, sometimes `invalid`: by default one value in sixteen is bad, so that about a quarter of all cases
 * are accepted (the nag/guard check of accepted cases is the slow part).
 */
const mostly = mostlyValid(16);

/** A whole number in range, or one that is negative, out of range, fractional, huge or not a number at all. */
const anyNumber = anyWholeNumber(mostly);

const ENGINES = {
  postgres16: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
  postgres15: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
  mysql80: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }),
  mariadb1011: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11 }),
  // old MariaDB: TLS enforcement needs 10.5, IAM authentication 10.11
  mariadb104: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_4 }),
  mariadb105: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_5 }),
  // no version: no TLS parameter group can be made
  postgresUnversioned: rds.DatabaseInstanceEngine.POSTGRES,
  sqlServer: rds.DatabaseInstanceEngine.sqlServerEx({ version: rds.SqlServerEngineVersion.VER_16 }),
};
type EngineName = keyof typeof ENGINES;
const LOG_TYPES: { [engine: string]: string[] } = { postgres: ['postgresql', 'upgrade'], mysql: ['audit', 'error', 'general', 'slowquery'], mariadb: ['audit', 'error', 'general', 'slowquery'] };

const INSTANCE_TYPES = {
  t3micro: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
  t4gsmall: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
  m5large: ec2.InstanceType.of(ec2.InstanceClass.M5, ec2.InstanceSize.LARGE),
  r6gxlarge: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.XLARGE),
  // a class whose memory the construct does not know (the connections threshold is guessed, with a warning); RDS
  // offers db.m3 to PostgreSQL and MySQL, not to MariaDB (refused there)
  m3medium: ec2.InstanceType.of(ec2.InstanceClass.M3, ec2.InstanceSize.MEDIUM),
};

/**
 * Classes RDS has not for these engines, or never: an EC2 family, a family no one has, Oracle's and SQL Server's
 * only, a size the family lacks, the `db.` prefix aws-cdk-lib adds again. Beside them, the newest and smallest it has.
 */
const DEPLOY_TIME_CLASSES = {
  valid: { m8glarge: 'm8g.large', t4gmicro: 't4g.micro', x2iedn: 'x2iedn.xlarge' },
  invalid: { c5large: 'c5.large', x9large: 'x9.large', z1dlarge: 'z1d.large', m6imetal: 'm6i.metal', dbPrefix: 'db.m5.large' },
};

const keyOptionsArb = keyOptionsArbitrary(5);
const keyOptions = keyOptionsOf;

const propsArb = fc.record({
  engine: mostly(
    fc.constantFrom<EngineName>('postgres16', 'postgres16', 'postgres15', 'mysql80', 'mariadb1011'),
    fc.constantFrom<EngineName>('mariadb104', 'mariadb105', 'postgresUnversioned', 'sqlServer'),
  ),
  instanceType: fc.constantFrom(undefined, undefined, 't3micro', 't4gsmall', 'm5large', 'r6gxlarge', 'm3medium'),
  instanceIdentifier: fc.option(mostly(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}(-[A-Za-z0-9]{1,10}){0,3}$/),
    fc.constantFrom('orders--db', '1db', 'db-', '', 'db_1', 'd'.repeat(64), 'orders db'),
  ), { nil: undefined }),
  credentials: fc.option(mostly(
    fc.record({ kind: fc.constant('username' as const), name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/) }),
    fc.oneof(
      fc.record({ kind: fc.constant('username' as const), name: fc.constantFrom('rdsadmin', 'RDSADMIN', '1owner', 'owner-name', '', 'a_very_long_owner_name_for_mysql') }),
      fc.constantFrom({ kind: 'password' as const }, { kind: 'generated' as const }, { kind: 'otherKey' as const }),
    ),
    5,
  ), { nil: undefined }),
  port: fc.option(anyNumber(1150, 65535), { nil: undefined }),
  // 7 to 35 days (fewer than 7 is a Control Tower finding), or none, fewer, more, fractional or not a number
  backupRetentionDays: fc.option(mostly(
    fc.integer({ min: 7, max: 35 }),
    fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 36, max: 1000 }), fc.double({ min: 7, max: 35, noNaN: true }).filter(n => !Number.isInteger(n)),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)),
  ), { nil: undefined }),
  monitoringSeconds: fc.option(mostly(fc.constantFrom(0, 1, 5, 10, 15, 30, 60), fc.constantFrom(2, 7, 120, 0.5)), { nil: undefined }),
  enablePerformanceInsights: fc.option(fc.boolean(), { nil: undefined }),
  // every log type of the engine, or one it does not have. Fewer log types are accepted by the construct but leave a
  // Control Tower finding (rds_instance_logging_enabled_check) that names no resource, so no one can acknowledge it.
  logExports: fc.option(mostly(fc.constant('all' as const), fc.constant('other' as const)), { nil: undefined }),
  // how parameters reach the instance: none, parameters (the construct makes the group), the user's group, parameters
  // that already turn TLS on; or an imported group (not editable) or both parameters and a group
  tls: mostly(
    fc.constantFrom({ kind: 'none' as const }, { kind: 'parameters' as const }, { kind: 'group' as const }, { kind: 'tlsOnParameter' as const }),
    fc.constantFrom({ kind: 'importedGroup' as const }, { kind: 'parametersAndGroup' as const }),
    6,
  ),
  enforceTls: fc.option(mostly(fc.constant(true), fc.constant(false), 4), { nil: undefined }),
  storageEncrypted: fc.option(mostly(fc.constant(true), fc.constant(false)), { nil: undefined }),
  storageEncryptionKey: mostly(fc.constantFrom(undefined, 'same'), fc.constant('other')),
  performanceInsightEncryptionKey: mostly(fc.constantFrom(undefined, 'same'), fc.constant('other')),
  manageMasterUserPassword: fc.option(mostly(fc.constant(true), fc.constant(false)), { nil: undefined }),
  cpuThreshold: fc.option(mostly(fc.double({ min: 0.5, max: 100, noNaN: true }), fc.constantFrom(0, -5, 100.5, 150, Number.NaN)), { nil: undefined }),
  connectionsThreshold: fc.option(anyNumber(1, 100_000), { nil: undefined }),
  freeStorageGiB: fc.option(mostly(fc.integer({ min: 1, max: 100 }), fc.constant(0)), { nil: undefined }),
  alarmTopic: fc.constantFrom(undefined, 'encrypted', 'imported'),
  vpc: mostly(fc.constantFrom('compliant', 'compliantWithSubnets'), fc.constant('publicOnly')),
  encryptionKey: fc.constantFrom(undefined, undefined, 'fixtures', 'strict', 'imported'),
  keyOptions: keyOptionsArb,
  auditTrail: fc.constantFrom(undefined, 'stackShared', 'none', 'existing'),
  verifyEncryption: fc.option(fc.boolean(), { nil: undefined }),
  verifyKeyRotation: fc.option(fc.boolean(), { nil: undefined }),
  // compliant defaults the construct lets the user override (the user then owns the findings: see `acknowledgeOverrides`)
  multiAz: fc.option(fc.boolean(), { nil: undefined }),
  deletionProtection: fc.option(fc.boolean(), { nil: undefined }),
  iamAuthentication: fc.option(mostly(fc.constant(true), fc.constant(false), 4), { nil: undefined }),
  autoMinorVersionUpgrade: fc.option(fc.boolean(), { nil: undefined }),
  removalPolicy: fc.constantFrom(undefined, RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT, RemovalPolicy.DESTROY),
  grantConnect: fc.option(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$-]{0,20}$/), { nil: undefined, freq: 2 }),
  // names and numbers with RDS ranges, at their edges and just past them
  databaseName: fc.option(mostly(
    fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/), fc.constantFrom(`o${'r'.repeat(62)}`, 'orders_db')),
    fc.constantFrom('user', 'select', 'TABLE', '1orders', 'orders-db', '', `o${'r'.repeat(64)}`),
  ), { nil: undefined }),
  storage: fc.option(mostly(
    fc.constantFrom({ type: undefined, gib: 20 }, { type: 'gp3', gib: 65536 }, { type: 'io1', gib: 100 }, { type: 'standard', gib: 5 }, { type: 'standard', gib: 3072 }),
    fc.constantFrom({ type: undefined, gib: 19 }, { type: 'gp3', gib: 65537 }, { type: 'io1', gib: 99 }, { type: 'standard', gib: 4 }, { type: 'standard', gib: 3073 }, { type: undefined, gib: 20.5 }),
  ), { nil: undefined }),
  performanceInsightRetention: fc.option(mostly(fc.constantFrom(7, 31, 713, 731), fc.constantFrom(8, 30, 100, 744, 732)), { nil: undefined }),
  // (only retentions of a year or more: shorter ones are valid for CloudWatch Logs but the user's own compliance findings)
  logRetention: fc.option(mostly(fc.constantFrom(365, 400, 731, 3653), fc.constantFrom(2, 10, 366, 3654)), { nil: undefined }),
  // keys that cannot work, and props a JavaScript caller sets to null
  badKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 14 }, { arbitrary: badKeyArbitrary, weight: 1 }),
  nulled: nullPropArbitrary('instanceType', 'credentials', 'alarmTopic', 'keyOptions', 'engine'),
  // (last, so that adding it left the other fields' draws unchanged)
  // storage settings that only work together: IOPS (io1 0.5 to 50 per GiB; none on gp2 or standard), throughput (gp3
  // only) and the autoscaling limit (at least 10% above the allocated storage, at most the type's largest volume), at
  // their edges and just past them. When drawn, its type and size replace those of `storage`.
  storageTuning: fc.option(mostly(
    fc.constantFrom(
      { type: 'io1', gib: 1000, iops: 500 }, { type: 'io1', gib: 100, iops: 5000 }, { type: 'gp3', gib: 400, iops: 12000, throughput: 500 },
      { type: undefined, gib: 1000, max: 1100 }, { type: 'gp3', gib: 20, max: 65536 }, { type: 'standard', gib: 100, max: 3072 },
    ),
    fc.constantFrom(
      { type: undefined, gib: 100, iops: 3000 }, { type: 'standard', gib: 100, iops: 1000 }, { type: 'io1', gib: 1000, iops: 499 }, { type: 'io1', gib: 100, iops: 5001 },
      { type: undefined, gib: 100, throughput: 125 }, { type: undefined, gib: 1000, max: 1099 }, { type: 'gp3', gib: 100, max: 65537 }, { type: 'standard', gib: 100, max: 3073 },
    ),
    3,
  ), { nil: undefined, freq: 3 }),
  // (last, as above) in one case in four, the maintenance and backup windows: random starts and lengths (so now and
  // then they overlap, run past midnight or from Sunday into Monday), next to each other, 25 to 35 minutes, malformed;
  // judged against the reference in `build`
  windows: fc.oneof({ arbitrary: fc.constant({} as { maintenance?: string; backup?: string }), weight: 3 }, { arbitrary: rdsWindowPairArbitrary(16), weight: 1 }),
  // (last again) what RDS refuses at deploy time (issue #27), at the boundary: a master user name the engine reserves
  // (admin: PostgreSQL only; the valid ones are no default name either, which Control Tower's CT.RDS.PR.22 flags),
  // public access (the fixtures' VPC has isolated subnets only: always refused), and a DB instance class (replaces
  // instanceType when drawn)
  deployTime: fc.option(mostly(
    fc.oneof(
      fc.constantFrom('app_owner', 'admin1').map(username => ({ username })),
      fc.constant({ publiclyAccessible: false }),
      fc.constantFrom(...Object.values(DEPLOY_TIME_CLASSES.valid)).map(instanceClass => ({ instanceClass })),
    ),
    fc.oneof(
      fc.constantFrom('admin', 'Admin').map(username => ({ username })),
      fc.constant({ publiclyAccessible: true }),
      fc.constantFrom(...Object.values(DEPLOY_TIME_CLASSES.invalid)).map(instanceClass => ({ instanceClass })),
    ),
    6,
  ), { nil: undefined, freq: 3 }),
});
type Props = typeof propsArb extends fc.Arbitrary<infer P> ? P : never;

function build(stack: Stack, id: string, p: Props): void {
  const f = Fixtures.of(stack);
  const engine = ENGINES[p.engine];
  const encryptionKey = p.encryptionKey === 'fixtures' ? f.key : p.encryptionKey === 'strict' ? f.strictKey : p.encryptionKey === 'imported' ? f.importedKey : undefined;
  const keyFor = (choice: string | undefined) => choice === 'other' ? f.otherKey : choice === 'same' ? encryptionKey : undefined;
  const logTypes = LOG_TYPES[engine.engineType] ?? ['postgresql'];
  const tlsParameter = engine.engineType === 'postgres' ? 'rds.force_ssl' : 'require_secure_transport';
  // (aws-cdk-lib cannot make a parameter group for an unversioned engine)
  const group = () => new rds.ParameterGroup(stack, `${id}Parameters`, { engine: engine.parameterGroupFamily ? engine : ENGINES.postgres16, parameters: { max_connections: '200' } });
  const parameters = { max_connections: '200' };

  const windows = windowProblems([
    { prop: 'preferredMaintenanceWindow', kind: 'maintenance', value: p.windows.maintenance },
    { prop: 'preferredBackupWindow', kind: 'backup', value: p.windows.backup, against: 'preferredMaintenanceWindow' },
  ]);

  const db = buildJudgingWindows(windows, ['preferredMaintenanceWindow', 'preferredBackupWindow'], () => new EncryptedRdsInstance(stack, id, withNull({
    engine,
    vpc: p.vpc === 'publicOnly' ? f.publicOnly() : f.vpc,
    vpcSubnets: p.vpc === 'compliantWithSubnets' ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : undefined,
    instanceType: p.deployTime && 'instanceClass' in p.deployTime ? new ec2.InstanceType(p.deployTime.instanceClass)
      : p.instanceType === undefined ? undefined : INSTANCE_TYPES[p.instanceType as keyof typeof INSTANCE_TYPES],
    publiclyAccessible: p.deployTime && 'publiclyAccessible' in p.deployTime ? p.deployTime.publiclyAccessible : undefined,
    instanceIdentifier: uniqueName(p.instanceIdentifier, id, 63),
    databaseName: p.databaseName,
    storageType: (p.storageTuning ?? p.storage)?.type as rds.StorageType | undefined,
    iops: p.storageTuning ? p.storageTuning.iops : p.storage?.type === 'io1' ? 1000 : undefined,
    storageThroughput: p.storageTuning?.throughput,
    maxAllocatedStorage: p.storageTuning?.max,
    allocatedStorage: (p.storageTuning ?? p.storage)?.gib,
    performanceInsightRetention: p.performanceInsightRetention as rds.PerformanceInsightRetention | undefined,
    cloudwatchLogsRetention: p.logRetention as logs.RetentionDays | undefined,
    credentials: p.deployTime && 'username' in p.deployTime ? rds.Credentials.fromUsername(p.deployTime.username)
      : p.credentials === undefined ? undefined
        : p.credentials.kind === 'username' ? rds.Credentials.fromUsername(p.credentials.name)
          : p.credentials.kind === 'password' ? rds.Credentials.fromPassword('owner', SecretValue.unsafePlainText('hunter2hunter2'))
            : p.credentials.kind === 'generated' ? rds.Credentials.fromGeneratedSecret('owner', { excludeCharacters: '"@/' })
              : rds.Credentials.fromUsername('owner', { encryptionKey: f.otherKey }),
    port: p.port,
    backupRetention: p.backupRetentionDays === undefined ? undefined : Duration.days(p.backupRetentionDays),
    monitoringInterval: p.monitoringSeconds === undefined ? undefined : Duration.seconds(p.monitoringSeconds),
    enablePerformanceInsights: p.enablePerformanceInsights,
    cloudwatchLogsExports: p.logExports === undefined ? undefined
      : p.logExports === 'all' ? logTypes : ['slowquery', 'postgresql'],
    parameters: ['parameters', 'parametersAndGroup'].includes(p.tls.kind) ? parameters
      : p.tls.kind === 'tlsOnParameter' ? { ...parameters, [tlsParameter]: engine.engineType === 'postgres' ? '1' : 'ON' } : undefined,
    parameterGroup: ['group', 'parametersAndGroup'].includes(p.tls.kind) ? group()
      : p.tls.kind === 'importedGroup' ? rds.ParameterGroup.fromParameterGroupName(stack, `${id}ImportedParameters`, 'shared') : undefined,
    enforceTls: p.enforceTls,
    storageEncrypted: p.storageEncrypted,
    storageEncryptionKey: keyFor(p.storageEncryptionKey),
    performanceInsightEncryptionKey: keyFor(p.performanceInsightEncryptionKey),
    manageMasterUserPassword: p.manageMasterUserPassword,
    cpuUtilizationAlarmThreshold: p.cpuThreshold,
    connectionsAlarmThreshold: p.connectionsThreshold,
    freeStorageAlarmThreshold: p.freeStorageGiB === undefined ? undefined : Size.gibibytes(p.freeStorageGiB),
    alarmTopic: p.alarmTopic === 'encrypted' ? f.topic : p.alarmTopic === 'imported' ? f.importedTopic : undefined,
    encryptionKey: p.badKey ? badKeyOf(f, id, p.badKey) : encryptionKey,
    keyOptions: keyOptions(p.keyOptions, id),
    auditTrail: p.auditTrail === 'stackShared' ? AuditTrail.stackShared() : p.auditTrail === 'none' ? AuditTrail.none()
      : p.auditTrail === 'existing' ? AuditTrail.fromTrailArn('arn:aws:cloudtrail:eu-west-1:111122223333:trail/organization') : undefined,
    verifyEncryption: p.verifyEncryption,
    verifyKeyRotation: p.verifyKeyRotation,
    multiAz: p.multiAz,
    deletionProtection: p.deletionProtection,
    iamAuthentication: p.iamAuthentication,
    autoMinorVersionUpgrade: p.autoMinorVersionUpgrade,
    removalPolicy: p.removalPolicy,
    preferredMaintenanceWindow: p.windows.maintenance,
    preferredBackupWindow: p.windows.backup,
  }, p.nulled)));
  acknowledgeOverrides(db, p);
  // (with iamAuthentication false, grantConnect is rejected naming iamAuthentication)
  if (p.grantConnect !== undefined) db.grantConnect(f.app, p.grantConnect);
}

/**
 * The construct lets the user turn off what makes it compliant by default (Multi-AZ, deletion protection, IAM
 * authentication, TLS enforcement, Enhanced Monitoring, minor version upgrades): the findings that follow are then the
 * user's, who acknowledges them as here, each on the resource it names. Any other finding still fails the run.
 */
function acknowledgeOverrides(db: EncryptedRdsInstance, p: Props): void {
  const acknowledge = (scope: IConstruct | undefined, ids: string[], choice: string) => {
    if (scope) ids.forEach(id => Validations.of(scope).acknowledge({ id, reason: `The user chose ${choice}.` }));
  };
  const instance = db.instance.node.defaultChild as rds.CfnDBInstance;
  // a default master user name RDS accepts (admin on MySQL and MariaDB): Control Tower's CT.RDS.PR.22 flags it
  if (p.deployTime && 'username' in p.deployTime && ['admin', 'postgres'].includes(p.deployTime.username)) {
    acknowledge(instance, ['rds_instance_default_admin_check'], `master user ${p.deployTime.username}`);
  }
  if (p.multiAz === false) {
    acknowledge(instance, ['AwsSolutions-RDS3', 'HIPAA.Security-RDSMultiAZSupport', 'NIST.800.53.R5-RDSMultiAZSupport', 'rds_instance_multi_az_support_check'], 'multiAz: false');
  }
  if (p.deletionProtection === false) {
    acknowledge(instance, ['AwsSolutions-RDS10', 'HIPAA.Security-RDSInstanceDeletionProtectionEnabled', 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled',
      'rds_instance_deletion_protection_enabled_check'], 'deletionProtection: false');
  }
  if (p.iamAuthentication === false) acknowledge(instance, ['rds_instance_iam_authentication_enabled_check'], 'iamAuthentication: false');
  if (p.monitoringSeconds === 0) {
    acknowledge(instance, ['HIPAA.Security-RDSEnhancedMonitoringEnabled', 'NIST.800.53.R5-RDSEnhancedMonitoringEnabled', 'rds_instance_enhanced_monitoring_enabled_check'],
      'monitoringInterval: 0');
  }
  if (p.autoMinorVersionUpgrade === false) {
    acknowledge(instance, ['HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled', 'PCI.DSS.321-RDSAutomaticMinorVersionUpgradeEnabled',
      'rds_instance_automatic_minor_version_upgrade_enabled_check'], 'autoMinorVersionUpgrade: false');
  }
  if (p.enforceTls === false) acknowledge(db.parameterGroup?.node.defaultChild ?? undefined, ['rds_db_parameter_group_tls_check'], 'enforceTls: false');
}

test('EncryptedRdsInstance: random props end in a clean template or a validation error naming the prop', () => {
  const outcome = fuzzProps(propsArb, build);
  expect(outcome.rejected).toBeGreaterThan(0);
  expect(outcome.accepted).toBeGreaterThan(0);
  expect(outcome.propsNamed).toEqual(expect.arrayContaining([
    'engine', 'instanceIdentifier', 'credentials', 'credentials.username', 'credentials.encryptionKey', 'port', 'backupRetention',
    'monitoringInterval', 'enablePerformanceInsights', 'cloudwatchLogsExports', 'parameterGroup', 'parameters', 'storageEncrypted',
    'storageEncryptionKey', 'performanceInsightEncryptionKey', 'manageMasterUserPassword', 'cpuUtilizationAlarmThreshold',
    'connectionsAlarmThreshold', 'freeStorageAlarmThreshold', 'vpc', 'alias', 'rotationPeriod', 'pendingWindow',
    'databaseName', 'allocatedStorage', 'performanceInsightRetention', 'cloudwatchLogsRetention', 'encryptionKey',
    'iops', 'storageThroughput', 'maxAllocatedStorage', 'preferredMaintenanceWindow', 'preferredBackupWindow', 'instanceType', 'publiclyAccessible',
  ]));
});
