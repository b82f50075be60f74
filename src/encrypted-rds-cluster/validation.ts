import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { EncryptedRdsClusterProps } from './props';
import { checkEncryptionKey, checkTopicNotOnKey } from '../encrypted-resource/key-checks';
import { checkInstanceClasses, checkMasterUsername } from '../encrypted-resource/rds-engine-checks';
import { checkMasterSecretRotation } from '../encrypted-resource/rds-master-secret';
import { checkPublicAccess } from '../encrypted-resource/rds-network-checks';
import { checkBackupRetention, checkNotReserved, checkParametersHaveFamily, checkRdsEncryptionProps, checkRdsWindows } from '../encrypted-resource/rds-validation';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator, requiredObject } from '../internal/validation';
import {
  auroraVersion, CDK_DEFAULT_SERVERLESS_V2_MAX_CAPACITY, CLUSTER_BACKUP_RETENTION_DAYS, ClusterEngineFacts, clusterEngineFacts, SERVERLESS_V2_AUTO_PAUSE_SINCE,
  SERVERLESS_V2_CAPACITY, SERVERLESS_V2_SINCE,
  SUPPORTED_CLUSTER_ENGINES,
} from '../services/rds/cluster-facts';
import { INSTANCE_IDENTIFIER, MONITORING_INTERVALS_SECONDS, PORT } from '../services/rds/instance-facts';
import { DATABASE_NAME } from '../services/rds/naming-facts';
import { isAtLeast, isParameterOn, MajorMinor } from '../services/rds/parameters';


