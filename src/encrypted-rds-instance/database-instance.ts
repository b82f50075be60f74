import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import { EncryptedRdsInstanceProps } from './props';
import { defaultDatabaseSubnets } from '../encrypted-resource/rds-network-checks';
import { acknowledgeEach } from '../internal/acknowledgements';
import { rdsIdentifier } from '../internal/names';
import { definedOnly } from '../internal/props';
import { EngineFacts } from '../services/rds/engine-facts';

/**
 * The instance identifier: the one given (in lower case, as RDS stores it), else one derived from the construct path.
 * Known before deploy, so the key policy and the monitoring role can name the instance's logs and ARN without
 * `Fn::GetAtt` (which would make a key <-> instance cycle).
 */
export function instanceIdentifierOf(scope: IConstruct, props: EncryptedRdsInstanceProps): string {
  return props.instanceIdentifier !== undefined && !Token.isUnresolved(props.instanceIdentifier)
    ? props.instanceIdentifier.toLowerCase()
    : props.instanceIdentifier ?? rdsIdentifier(scope);
}

/** The security groups given, else a new one (child `SecurityGroup`) with no outbound rules. */
export function instanceSecurityGroups(scope: Construct, props: EncryptedRdsInstanceProps): ec2.ISecurityGroup[] {
  return props.securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.vpc,
    description: `Encrypted RDS instance ${scope.node.path}`,
    allowAllOutbound: false,
  })];
}

/**
 * Whether Performance Insights is on: `enablePerformanceInsights`, else wherever the engine supports it on the instance
 * class (with a warning when it does not).
 */
export function performanceInsightsOn(scope: IConstruct, props: EncryptedRdsInstanceProps, facts: EngineFacts, instanceClass: string): boolean {
  const supported = facts.supportsPerformanceInsights(instanceClass);
  if (props.enablePerformanceInsights === undefined && !supported) {
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:rds-performance-insights-unsupported',
      `Performance Insights is off: RDS for ${facts.family} does not support it on db.${instanceClass}. `
      + 'Choose a larger instance class to have it (encrypted with the key), or set enablePerformanceInsights: false to silence this warning.');
  }
  return props.enablePerformanceInsights ?? supported;
}

/** What the earlier steps settled for the instance. */
export interface InstanceSettings {
  readonly instanceIdentifier: string;
  /** The master user name: the one in `credentials`, else the construct's default. */
  readonly masterUsername: string;
  readonly key: kms.IKey;
  readonly iamAuthentication: boolean;
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly parameterGroup?: rds.IParameterGroup;
  readonly performanceInsights: boolean;
  readonly monitoringInterval: Duration;
  readonly monitoringRole?: iam.IRoleRef;
  readonly logTypes: string[];
}

/**
 * The DB instance (child `Resource`): the library's defaults, then the user's props, then what the encryption forces
 * (the key on storage, master user secret and Performance Insights, an RDS-managed master password).
 */
export function newDatabaseInstance(scope: Construct, props: EncryptedRdsInstanceProps, settings: InstanceSettings): rds.DatabaseInstance {
  const {
    encryptionKey: _k, keyOptions: _o, auditTrail: _a, verifyEncryption: _v, verifyKeyRotation: _r, enforceTls: _t,
    alarmTopic: _at, cpuUtilizationAlarmThreshold: _c, freeStorageAlarmThreshold: _f, connectionsAlarmThreshold: _n,
    parameters: _p, cloudwatchLogsRetention: _lr, cloudwatchLogsRetentionRole: _lrr, masterSecretRotation: _msr,
    ...instanceProps
  } = props;
  const key = settings.key;
  return new rds.DatabaseInstance(scope, 'Resource', {
    multiAz: true,
    deletionProtection: true,
    backupRetention: Duration.days(7),
    copyTagsToSnapshot: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
    autoMinorVersionUpgrade: true,
    publiclyAccessible: false,
    vpcSubnets: defaultDatabaseSubnets(props.vpc),
    // a prop given as undefined means "the default": it must not erase the defaults above
    ...definedOnly(instanceProps),
    instanceIdentifier: settings.instanceIdentifier,
    iamAuthentication: settings.iamAuthentication,
    securityGroups: settings.securityGroups,
    parameterGroup: settings.parameterGroup,
    storageEncrypted: true,
    storageEncryptionKey: key,
    manageMasterUserPassword: true,
    credentials: rds.Credentials.fromUsername(settings.masterUsername, { encryptionKey: key }),
    enablePerformanceInsights: settings.performanceInsights,
    performanceInsightEncryptionKey: settings.performanceInsights ? key : undefined,
    monitoringInterval: settings.monitoringInterval,
    monitoringRole: settings.monitoringRole,
    cloudwatchLogsExports: settings.logTypes.length > 0 ? settings.logTypes : undefined,
  });
}

/** The rules the instance meets in another way, acknowledged on the DB instance only. */
export function acknowledgeInstance(cfnInstance: rds.CfnDBInstance, facts: EngineFacts, port: number | undefined): void {
  const backup = 'RDS automated backups are on (7 days by default, point-in-time restore), the instance is retained as a snapshot on delete and has deletion protection. '
    + 'AWS Backup plans are usually organization-wide and tag-based; add the instance to yours with BackupPlan.addSelection if you use one.';
  const reasons: { [rule: string]: string } = {
    'HIPAA.Security-RDSInBackupPlan': backup,
    'NIST.800.53.R5-RDSInBackupPlan': backup,
  };
  if (port === undefined || port === facts.defaultPort) {
    const defaultPort = `The engine's default port (${facts.defaultPort}) is kept so that clients and tools work unchanged; a different port hides nothing from a scan. `
      + 'Access is limited by the security group (no rule until you allow a peer), TLS is enforced and IAM authentication is on. Set port to move it.';
    reasons['AwsSolutions-RDS11'] = defaultPort;
    reasons.rds_instance_no_default_ports_check = defaultPort;
  }
  acknowledgeEach(cfnInstance, reasons);
}

