import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { createClusterAlarms } from './alarms';
import { EncryptedRdsClusterProps } from './props';
import { BoundInstance, RDS_PUBLIC_CLUSTER_INSTANCE_WARNING, validateClusterInstances, validateRdsClusterProps, warnOnPublicInstances } from './validation';
import { watchChannelKey } from '../audit/audit-key';
import { IEncryptedResource } from '../encrypted-resource/props';
import { exportedLogGroups, exportedLogTypes } from '../encrypted-resource/rds-log-groups';
import { watchMasterSecret } from '../encrypted-resource/rds-master-secret';
import { enhancedMonitoring } from '../encrypted-resource/rds-monitoring';
import { defaultDatabaseSubnets } from '../encrypted-resource/rds-network-checks';
import { tlsParameterGroup } from '../encrypted-resource/rds-parameter-group';
import { warnOnRdsDataLoss } from '../encrypted-resource/rds-removal-checks';
import { setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { acknowledgeEach } from '../internal/acknowledgements';
import { stackEnvironment } from '../internal/arns';
import { rdsIdentifier } from '../internal/names';
import { definedOnly } from '../internal/props';
import { PropValidator } from '../internal/validation';
import { KeyPolicyStatements } from '../key/statements';
import { logGroupArn } from '../services/logs/arns';
import { dbClusterArn, dbInstanceArn, dbUserArn } from '../services/rds/arns';
import { ClusterEngineFacts, clusterLogGroupName } from '../services/rds/cluster-facts';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * An Aurora DB cluster (Aurora PostgreSQL or Aurora MySQL, provisioned or Serverless v2 instances) whose storage,
 * RDS-managed master user secret, Performance Insights data and exported logs are all encrypted with one customer
 * managed KMS key, with a least-privilege key policy, TLS enforced by the cluster parameter group, IAM database
 * authentication, alarms, the account's audit trail and a deploy-time check that the cluster really uses the key.
 *
 * @example
 * import * as rds from 'aws-cdk-lib/aws-rds';
 * import { EncryptedRdsCluster } from 'cdk-encrypted-constructs';
 *
 * const orders = new EncryptedRdsCluster(this, 'Orders', {
 *   engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
 *   vpc,
 *   writer: rds.ClusterInstance.serverlessV2('Writer'),
 *   readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
 * });
 * orders.allowFrom(appSecurityGroup);
 * orders.grantConnect(appRole, 'app_user');
 */
export class EncryptedRdsCluster extends Construct implements IEncryptedResource, ec2.IConnectable {
  /** The user name of the master user when `credentials` gives none. */
  public static readonly DEFAULT_MASTER_USERNAME = 'dbadmin';

  /** The warning id for instances of the cluster that are publicly accessible (acknowledge it when that is on purpose). */
  public static readonly PUBLIC_INSTANCE_WARNING = RDS_PUBLIC_CLUSTER_INSTANCE_WARNING;

  /** The customer managed key that encrypts storage, master user secret, Performance Insights and logs. */
  public readonly encryptionKey: kms.IKey;
  /** ARN of the trail that audits the key, if any. */
  public readonly auditTrailArn?: string;
  /** The DB cluster. */
  public readonly cluster: rds.DatabaseCluster;
  /** The cluster identifier (a deterministic name derived from the construct path unless you gave one). */
  public readonly clusterIdentifier: string;
  /** The secret RDS creates and rotates for the master user, encrypted with the key. */
  public readonly masterUserSecret: secretsmanager.ISecret;
  /**
   * The rule that alerts when the master user secret fails to rotate (child `MasterSecretRotationFailureRule`), as on
   * `EncryptedRdsInstance`, delivering to `masterSecretAlertTopic`.
   */
  public readonly masterSecretRotationFailureRule: events.Rule;
  /** The topic the rotation-failure alerts go to (the stack's alert topic, or the cluster's own without auditing). Never on `encryptionKey`. */
  public readonly masterSecretAlertTopic: sns.ITopic;
  /** Network access to the cluster. */
  public readonly connections: ec2.Connections;
  /** The DB cluster parameter group that enforces TLS, if the construct created one or added TLS to yours. */
  public readonly parameterGroup?: rds.IParameterGroup;
  /** The role Enhanced Monitoring uses for the cluster's instances, if the construct created it (child `MonitoringRole`). */
  public readonly monitoringRole?: iam.IRole;
  /** The encrypted log groups the cluster exports to, by log type (e.g. `postgresql`). */
  public readonly logGroups: { [logType: string]: logs.ILogGroup };
  /** Whether Performance Insights is on (encrypted with the key), for the cluster and each of its instances. */
  public readonly performanceInsightsEnabled: boolean;
  /** The topic the alarms notify: the `alarmTopic` given, else the stack's shared alarm topic. Subscribe to it. */
  public readonly alarmTopic: sns.ITopic;
  /** Fires when CPU utilization stays high. */
  public readonly cpuAlarm: cloudwatch.Alarm;
  /** Fires when the number of connections nears the writer's `max_connections`. */
  public readonly connectionsAlarm: cloudwatch.Alarm;
  /** With Aurora Serverless v2 instances: fires when the capacity used stays near `serverlessV2MaxCapacity`. */
  public readonly capacityAlarm?: cloudwatch.Alarm;
  /** With provisioned instances only: fires when freeable memory runs low. */
  public readonly freeableMemoryAlarm?: cloudwatch.Alarm;
  /** With readers: fires when the slowest reader lags. */
  public readonly replicaLagAlarm?: cloudwatch.Alarm;
  /** The deploy-time encryption check, unless turned off. */
  public readonly verification?: EncryptionVerification;
  /** The port the cluster listens on: `port`, else the engine's default (5432 for Aurora PostgreSQL, 3306 for Aurora MySQL). */
  public readonly port: number;

  private readonly iamAuthentication: boolean;

  constructor(scope: Construct, id: string, props: EncryptedRdsClusterProps) {
    super(scope, id);
    // validate
    const facts = validateRdsClusterProps(this, props);

    // key and audit trail
    const encryption = setUpEncryption(this, props, 'an Aurora DB cluster, its master user secret, Performance Insights and logs');
    const key = encryption.key;
    this.encryptionKey = key;
    this.auditTrailArn = encryption.auditTrailArn;

    // resources: a name known before deploy (the key policy names the cluster's log groups); the TLS cluster parameter
    // group; the encrypted log groups; the monitoring role; then the cluster and its instances
    this.clusterIdentifier = clusterIdentifierOf(this, props);
    const clusterArn = dbClusterArn(this, this.clusterIdentifier);
    this.parameterGroup = tlsParameterGroup(this, props, facts);
    const logTypes = exportedLogTypes(props, facts.defaultLogTypes);
    this.logGroups = exportedLogGroups(this, props, logTypes, logType => clusterLogGroupName(this.clusterIdentifier, logType), key);
    // The instances are named by CloudFormation (an rds.IClusterInstance keeps its identifier to itself), so the
    // monitoring role's trust names the account's DB instances of this region, not each instance (docs, "Known limits").
    const monitoring = enhancedMonitoring(this, props, dbInstanceArn(this, '*'), stackEnvironment(this).account);
    this.monitoringRole = monitoring.createdRole;
    this.iamAuthentication = props.iamAuthentication ?? true;
    this.cluster = this.newCluster(props, key, monitoring.interval, monitoring.createdRole ?? (props.monitoringRole as iam.IRole | undefined), logTypes);
    const cfnCluster = this.cluster.node.defaultChild as rds.CfnDBCluster;
    for (const logGroup of Object.values(this.logGroups)) cfnCluster.node.addDependency(logGroup);
    this.masterUserSecret = this.cluster.secret!;
    this.connections = this.cluster.connections;
    this.port = props.port ?? facts.defaultPort;

    // the instances, as aws-cdk-lib made them: checked, then Performance Insights on the cluster and each instance
    const instances = boundInstances(this.cluster);
    validateClusterInstances(this, props, facts, instances);
    warnOnPublicInstances(this.cluster, instances);
    this.performanceInsightsEnabled = props.enablePerformanceInsights
      ?? instances.every(i => i.instance.instanceSize === undefined || facts.supportsPerformanceInsights(i.instance.instanceSize));
    if (this.performanceInsightsEnabled) enablePerformanceInsights(cfnCluster, instances, key, props.performanceInsightRetention);
    acknowledgeCluster(this.cluster, instances, facts, props);
    // settings that lose data without a word (a key deleted before its snapshot, no snapshot and no protection): warnings
    warnOnRdsDataLoss(key, { database: this.cluster, kind: 'DB cluster', logGroups: Object.values(this.logGroups) });

    // statements: what RDS needs of the key, and what CloudWatch Logs needs for each log group
    const env = stackEnvironment(this);
    encryption.addKeyStatements(KeyPolicyStatements.rdsInstance(env), 'the Aurora DB cluster (storage, master user secret, Performance Insights)');
    for (const logType of logTypes) {
      const logGroupName = clusterLogGroupName(this.clusterIdentifier, logType);
      encryption.addKeyStatements([KeyPolicyStatements.logGroup({ ...env, logGroupArn: logGroupArn(this, logGroupName) })], `the ${logType} log group`);
    }

    // alarms, on the user's topic or the stack's shared one
    this.alarmTopic = props.alarmTopic ?? SharedAlarmTopic.of(this);
    watchChannelKey(this, props.alarmTopic?.masterKey);
    const alarms = createClusterAlarms(this, this.cluster, props, facts, instances.map(i => i.instance), this.alarmTopic);
    this.cpuAlarm = alarms.cpu;
    this.connectionsAlarm = alarms.connections;
    this.capacityAlarm = alarms.capacity;
    this.freeableMemoryAlarm = alarms.freeableMemory;
    this.replicaLagAlarm = alarms.replicaLag;

    // master secret: RDS's rotation schedule unless masterSecretRotation asks for another, and the alert on a failed
    // rotation, never through the key that encrypts the secret
    const masterSecret = watchMasterSecret(this, this.masterUserSecret, props, { auditTrailArn: encryption.auditTrailArn, owner: `Aurora DB cluster ${this.clusterIdentifier}` });
    this.masterSecretRotationFailureRule = masterSecret.rotationFailureRule;
    this.masterSecretAlertTopic = masterSecret.alertTopic;

    // verification: the deploy-time check that the cluster really uses the key
    this.verification = verifyEncryption(this, props, key, [VerifiedResource.dbCluster(
      this.clusterIdentifier,
      clusterArn,
      { masterUserSecret: true, performanceInsights: this.performanceInsightsEnabled },
      this.cluster,
    )]);
  }

  /**
   * Lets a principal connect to the cluster as `dbUser` with IAM database authentication (`rds-db:connect` on
   * `arn:<partition>:rds-db:<region>:<account>:dbuser:<DbClusterResourceId>/<dbUser>`). The database user must exist
   * and, for Aurora PostgreSQL, be granted `rds_iam`; for Aurora MySQL, be created `IDENTIFIED WITH AWSAuthenticationPlugin`.
   *
   * @param grantee the principal that connects
   * @param dbUser the database user it may connect as
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    const v = new PropValidator(this);
    v.check(this.iamAuthentication, 'iamAuthentication', 'false', 'grantConnect needs IAM database authentication: leave iamAuthentication at its default (true)', false);
    v.name('grantConnect(dbUser)', dbUser, /^[A-Za-z_][A-Za-z0-9_$-]*$/, 63, 'letters, digits, "_", "$" and "-", not starting with a digit (no wildcards)');
    v.throwIfInvalid();
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['rds-db:connect'],
      resourceArns: [dbUserArn(this, this.cluster.clusterResourceIdentifier, dbUser)],
    });
  }

  /**
   * Lets a peer reach the database port: an ingress rule on the cluster's security groups (and an egress rule on the
   * peer's, if it restricts outbound traffic) for TCP on `port`, the number written into the rule (not the cluster's
   * `Endpoint.Port` attribute, which cdk-nag's HIPAA, NIST and PCI port rules cannot evaluate).
   *
   * @param peer what may connect
   * @param description the description of the rules (when omitted, aws-cdk-lib's: `from <peer>:<port>`)
   */
  public allowFrom(peer: ec2.IConnectable, description?: string): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
  }

  /** The given metric of the cluster (namespace `AWS/RDS`, dimension `DBClusterIdentifier`), as `rds.DatabaseCluster#metric` returns it. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metric(metricName, props);
  }

  /** The percentage of CPU utilization (`CPUUtilization`; average over 5 minutes), as `rds.DatabaseCluster` names it. */
  public metricCPUUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricCPUUtilization(props);
  }

  /** The number of database connections in use (`DatabaseConnections`; average over 5 minutes). */
  public metricDatabaseConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricDatabaseConnections(props);
  }

  /** The amount of available random access memory, in bytes (`FreeableMemory`; average over 5 minutes). */
  public metricFreeableMemory(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricFreeableMemory(props);
  }

  /** The capacity used by Aurora Serverless v2, in percent of the maximum (`ACUUtilization`; average over 5 minutes). */
  public metricACUUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricACUUtilization(props);
  }

  /** The capacity of Aurora Serverless v2, in ACUs (`ServerlessDatabaseCapacity`; average over 5 minutes). */
  public metricServerlessDatabaseCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricServerlessDatabaseCapacity(props);
  }

  /** The cluster (child `Resource`): the library's defaults, then the user's props, then what the encryption forces. */
  private newCluster(props: EncryptedRdsClusterProps, key: kms.IKey, monitoringInterval: Duration, monitoringRole: iam.IRole | undefined,
    logTypes: string[]): rds.DatabaseCluster {
    const {
      encryptionKey: _k, keyOptions: _o, auditTrail: _a, verifyEncryption: _v, verifyKeyRotation: _r, enforceTls: _t,
      alarmTopic: _at, cpuUtilizationAlarmThreshold: _c, connectionsAlarmThreshold: _n, capacityAlarmThreshold: _cap,
      freeableMemoryAlarmThreshold: _m, replicaLagAlarmThreshold: _l, parameters: _p, cloudwatchLogsRetention: _lr,
      cloudwatchLogsRetentionRole: _lrr, enablePerformanceInsights: _pi, performanceInsightRetention: _pir, performanceInsightEncryptionKey: _pik, masterSecretRotation: _msr,
      ...clusterProps
    } = props;
    return new rds.DatabaseCluster(this, 'Resource', {
      deletionProtection: true,
      backup: { retention: Duration.days(7) },
      copyTagsToSnapshot: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      vpcSubnets: defaultDatabaseSubnets(props.vpc!),
      securityGroups: props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc!,
        description: `Encrypted Aurora cluster ${this.node.path}`,
        allowAllOutbound: false,
      })],
      ...definedOnly(clusterProps),
      clusterIdentifier: this.clusterIdentifier,
      iamAuthentication: this.iamAuthentication,
      parameterGroup: this.parameterGroup,
      storageEncrypted: true,
      storageEncryptionKey: key,
      manageMasterUserPassword: true,
      credentials: rds.Credentials.fromUsername(props.credentials?.username ?? EncryptedRdsCluster.DEFAULT_MASTER_USERNAME, { encryptionKey: key }),
      monitoringInterval,
      monitoringRole,
      cloudwatchLogsExports: logTypes.length > 0 ? logTypes : undefined,
    });
  }
}

