import { Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { EncryptedRdsInstanceProps } from './props';
import { checkEncryptionKey, checkTopicNotOnKey } from '../encrypted-resource/key-checks';
import { checkInstanceClasses, checkMasterUsername } from '../encrypted-resource/rds-engine-checks';
import { checkMasterSecretRotation } from '../encrypted-resource/rds-master-secret';
import { checkPublicAccess } from '../encrypted-resource/rds-network-checks';
import { checkBackupRetention, checkNotReserved, checkParametersHaveFamily, checkRdsEncryptionProps, checkRdsWindows } from '../encrypted-resource/rds-validation';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator, requiredObject } from '../internal/validation';
import { DEFAULT_INSTANCE_CLASS, EngineFacts, engineFacts, engineVersion, SUPPORTED_ENGINES } from '../services/rds/engine-facts';
import {
  BACKUP_RETENTION_DAYS, INSTANCE_IDENTIFIER, MONITORING_INTERVALS_SECONDS, PORT,
} from '../services/rds/instance-facts';
import {
  ALLOCATED_STORAGE_GIB, CDK_DEFAULT_ALLOCATED_STORAGE_GIB, CDK_DEFAULT_IOPS, DATABASE_NAME, IO1_IOPS_PER_GIB, IOPS_STORAGE_TYPES,
  isMaxAllocatedStorageAbove, THROUGHPUT_STORAGE_TYPES,
} from '../services/rds/naming-facts';
import { isAtLeast, isParameterOn, MARIADB_IAM_AUTHENTICATION_SINCE, MARIADB_TLS_ENFORCEMENT_SINCE } from '../services/rds/parameters';