/** Every prop check that needs nothing built, run before anything is created; returns the engine's facts. */
export function validateRdsClusterProps(scope: IConstruct, props: EncryptedRdsClusterProps): ClusterEngineFacts {
  const v = new PropValidator(scope);
  if (!v.props(props, {
    engine: requiredObject('an rds.IClusterEngine (e.g. DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_16_4 }))', 'engineType'),
    vpc: requiredObject('an ec2.IVpc', 'selectSubnets'),
    writer: requiredObject('an rds.IClusterInstance (e.g. ClusterInstance.serverlessV2(\'Writer\'))', 'bind'),
  }) || !props.engine || typeof props.engine.engineType !== 'string' || !props.vpc || typeof props.vpc.selectSubnets !== 'function'
    || !props.writer || typeof props.writer.bind !== 'function') {
    v.throwIfInvalid();
  }
  const facts = clusterEngineFacts(props.engine);
  v.check(facts !== undefined, 'engine', props.engine.engineType, `allowed engines: ${SUPPORTED_CLUSTER_ENGINES.join(', ')}`);
  checkRdsEncryptionProps(v, scope, props, facts?.family, facts?.maxUsernameLength);
  checkMasterSecretRotation(v, props);
  v.check(props.instanceProps === undefined && props.instances === undefined, 'instanceProps', 'instanceProps or instances (deprecated)', 'give writer and readers (rds.ClusterInstance)', false);
  (props.readers ?? []).forEach((reader, i) => v.check(reader !== null && typeof reader?.bind === 'function', `readers[${i}]`, reader === null ? 'null' : typeof reader, 'must be an rds.IClusterInstance', false));

  // cluster settings AWS would reject at deploy time
  v.name('clusterIdentifier', props.clusterIdentifier, INSTANCE_IDENTIFIER.pattern, INSTANCE_IDENTIFIER.maxLength, INSTANCE_IDENTIFIER.allowed);
  claimPhysicalName(v, scope, 'clusterIdentifier', 'RDS DB cluster', typeof props.clusterIdentifier === 'string' && !Token.isUnresolved(props.clusterIdentifier)
    ? props.clusterIdentifier.toLowerCase() : undefined, props.clusterIdentifier);
  if (facts) {
    const rule = DATABASE_NAME[facts.family];
    v.name('defaultDatabaseName', props.defaultDatabaseName, rule.pattern, rule.maxLength, rule.allowed);
    checkNotReserved(v, 'defaultDatabaseName', props.defaultDatabaseName, facts.family);
    checkMasterUsername(v, facts.family, facts.engineType, props.credentials?.username);
    for (const logType of props.cloudwatchLogsExports ?? []) {
      v.check(facts.logTypes.includes(logType), 'cloudwatchLogsExports', logType, `allowed for ${facts.engineType}: ${facts.logTypes.join(', ')}`);
    }
    checkTls(v, props, facts);
    checkServerlessCapacity(v, props, facts);
  }
  checkEncryptionKey(v, scope, props);
  checkTopicNotOnKey(v, 'alarmTopic', props.alarmTopic, props.encryptionKey, "the cluster's alarms");
  v.range('port', props.port, PORT.min, PORT.max);
  // (a JavaScript caller can give backup without a retention, which aws-cdk-lib's BackupProps requires)
  const retention = props.backup?.retention as unknown;
  const isDuration = typeof retention === 'object' && retention !== null && typeof (retention as Duration).toDays === 'function';
  v.check(props.backup === undefined || isDuration, 'backup.retention', retention === undefined || retention === null ? String(retention) : `a ${typeof retention}`,
    'is required with backup: a Duration of 1 to 35 days (e.g. Duration.days(7))', false);
  const backupDays = isDuration ? (retention as Duration).toDays({ integral: false }) : undefined;
  checkBackupRetention(v, 'backup.retention', backupDays, CLUSTER_BACKUP_RETENTION_DAYS.max, 'rds_cluster_backup_enabled_check');
  checkRdsWindows(v, {
    maintenanceProp: 'preferredMaintenanceWindow',
    maintenance: props.preferredMaintenanceWindow,
    backupProp: 'backup.preferredWindow',
    backup: props.backup?.preferredWindow,
  });
  const monitoring = props.monitoringInterval?.toSeconds({ integral: false });
  v.check(monitoring === undefined || Token.isUnresolved(monitoring) || MONITORING_INTERVALS_SECONDS.includes(monitoring), 'monitoringInterval', `${monitoring} seconds`, 'allowed: 0 (off), 1, 5, 10, 15, 30 or 60 seconds', false);
  v.check(props.parameters === undefined || props.parameterGroup === undefined, 'parameters', 'parameters and a parameterGroup', 'give one or the other', false);
  checkParametersHaveFamily(v, props);
  if (!props.vpcSubnets) {
    v.check(props.vpc!.isolatedSubnets.length > 0 || props.vpc!.privateSubnets.length > 0, 'vpc', 'a VPC without private or isolated subnets',
      'the cluster goes in private subnets by default: add isolated or private subnets, or choose vpcSubnets yourself', false);
  }

  // alarm thresholds
  const percent = (prop: string, value: number | undefined) => {
    if (value === undefined || Token.isUnresolved(value)) return;
    v.check(value > 0 && value <= 100, prop, value, 'must be a percentage above 0 and at most 100', false);
  };
  percent('cpuUtilizationAlarmThreshold', props.cpuUtilizationAlarmThreshold);
  percent('capacityAlarmThreshold', props.capacityAlarmThreshold);
  v.range('connectionsAlarmThreshold', props.connectionsAlarmThreshold, 1, 100000);
  const memory = props.freeableMemoryAlarmThreshold;
  v.check(memory === undefined || Token.isUnresolved(memory) || memory > 0, 'freeableMemoryAlarmThreshold', `${memory} bytes`, 'must be more than 0 bytes', false);
  const lag = props.replicaLagAlarmThreshold?.toMilliseconds();
  v.check(lag === undefined || Token.isUnresolved(lag) || lag > 0, 'replicaLagAlarmThreshold', `${lag} ms`, 'must be more than 0 ms', false);
  v.throwIfInvalid();
  return facts!;
}