/** The cluster identifier: the one given (in lower case, as RDS stores it), else one derived from the construct path. */
function clusterIdentifierOf(scope: IConstruct, props: EncryptedRdsClusterProps): string {
  if (props.clusterIdentifier !== undefined) return Token.isUnresolved(props.clusterIdentifier) ? props.clusterIdentifier : props.clusterIdentifier.toLowerCase();
  return rdsIdentifier(scope);
}

/** The writer and readers aws-cdk-lib made (children of the cluster that are `rds.IAuroraClusterInstance`), writer first. */
function boundInstances(cluster: rds.DatabaseCluster): BoundInstance[] {
  const instances = cluster.node.children.filter((c): c is Construct & rds.IAuroraClusterInstance => 'instanceSize' in c && 'tier' in c && 'type' in c);
  const writer = instances.filter(i => i.tier === 0);
  const readers = instances.filter(i => i.tier !== 0);
  return [...writer.map(instance => ({ prop: 'writer', instance })), ...readers.map((instance, i) => ({ prop: `readers[${i}]`, instance }))];
}

/**
 * Performance Insights on the cluster and on each instance, with the key on both (the key of an instance that
 * differs from the cluster's fails with `KMSKeyNotAccessibleFault`): set on the L1 resources once the instance
 * classes are known, as aws-cdk-lib's cluster-level `enablePerformanceInsights` would set them.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_PerfInsights.Enabling.html
 */