/** Every prop check in one place, run before anything is created; returns the engine's facts. */
export function validateRdsInstanceProps(scope: IConstruct, props: EncryptedRdsInstanceProps): EngineFacts {
  const v = new PropValidator(scope);
  // JavaScript callers: the props object, the required engine and VPC, and no null
  if (!v.props(props, {
    engine: requiredObject('an rds.IInstanceEngine (e.g. DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_16 }))', 'engineType'),
    vpc: requiredObject('an ec2.IVpc', 'selectSubnets'),
  }) || !props.engine || typeof props.engine.engineType !== 'string' || !props.vpc || typeof props.vpc.selectSubnets !== 'function') {
    v.throwIfInvalid();
  }
  const facts = engineFacts(props.engine);
  v.check(facts !== undefined, 'engine', props.engine.engineType, `allowed engines: ${SUPPORTED_ENGINES.join(', ')}`);
  // encryption must not be weakened; the master user and its secret's rotation
  checkRdsEncryptionProps(v, scope, props, facts?.family, facts?.maxUsernameLength);
  checkMasterSecretRotation(v, props);

  // instance settings AWS would reject at deploy time
  v.name('instanceIdentifier', props.instanceIdentifier, INSTANCE_IDENTIFIER.pattern, INSTANCE_IDENTIFIER.maxLength, INSTANCE_IDENTIFIER.allowed);
  // the instance identifier is stored in lower case: two that differ only in case are the same instance
  claimPhysicalName(v, scope, 'instanceIdentifier', 'RDS DB instance', typeof props.instanceIdentifier === 'string' && !Token.isUnresolved(props.instanceIdentifier)
    ? props.instanceIdentifier.toLowerCase() : undefined, props.instanceIdentifier);
  if (facts) {
    const rule = DATABASE_NAME[facts.family];
    v.name('databaseName', props.databaseName, rule.pattern, rule.maxLength, rule.allowed);
    checkNotReserved(v, 'databaseName', props.databaseName, facts.family);
  }
  const storageType = String(props.storageType ?? rds.StorageType.GP2);
  const storage = ALLOCATED_STORAGE_GIB[storageType];
  if (storage) v.range('allocatedStorage', props.allocatedStorage, storage.min, storage.max, `GiB (${storageType} storage)`);
  checkStorage(v, props, storageType);
  const piRetention = props.performanceInsightRetention as number | undefined;
  if (piRetention !== undefined && facts) {
    const piOn = props.enablePerformanceInsights ?? facts.supportsPerformanceInsights(props.instanceType?.toString() ?? DEFAULT_INSTANCE_CLASS);
    v.check(piOn, 'performanceInsightRetention', `${piRetention} days`, 'is set while Performance Insights is off (enablePerformanceInsights false, or an instance class without it): omit it', false);
  }
  checkEncryptionKey(v, scope, props);
  checkTopicNotOnKey(v, 'alarmTopic', props.alarmTopic, props.encryptionKey, "the database's alarms");
  // what RDS refuses at deploy time: a class it does not offer the engine, a master user name it reserves, public access without public subnets
  if (facts) checkInstanceClasses(v, scope, facts.family, [{ prop: 'instanceType', instanceClass: props.instanceType?.toString() ?? DEFAULT_INSTANCE_CLASS }]);
  if (facts) checkMasterUsername(v, facts.family, facts.family, props.credentials?.username);
  if (props.publiclyAccessible === true) checkPublicAccess(v, { prop: 'publiclyAccessible', given: 'true' }, props.vpc, props.vpcSubnets);
  v.range('port', props.port, PORT.min, PORT.max);
  const backupDays = props.backupRetention?.toDays({ integral: false });
  checkBackupRetention(v, 'backupRetention', backupDays, BACKUP_RETENTION_DAYS.max, 'rds_instance_backup_enabled_check');
  checkRdsWindows(v, {
    maintenanceProp: 'preferredMaintenanceWindow',
    maintenance: props.preferredMaintenanceWindow,
    backupProp: 'preferredBackupWindow',
    backup: props.preferredBackupWindow,
  });
  const monitoring = props.monitoringInterval?.toSeconds({ integral: false });
  v.check(monitoring === undefined || Token.isUnresolved(monitoring) || MONITORING_INTERVALS_SECONDS.includes(monitoring), 'monitoringInterval', `${monitoring} seconds`, 'allowed: 0 (off), 1, 5, 10, 15, 30 or 60 seconds', false);
  if (facts) {
    const instanceClass = props.instanceType?.toString() ?? DEFAULT_INSTANCE_CLASS;
    v.check(props.enablePerformanceInsights !== true || facts.supportsPerformanceInsights(instanceClass), 'enablePerformanceInsights', 'true',
      `RDS for ${facts.family} does not support Performance Insights on db.${instanceClass}: choose a larger instance class or omit it`, false);
    for (const logType of props.cloudwatchLogsExports ?? []) {
      v.check(facts.logTypes.includes(logType), 'cloudwatchLogsExports', logType, `allowed for ${facts.family}: ${facts.logTypes.join(', ')}`);
    }
    const version = engineVersion(props.engine);
    const enforceTls = props.enforceTls !== false;
    if (enforceTls) {
      v.check(props.parameterGroup !== undefined || props.engine.parameterGroupFamily !== undefined, 'engine', `${facts.family} without a version`,
        'give the engine a version (e.g. DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_16 })) so the TLS parameter group can be created', false);
      v.check(props.parameterGroup === undefined || props.parameterGroup instanceof rds.ParameterGroup, 'parameterGroup', 'an imported parameter group',
        `its parameters cannot be edited here: set enforceTls false and make sure the group sets ${facts.tlsParameter}=${facts.tlsValue}`, false);
      const tlsGiven = props.parameters?.[facts.tlsParameter];
      const tlsOn = tlsGiven === undefined || Token.isUnresolved(tlsGiven) || isParameterOn(tlsGiven);
      v.check(tlsOn, `parameters["${facts.tlsParameter}"]`, tlsGiven,
        'turns TLS enforcement off, which enforceTls (default true) forbids: remove it, or set enforceTls false');
      if (facts.family === 'mariadb' && version) {
        v.check(isAtLeast(version, MARIADB_TLS_ENFORCEMENT_SINCE), 'engine', `mariadb ${version.join('.')}`, 'require_secure_transport needs MariaDB 10.5 or later: use a newer version or set enforceTls false', false);
      }
    }
    if (facts.family === 'mariadb' && version && props.iamAuthentication !== false) {
      v.check(isAtLeast(version, MARIADB_IAM_AUTHENTICATION_SINCE), 'engine', `mariadb ${version.join('.')}`, `IAM database authentication needs MariaDB ${MARIADB_IAM_AUTHENTICATION_SINCE.join('.')} or later (RDS lists 10.6 and earlier as not available): use a newer version or set iamAuthentication false`, false);
    }
  }
  v.check(props.parameters === undefined || props.parameterGroup === undefined, 'parameters', 'parameters and a parameterGroup', 'give one or the other', false);
  checkParametersHaveFamily(v, props);
  if (!props.vpcSubnets) {
    v.check(props.vpc.isolatedSubnets.length > 0 || props.vpc.privateSubnets.length > 0, 'vpc', 'a VPC without private or isolated subnets',
      'the instance goes in private subnets by default: add isolated or private subnets, or choose vpcSubnets yourself', false);
  }

  // alarm thresholds
  if (props.cpuUtilizationAlarmThreshold !== undefined && !Token.isUnresolved(props.cpuUtilizationAlarmThreshold)) {
    v.check(props.cpuUtilizationAlarmThreshold > 0 && props.cpuUtilizationAlarmThreshold <= 100, 'cpuUtilizationAlarmThreshold', props.cpuUtilizationAlarmThreshold, 'must be a percentage above 0 and at most 100', false);
  }
  v.range('connectionsAlarmThreshold', props.connectionsAlarmThreshold, 1, 100000);
  const freeStorage = props.freeStorageAlarmThreshold?.toBytes();
  v.check(freeStorage === undefined || Token.isUnresolved(freeStorage) || freeStorage > 0, 'freeStorageAlarmThreshold', `${freeStorage} bytes`, 'must be more than 0 bytes', false);
  v.throwIfInvalid();
  return facts!;
}

