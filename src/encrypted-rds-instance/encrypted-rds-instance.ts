import { ArnFormat } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createInstanceAlarms } from './alarms';
import { acknowledgeInstance, instanceIdentifierOf, instanceSecurityGroups, newDatabaseInstance, performanceInsightsOn } from './database-instance';
import { EncryptedRdsInstanceProps } from './props';
import { validateRdsInstanceProps } from './validation';
import { watchChannelKey } from '../audit/audit-key';
import { IEncryptedResource } from '../encrypted-resource/props';
import { exportedLogGroups, exportedLogTypes } from '../encrypted-resource/rds-log-groups';
import { watchMasterSecret } from '../encrypted-resource/rds-master-secret';
import { enhancedMonitoring } from '../encrypted-resource/rds-monitoring';
import { tlsParameterGroup } from '../encrypted-resource/rds-parameter-group';
import { warnOnRdsDataLoss } from '../encrypted-resource/rds-removal-checks';
import { Encryption, setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../internal/arns';
import { PropValidator } from '../internal/validation';
import { KeyPolicyStatements } from '../key/statements';
import { logGroupArn } from '../services/logs/arns';
import { DEFAULT_INSTANCE_CLASS } from '../services/rds/engine-facts';
import { exportedLogGroupName } from '../services/rds/instance-facts';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * An RDS DB instance (PostgreSQL, MySQL or MariaDB) whose storage, RDS-managed master user secret, Performance
 * Insights data and exported logs are all encrypted with one customer managed KMS key, with a least-privilege key
 * policy, TLS enforced by a parameter group, IAM database authentication, alarms, the account's audit trail and a
 * deploy-time check that the instance really uses the key.
 *
 * @example
 * import * as rds from 'aws-cdk-lib/aws-rds';
 * import { EncryptedRdsInstance } from 'cdk-encrypted-constructs';
 *
 * const db = new EncryptedRdsInstance(this, 'Db', {
 *   engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
 *   vpc,
 * });
 * db.grantConnect(appRole, 'app_user');
 */
export class EncryptedRdsInstance extends Construct implements IEncryptedResource, ec2.IConnectable {
  /** The user name of the master user when `credentials` gives none. */
  public static readonly DEFAULT_MASTER_USERNAME = 'dbadmin';

  /** The customer managed key that encrypts storage, master user secret, Performance Insights and logs. */
  public readonly encryptionKey: kms.IKey;
  /** ARN of the trail that audits the key, if any. */
  public readonly auditTrailArn?: string;
  /** The DB instance. */
  public readonly instance: rds.DatabaseInstance;
  /** The instance identifier (a deterministic name derived from the construct path unless you gave one). */
  public readonly instanceIdentifier: string;
  /** The secret RDS creates and rotates for the master user, encrypted with the key. */
  public readonly masterUserSecret: secretsmanager.ISecret;
  /**
   * The rule that alerts when the master user secret fails to rotate (child `MasterSecretRotationFailureRule`:
   * Secrets Manager's `RotationFailed` and `TestRotationFailed` events for this secret), delivering to
   * `masterSecretAlertTopic`, with a dead-letter queue and an alarm on its failed deliveries.
   */
  public readonly masterSecretRotationFailureRule: events.Rule;
  /**
   * The topic the rotation-failure alerts go to: the stack's alert topic (`<stack>/KeyTamperingAlert/AlertTopic`), or,
   * when the key is not audited (`AuditTrail.none()`), a topic of the instance's own (child `AlertTopic` on the key
   * `AlertKey`). Never on `encryptionKey`. `AlertRouting.routeAll` reaches it.
   */
  public readonly masterSecretAlertTopic: sns.ITopic;
  /** Network access to the instance. */
  public readonly connections: ec2.Connections;
  /** The parameter group that enforces TLS, if the construct created one or added TLS to yours. */
  public readonly parameterGroup?: rds.IParameterGroup;
  /**
   * The role Enhanced Monitoring uses, if the construct created it (child `MonitoringRole`: trusted only for this
   * instance, with the stack's shared Enhanced Monitoring policy).
   */
  public readonly monitoringRole?: iam.IRole;
  /** The encrypted log groups the instance exports to, by log type (e.g. `postgresql`). */
  public readonly logGroups: { [logType: string]: logs.ILogGroup };
  /** Whether Performance Insights is on (encrypted with the key). */
  public readonly performanceInsightsEnabled: boolean;
  /** The topic the alarms notify: the `alarmTopic` given, else the stack's shared alarm topic. Subscribe to it. */
  public readonly alarmTopic: sns.ITopic;
  /** Fires when CPU utilization stays high. */
  public readonly cpuAlarm: cloudwatch.Alarm;
  /** Fires when free storage runs low. */
  public readonly freeStorageAlarm: cloudwatch.Alarm;
  /** Fires when the number of connections nears the engine's limit. */
  public readonly connectionsAlarm: cloudwatch.Alarm;
  /** The deploy-time encryption check, unless turned off. */
  public readonly verification?: EncryptionVerification;
  /** The port the instance listens on: `port`, else the engine's default (5432 for PostgreSQL, 3306 for MySQL and MariaDB). */
  public readonly port: number;

  private readonly iamAuthentication: boolean;

  constructor(scope: Construct, id: string, props: EncryptedRdsInstanceProps) {
    super(scope, id);
    // validate
    const facts = validateRdsInstanceProps(this, props);

    // key and audit trail
    const encryption = setUpEncryption(this, props, 'an RDS DB instance, its master user secret, Performance Insights and logs');
    const key = encryption.key;
    this.encryptionKey = key;
    this.auditTrailArn = encryption.auditTrailArn;

    // resources: a name known before deploy, so the key policy and the monitoring role can name the instance's logs
    // and ARN; the TLS parameter group; the encrypted log groups; the monitoring role; then the instance itself
    this.instanceIdentifier = instanceIdentifierOf(this, props);
    const instanceArn = formatArn(this, { service: 'rds', resource: 'db', resourceName: this.instanceIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.parameterGroup = tlsParameterGroup(this, props, facts);
    const logTypes = exportedLogTypes(props, facts.logTypes);
    this.logGroups = exportedLogGroups(this, props, logTypes, logType => exportedLogGroupName(this.instanceIdentifier, logType), key);
    const monitoring = enhancedMonitoring(this, props, instanceArn, stackEnvironment(this).account);
    this.monitoringRole = monitoring.createdRole;
    const instanceClass = props.instanceType?.toString() ?? DEFAULT_INSTANCE_CLASS;
    this.performanceInsightsEnabled = performanceInsightsOn(this, props, facts, instanceClass);
    this.iamAuthentication = props.iamAuthentication ?? true;
    this.instance = newDatabaseInstance(this, props, {
      instanceIdentifier: this.instanceIdentifier,
      masterUsername: props.credentials?.username ?? EncryptedRdsInstance.DEFAULT_MASTER_USERNAME,
      key,
      iamAuthentication: this.iamAuthentication,
      securityGroups: instanceSecurityGroups(this, props),
      parameterGroup: this.parameterGroup,
      performanceInsights: this.performanceInsightsEnabled,
      monitoringInterval: monitoring.interval,
      monitoringRole: monitoring.role,
      logTypes,
    });
    const cfnInstance = this.instance.node.defaultChild as rds.CfnDBInstance;
    for (const logGroup of Object.values(this.logGroups)) cfnInstance.node.addDependency(logGroup);
    this.masterUserSecret = this.instance.secret!;
    this.connections = this.instance.connections;
    this.port = props.port ?? facts.defaultPort;
    acknowledgeInstance(cfnInstance, facts, props.port);
    // settings that lose data without a word (a key deleted before its snapshot, no snapshot and no protection): warnings
    warnOnRdsDataLoss(key, { database: this.instance, kind: 'DB instance', logGroups: Object.values(this.logGroups) });

    // statements: what RDS needs of the key, and what CloudWatch Logs needs for each log group
    this.addKeyStatements(encryption, logTypes);

    // alarms: every alarm gets an action (Control Tower's CT.CLOUDWATCH.PR.1 reads AlarmActions at deploy time): the
    // user's topic, else one topic per stack shared by the library's alarms, never a topic (and its policy) per instance
    this.alarmTopic = props.alarmTopic ?? SharedAlarmTopic.of(this);
    watchChannelKey(this, props.alarmTopic?.masterKey); // the key the alarms travel through is watched (when the stack audits)
    const alarms = createInstanceAlarms(this, this.instance, props, facts, instanceClass, this.alarmTopic);
    this.cpuAlarm = alarms.cpu;
    this.freeStorageAlarm = alarms.freeStorage;
    this.connectionsAlarm = alarms.connections;

    // master secret: RDS's rotation schedule unless masterSecretRotation asks for another (a warning with the command),
    // and the alert on a failed rotation, never through the key that encrypts the secret
    const masterSecret = watchMasterSecret(this, this.masterUserSecret, props, { auditTrailArn: encryption.auditTrailArn, owner: `RDS DB instance ${this.instanceIdentifier}` });
    this.masterSecretRotationFailureRule = masterSecret.rotationFailureRule;
    this.masterSecretAlertTopic = masterSecret.alertTopic;

    // verification: the deploy-time check that the instance really uses the key
    this.verification = verifyEncryption(this, props, key, [VerifiedResource.dbInstance(
      this.instance.instanceIdentifier,
      instanceArn,
      { masterUserSecret: true, performanceInsights: this.performanceInsightsEnabled },
      this.instance,
    )]);
  }

  /**
   * Lets a principal connect to the database as `dbUser` with IAM database authentication (`rds-db:connect` on
   * `arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<dbUser>`). The database user must exist and,
   * for PostgreSQL, be granted `rds_iam`; for MySQL and MariaDB, be created `IDENTIFIED WITH AWSAuthenticationPlugin`.
   *
   * @param grantee the principal that connects
   * @param dbUser the database user it may connect as
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    const v = new PropValidator(this);
    v.check(this.iamAuthentication, 'iamAuthentication', 'false', 'grantConnect needs IAM database authentication: leave iamAuthentication at its default (true)', false);
    v.name('grantConnect(dbUser)', dbUser, /^[A-Za-z_][A-Za-z0-9_$-]*$/, 63, 'letters, digits, "_", "$" and "-", not starting with a digit (no wildcards)');
    v.throwIfInvalid();
    const resourceId = (this.instance.node.defaultChild as rds.CfnDBInstance).attrDbiResourceId;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['rds-db:connect'],
      resourceArns: [formatArn(this, { service: 'rds-db', resource: 'dbuser', resourceName: `${resourceId}/${dbUser}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    });
  }

  /**
   * The given metric of the instance (namespace `AWS/RDS`, dimension `DBInstanceIdentifier`), as
   * `rds.DatabaseInstance#metric` returns it.
   *
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metric(metricName, props);
  }

  /** The percentage of CPU utilization (`CPUUtilization`; average over 5 minutes), as `rds.DatabaseInstance` names it. */
  public metricCPUUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metricCPUUtilization(props);
  }

  /** The number of database connections in use (`DatabaseConnections`; average over 5 minutes). */
  public metricDatabaseConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metricDatabaseConnections(props);
  }

  /** The available storage space, in bytes (`FreeStorageSpace`; average over 5 minutes). */
  public metricFreeStorageSpace(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metricFreeStorageSpace(props);
  }

  /** The amount of available random access memory, in bytes (`FreeableMemory`; average over 5 minutes). */
  public metricFreeableMemory(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metricFreeableMemory(props);
  }

  /** The average number of disk read I/O operations per second (`ReadIOPS`; average over 5 minutes). */
  public metricReadIOPS(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metricReadIOPS(props);
  }

  /** The average number of disk write I/O operations per second (`WriteIOPS`; average over 5 minutes). */
  public metricWriteIOPS(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instance.metricWriteIOPS(props);
  }

  /**
   * Lets a peer (a security group, or anything `ec2.IConnectable`) reach the database port: an ingress rule on the
   * instance's security groups (and an egress rule on the peer's, if it restricts outbound traffic) for TCP on
   * `port`, the number written into the rule.
   *
   * Prefer it to `connections.allowDefaultPortFrom(peer)`: that writes the instance's `Endpoint.Port` attribute into
   * the rule, a deploy-time value that cdk-nag's HIPAA, NIST and PCI port rules cannot evaluate (they report the
   * rule as failed on it).
   *
   * @param peer what may connect
   * @param description the description of the rules (when omitted, aws-cdk-lib's: `from <peer>:<port>`)
   */
  public allowFrom(peer: ec2.IConnectable, description?: string): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
  }

  /** The key-policy statements of the instance (storage, master user secret, Performance Insights) and of each log group. */
  private addKeyStatements(encryption: Encryption, logTypes: string[]): void {
    const env = stackEnvironment(this);
    encryption.addKeyStatements(KeyPolicyStatements.rdsInstance(env), 'the RDS DB instance (storage, master user secret, Performance Insights)');
    for (const logType of logTypes) {
      const logGroupName = exportedLogGroupName(this.instanceIdentifier, logType);
      encryption.addKeyStatements([KeyPolicyStatements.logGroup({ ...env, logGroupArn: logGroupArn(this, logGroupName) })], `the ${logType} log group`);
    }
  }
}