/** The warning for cluster instances RDS gives a public address, aws-cdk-lib's default in public subnets. */
export const RDS_PUBLIC_CLUSTER_INSTANCE_WARNING = 'cdk-encrypted-constructs:rds-public-cluster-instance';

/** The instances as the cluster made them, to check what only exists once they do. */
export interface BoundInstance {
  /** `writer` or `readers[<n>]`. */
  readonly prop: string;
  readonly instance: rds.IAuroraClusterInstance;
}

/**
 * The checks on the instances, once aws-cdk-lib has made them (an `rds.IClusterInstance` tells its class and its
 * options only then): Aurora Serverless v2 on an engine version that offers it, each instance's maintenance window,
 * and Performance Insights asked for on a class without it.
 */
export function validateClusterInstances(scope: IConstruct, props: EncryptedRdsClusterProps, facts: ClusterEngineFacts, instances: BoundInstance[]): void {
  const v = new PropValidator(scope);
  // what RDS refuses at deploy time: a class it does not offer the engine, public access without public subnets
  checkInstanceClasses(v, scope, facts.engineType, instances.map(i => ({ prop: i.prop, instanceClass: i.instance.instanceSize })));
  publicInstances(instances).forEach(i => checkPublicAccess(v, { prop: i.prop, given: 'publiclyAccessible: true' }, props.vpc!, props.vpcSubnets));
  const version = auroraVersion(props.engine);
  const serverless = instances.filter(i => i.instance.type === rds.InstanceType.SERVERLESS_V2);
  if (version && serverless.length > 0) {
    v.check(offers(SERVERLESS_V2_SINCE[facts.engineType], version), serverless[0].prop, `Aurora Serverless v2 on ${facts.engineType} ${version.join('.')}`,
      'that version does not offer Aurora Serverless v2: use a newer engine version or a provisioned instance class', false);
  }
  // each instance's own maintenance window (rds.ClusterInstance's preferredMaintenanceWindow, set on its L1)
  for (const { prop, instance } of instances) {
    const cfn = instance.node.defaultChild as rds.CfnDBInstance | undefined;
    checkRdsWindows(v, { maintenanceProp: `${prop}.preferredMaintenanceWindow`, maintenance: cfn?.preferredMaintenanceWindow });
  }
  if (props.enablePerformanceInsights === true) {
    for (const { prop, instance } of instances) {
      const size = instance.instanceSize;
      v.check(size === undefined || facts.supportsPerformanceInsights(size), 'enablePerformanceInsights', 'true',
        `${facts.engineType} has no Performance Insights on db.${size} (${prop}): choose another instance class or omit enablePerformanceInsights`, false);
    }
  }
  v.throwIfInvalid();
}

/** TLS enforcement needs a cluster parameter group the construct can write. */
function checkTls(v: PropValidator, props: EncryptedRdsClusterProps, facts: ClusterEngineFacts): void {
  if (props.enforceTls === false) return;
  v.check(props.parameterGroup !== undefined || props.engine.parameterGroupFamily !== undefined, 'engine', `${facts.engineType} without a version`,
    'give the engine a version (e.g. DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_16_4 })) so the TLS parameter group can be created', false);
  v.check(props.parameterGroup === undefined || props.parameterGroup instanceof rds.ParameterGroup, 'parameterGroup', 'an imported parameter group',
    `its parameters cannot be edited here: set enforceTls false and make sure the group sets ${facts.tlsParameter}=${facts.tlsValue}`, false);
  const tlsGiven = props.parameters?.[facts.tlsParameter];
  v.check(tlsGiven === undefined || Token.isUnresolved(tlsGiven) || isParameterOn(tlsGiven), `parameters["${facts.tlsParameter}"]`, tlsGiven,
    'turns TLS enforcement off, which enforceTls (default true) forbids: remove it, or set enforceTls false');
}