/**
 * Storage settings that only work together: provisioned IOPS only with io1, io2 or gp3 (io1 within 0.5 to 50 IOPS per
 * GiB), throughput only with gp3, and an autoscaling limit at least 10% above the allocated storage and within the
 * storage type's maximum. Facts and links in `services/rds/naming-facts.ts`; tokens are skipped.
 */
function checkStorage(v: PropValidator, props: EncryptedRdsInstanceProps, storageType: string): void {
  const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
  const allocated = props.allocatedStorage ?? CDK_DEFAULT_ALLOCATED_STORAGE_GIB;
  const allocatedText = props.allocatedStorage === undefined ? `${allocated} GiB (aws-cdk-lib's default)` : `${allocated} GiB`;
  if (known(props.iops)) {
    v.check(IOPS_STORAGE_TYPES.includes(storageType), 'iops', `${props.iops} IOPS with ${storageType} storage`,
      `provisioned IOPS apply only to ${IOPS_STORAGE_TYPES.join(', ')} storage (aws-cdk-lib would drop the value): set storageType, or omit iops`, false);
    v.check(Number.isInteger(props.iops) && props.iops > 0, 'iops', props.iops, 'must be a whole number of IOPS above 0', false);
  }
  const iops = props.iops ?? CDK_DEFAULT_IOPS[storageType];
  if (storageType === 'io1' && known(iops) && Number.isInteger(iops) && known(allocated)) {
    const min = Math.ceil(allocated * IO1_IOPS_PER_GIB.min);
    const max = allocated * IO1_IOPS_PER_GIB.max;
    v.check(iops >= min && iops <= max, 'iops', `${iops} IOPS${props.iops === undefined ? ' (aws-cdk-lib\'s default)' : ''} for ${allocatedText} of io1 storage`,
      `must be ${IO1_IOPS_PER_GIB.min} to ${IO1_IOPS_PER_GIB.max} IOPS per GiB of allocatedStorage: ${min} to ${max} IOPS`, false);
  }
  if (known(props.storageThroughput)) {
    v.check(THROUGHPUT_STORAGE_TYPES.includes(storageType), 'storageThroughput', `${props.storageThroughput} MiBps with ${storageType} storage`,
      'storage throughput applies only to gp3 storage: set storageType to gp3, or omit storageThroughput', false);
  }
  const maxAllocated = props.maxAllocatedStorage;
  if (known(maxAllocated) && known(allocated)) {
    v.check(isMaxAllocatedStorageAbove(maxAllocated, allocated), 'maxAllocatedStorage', `${maxAllocated} GiB`,
      `storage autoscaling needs a limit at least 10% above allocatedStorage (${allocatedText}): at least ${Math.ceil((allocated * 11) / 10)} GiB`, false);
    const storage = ALLOCATED_STORAGE_GIB[storageType];
    if (storage) {
      v.check(maxAllocated <= storage.max, 'maxAllocatedStorage', `${maxAllocated} GiB`, `must be at most ${storage.max} GiB, the largest ${storageType} storage RDS allocates`, false);
    }
  }
}