function enablePerformanceInsights(cluster: rds.CfnDBCluster, instances: BoundInstance[], key: kms.IKey, retention: rds.PerformanceInsightRetention | undefined): void {
  const days = retention ?? rds.PerformanceInsightRetention.DEFAULT;
  cluster.performanceInsightsEnabled = true;
  cluster.performanceInsightsKmsKeyId = key.keyArn;
  cluster.performanceInsightsRetentionPeriod = days;
  for (const { instance } of instances) {
    const cfn = instance.node.defaultChild as rds.CfnDBInstance;
    cfn.enablePerformanceInsights = true;
    cfn.performanceInsightsKmsKeyId = key.keyArn;
    cfn.performanceInsightsRetentionPeriod = days;
  }
}

/** The rules the cluster meets in another way, acknowledged on the cluster and its instances only. */
function acknowledgeCluster(cluster: rds.DatabaseCluster, instances: BoundInstance[], facts: ClusterEngineFacts, props: EncryptedRdsClusterProps): void {
  const backup = 'Aurora automated backups are on (7 days by default, point-in-time restore), the cluster is retained as a snapshot on delete and has deletion protection. '
    + 'AWS Backup plans are usually organization-wide and tag-based; add the cluster to yours with BackupPlan.addSelection if you use one.';
  const backupReasons = { 'HIPAA.Security-RDSInBackupPlan': backup, 'NIST.800.53.R5-RDSInBackupPlan': backup };
  const reasons: { [rule: string]: string } = { ...backupReasons };
  if (props.port === undefined || props.port === facts.defaultPort) {
    const defaultPortReason = `The engine's default port (${facts.defaultPort}) is kept so that clients and tools work unchanged; a different port hides nothing from a scan. `
      + 'Access is limited by the security group (no rule until you allow a peer), TLS is enforced and IAM authentication is on. Set port to move it.';
    reasons['AwsSolutions-RDS11'] = defaultPortReason;
    reasons.rds_cluster_no_default_ports_check = defaultPortReason;
  }
  if (facts.engineType === 'aurora-mysql' && props.backtrackWindow === undefined) {
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html
    const backtrack = 'Backtrack rewinds the whole cluster in place, is charged per change record and can only be turned on when the cluster is created; '
      + 'point-in-time restore from the automated backups (7 days by default) covers recovery. Set backtrackWindow to turn it on.';
    reasons['AwsSolutions-RDS14'] = backtrack;
    reasons.aurora_cluster_backtracking_enabled_check = backtrack;
  }
  acknowledgeEach(cluster.node.defaultChild as IConstruct, reasons);
  for (const { instance } of instances) acknowledgeEach(instance.node.defaultChild as IConstruct, backupReasons);
}