/** The Aurora Serverless v2 capacity range (facts and link in `services/rds/cluster-facts.ts`). */
function checkServerlessCapacity(v: PropValidator, props: EncryptedRdsClusterProps, facts: ClusterEngineFacts): void {
  const c = SERVERLESS_V2_CAPACITY;
  const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
  const halfStep = (n: number) => Number.isInteger(n / c.step);
  const min = props.serverlessV2MinCapacity;
  const max = props.serverlessV2MaxCapacity;
  if (known(min)) {
    v.check(min >= c.min && min <= c.max && halfStep(min), 'serverlessV2MinCapacity', `${min} ACUs`, `must be ${c.min} to ${c.max} ACUs in steps of ${c.step}`, false);
    const version = auroraVersion(props.engine);
    if (min === c.pausedMin && version) {
      v.check(offers(SERVERLESS_V2_AUTO_PAUSE_SINCE[facts.engineType], version), 'serverlessV2MinCapacity', `0 ACUs on ${facts.engineType} ${version.join('.')}`,
        `that version cannot pause: the minimum is ${c.unpausedMin} ACUs, or use a newer engine version`, false);
    }
  }
  if (known(max)) {
    v.check(max >= c.maxAtLeast && max <= c.max && halfStep(max), 'serverlessV2MaxCapacity', `${max} ACUs`, `must be ${c.maxAtLeast} to ${c.max} ACUs in steps of ${c.step}`, false);
  }
  if (known(min) && known(max)) v.check(max >= min, 'serverlessV2MaxCapacity', `${max} ACUs`, `must not be below serverlessV2MinCapacity (${min} ACUs)`, false);
  if (known(min) && max === undefined) {
    v.check(!(min > CDK_DEFAULT_SERVERLESS_V2_MAX_CAPACITY), 'serverlessV2MinCapacity', `${min} ACUs`,
      `is above serverlessV2MaxCapacity, which is ${CDK_DEFAULT_SERVERLESS_V2_MAX_CAPACITY} ACUs when not given (aws-cdk-lib's default): set serverlessV2MaxCapacity too`, false);
  }
}

/** Whether `version` is at or after the first version of its major in `since` (every major from `fromMajor` on, later majors all). */
function offers(since: { [major: number]: MajorMinor; fromMajor: number }, version: MajorMinor): boolean {
  if (version[0] < since.fromMajor) return false;
  const first = since[version[0]];
  return first === undefined || isAtLeast(version, first);
}

/**
 * A warning on the cluster when any of its instances is publicly accessible. aws-cdk-lib makes every instance publicly
 * accessible when the cluster's `vpcSubnets` selects `PUBLIC` subnets unless the instance says
 * `publiclyAccessible: false`, and an `rds.IClusterInstance` keeps its options to itself, so that default and a choice
 * look the same: neither is refused (RDS allows both), both are named. A publicly accessible instance's endpoint
 * resolves to a public IP address from outside the VPC; its security groups still decide who connects.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
 */
export function warnOnPublicInstances(carrier: IConstruct, instances: BoundInstance[]): void {
  const exposed = publicInstances(instances).map(i => i.prop);
  if (exposed.length === 0) return;
  Annotations.of(carrier).addWarningV2(RDS_PUBLIC_CLUSTER_INSTANCE_WARNING, [
    `The DB instances ${exposed.join(', ')} of the cluster are publicly accessible: their endpoints resolve to public IP addresses from outside the VPC, and only the security groups decide who connects.`,
    'aws-cdk-lib makes every instance in PUBLIC subnets publicly accessible unless its ClusterInstance options say publiclyAccessible: false; say so, or acknowledge this warning if it is on purpose.',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding',
  ].join('\n'));
}

/** The instances whose L1 says `PubliclyAccessible: true`, as the user set it or aws-cdk-lib defaulted it. */
function publicInstances(instances: BoundInstance[]): BoundInstance[] {
  return instances.filter(i => (i.instance.node.defaultChild as rds.CfnDBInstance | undefined)?.publiclyAccessible === true);
}
