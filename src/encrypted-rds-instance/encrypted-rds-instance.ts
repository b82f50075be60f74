import { Annotations, ArnFormat, Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { watchChannelKey } from '../audit/audit-key';
import { checkEncryptionKey } from '../encrypted-resource/key-checks';
import { EncryptedResourceProps, IEncryptedResource } from '../encrypted-resource/props';
import { setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { acknowledgeEach } from '../internal/acknowledgements';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { claimPhysicalName } from '../internal/physical-names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { PropValidator, requiredObject } from '../internal/validation';
import { KeyPolicyStatements } from '../key/statements';
import { logGroupArn } from '../services/logs/arns';
import {
  DEFAULT_INSTANCE_CLASS, EngineFacts, engineFacts, engineVersion, estimatedMaxConnections, SUPPORTED_ENGINES,
} from '../services/rds/engine-facts';
import {
  ALLOCATED_STORAGE_GIB, CDK_DEFAULT_ALLOCATED_STORAGE_GIB, CDK_DEFAULT_IOPS, DATABASE_NAME, IO1_IOPS_PER_GIB, IOPS_STORAGE_TYPES,
  isMaxAllocatedStorageAbove, isPerformanceInsightsRetention, LOG_RETENTION_DAYS, reservedWords, THROUGHPUT_STORAGE_TYPES,
} from '../services/rds/naming-facts';
import { allowAlarmsToPublish, SharedAlarmTopic } from '../stack/alarm-topic';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * Properties of an `EncryptedRdsInstance`.
 *
 * Everything `rds.DatabaseInstanceProps` offers is accepted. The construct changes these defaults (each can be
 * overridden): Multi-AZ on, IAM database authentication on, deletion protection on, backups kept 7 days, tags copied
 * to snapshots, removal policy SNAPSHOT, minor version auto-upgrade on, enhanced monitoring every 60 seconds, every
 * log type of the engine exported to CloudWatch Logs (kept one year), Performance Insights on where the instance class
 * supports it, isolated (else private) subnets, a security group with no outbound rules, and a master user named
 * `dbadmin`.
 *
 * These are synth errors, because they would break the encryption: `storageEncrypted: false`, a
 * `storageEncryptionKey` or `performanceInsightEncryptionKey` other than `encryptionKey`, `manageMasterUserPassword:
 * false`, and `credentials` that carry a password or an existing secret (the master password is always generated and
 * kept by RDS in Secrets Manager, encrypted with the key).
 */
export interface EncryptedRdsInstanceProps extends rds.DatabaseInstanceProps, EncryptedResourceProps {
  /**
   * Make the server refuse connections that do not use TLS, through the instance's parameter group:
   * `rds.force_ssl=1` (PostgreSQL) or `require_secure_transport=ON` (MySQL, MariaDB).
   *
   * The construct creates a parameter group from `parameters` with the TLS parameter added; a `parameterGroup` you
   * pass (a `rds.ParameterGroup` of this app) gets the parameter added. An imported parameter group cannot be edited:
   * set this to false and enforce TLS in that group yourself.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly enforceTls?: boolean;

  /**
   * The topic the CPU, free-storage and connections alarms notify.
   *
   * The topic's policy gets a statement that lets CloudWatch publish for the library's alarms only. If the topic is
   * encrypted, its key must let `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey*`): the
   * construct adds that statement when the key is defined in this stack.
   *
   * @default - the stack's shared alarm topic, created on first need (child `EncryptedConstructsAlarmTopic` of the
   * stack, encrypted with a key of its own, TLS only) and shared by every RDS instance, archive and schedule of the
   * stack given no topic; subscribe to it through `alarmTopic`
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * CPU utilization, in percent, at or above which the CPU alarm fires (after three 5-minute periods).
   *
   * @default 80
   */
  readonly cpuUtilizationAlarmThreshold?: number;

  /**
   * Free storage at or below which the free-storage alarm fires.
   *
   * @default - 10% of `allocatedStorage` (10 GiB for the default 100 GiB)
   */
  readonly freeStorageAlarmThreshold?: Size;

  /**
   * Number of database connections at or above which the connections alarm fires (after three 5-minute periods).
   *
   * @default - 80% of the engine's default `max_connections` for the instance class, estimated from the class's
   * memory; 100 (with a synth warning) for a class whose memory the construct does not know
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections
   */
  readonly connectionsAlarmThreshold?: number;
}

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
    const facts = validate(this, props);
    const env = stackEnvironment(this);

    // --- key and audit trail ----------------------------------------------------------------------------------------
    const encryption = setUpEncryption(this, props, 'an RDS DB instance, its master user secret, Performance Insights and logs');
    const key = encryption.key;
    this.encryptionKey = key;
    this.auditTrailArn = encryption.auditTrailArn;
    encryption.addKeyStatements(KeyPolicyStatements.rdsInstance(env), 'the RDS DB instance (storage, master user secret, Performance Insights)');

    // --- identity: a name known before deploy, so the key policy and the monitoring role can name the instance's logs
    // and ARN without Fn::GetAtt (which would make a key <-> instance cycle) -------------------------------------------
    // RDS stores identifiers in lower case
    this.instanceIdentifier = props.instanceIdentifier !== undefined && !Token.isUnresolved(props.instanceIdentifier)
      ? props.instanceIdentifier.toLowerCase()
      : props.instanceIdentifier ?? defaultInstanceIdentifier(this);
    const instanceArn = formatArn(this, { service: 'rds', resource: 'db', resourceName: this.instanceIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    // --- TLS --------------------------------------------------------------------------------------------------------
    const tls = { [facts.tlsParameter]: facts.tlsValue };
    let parameterGroup: rds.IParameterGroup | undefined = props.parameterGroup;
    if (props.enforceTls !== false) {
      if (props.parameterGroup instanceof rds.ParameterGroup) {
        props.parameterGroup.addParameter(facts.tlsParameter, facts.tlsValue);
      } else if (!props.parameterGroup) {
        parameterGroup = new rds.ParameterGroup(this, 'ParameterGroup', {
          engine: props.engine,
          description: `TLS-only parameters for ${this.node.path}`,
          parameters: { ...props.parameters, ...tls },
        });
      }
    } else if (!props.parameterGroup && props.parameters) {
      parameterGroup = new rds.ParameterGroup(this, 'ParameterGroup', { engine: props.engine, parameters: props.parameters });
    }
    this.parameterGroup = parameterGroup;

    // --- logs: created before the instance, encrypted, with retention (RDS would create them unencrypted, forever) -----
    const logTypes = props.cloudwatchLogsExports ?? facts.logTypes;
    const logGroups: { [logType: string]: logs.ILogGroup } = {};
    for (const logType of logTypes) {
      const logGroupName = `/aws/rds/instance/${this.instanceIdentifier}/${logType}`;
      logGroups[logType] = new logs.LogGroup(this, `${pascal(logType)}LogGroup`, {
        logGroupName,
        encryptionKey: key,
        retention: props.cloudwatchLogsRetention ?? logs.RetentionDays.ONE_YEAR,
        // Named after the instance: RetainExceptOnCreate, or a rolled-back first deploy leaves them to block the retry.
        // The instance keeps its own policy (Snapshot unless given): a rolled-back create already deletes it.
        removalPolicy: namedResourceRemovalPolicy(RemovalPolicy.RETAIN),
      });
      encryption.addKeyStatements([KeyPolicyStatements.logGroup({ ...env, logGroupArn: logGroupArn(this, logGroupName) })], `the ${logType} log group`);
    }
    this.logGroups = logGroups;
    if (props.cloudwatchLogsRetentionRole) {
      Annotations.of(this).addWarningV2('cdk-encrypted-constructs:rds-log-retention-role-unused',
        'cloudwatchLogsRetentionRole is not used: the construct creates the log groups itself, with their retention, so no retention function runs.');
    }

    // --- enhanced monitoring: a role per instance (its trust names this instance, as the RDS guide shows), with the
    // stack's one customer managed policy instead of AmazonRDSEnhancedMonitoringRole ----------------------------------
    const monitoringInterval = props.monitoringInterval ?? Duration.seconds(60);
    let monitoringRole: iam.IRoleRef | undefined = props.monitoringRole;
    if (!monitoringRole && monitoringInterval.toSeconds() > 0) {
      const role = new iam.Role(this, 'MonitoringRole', {
        assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com').withConditions({
          StringEquals: { 'aws:SourceAccount': env.account },
          ArnLike: { 'aws:SourceArn': instanceArn },
        }),
        description: `Enhanced Monitoring of ${this.node.path}: writes OS metrics to the RDSOSMetrics log group`,
        // the role's ManagedPolicyArns name the policy, so the role (and the instance, through MonitoringRoleArn)
        // exists only once the policy does
        managedPolicies: [SharedMonitoringPolicy.of(this)],
      });
      monitoringRole = role;
      this.monitoringRole = role;
    }

    // --- performance insights ---------------------------------------------------------------------------------------
    const instanceClass = props.instanceType?.toString() ?? DEFAULT_INSTANCE_CLASS;
    const piSupported = facts.supportsPerformanceInsights(instanceClass);
    this.performanceInsightsEnabled = props.enablePerformanceInsights ?? piSupported;
    if (props.enablePerformanceInsights === undefined && !piSupported) {
      Annotations.of(this).addWarningV2('cdk-encrypted-constructs:rds-performance-insights-unsupported',
        `Performance Insights is off: RDS for ${facts.family} does not support it on db.${instanceClass}. `
        + 'Choose a larger instance class to have it (encrypted with the key), or set enablePerformanceInsights: false to silence this warning.');
    }

    // --- network ----------------------------------------------------------------------------------------------------
    const securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Encrypted RDS instance ${this.node.path}`,
      allowAllOutbound: false,
    })];

    // --- the instance -----------------------------------------------------------------------------------------------
    const {
      encryptionKey: _k, keyOptions: _o, auditTrail: _a, verifyEncryption: _v, verifyKeyRotation: _r, enforceTls: _t,
      alarmTopic: _at, cpuUtilizationAlarmThreshold: _c, freeStorageAlarmThreshold: _f, connectionsAlarmThreshold: _n,
      parameters: _p, cloudwatchLogsRetention: _lr, cloudwatchLogsRetentionRole: _lrr,
      ...instanceProps
    } = props;
    this.iamAuthentication = props.iamAuthentication ?? true;
    this.instance = new rds.DatabaseInstance(this, 'Resource', {
      multiAz: true,
      deletionProtection: true,
      backupRetention: Duration.days(7),
      copyTagsToSnapshot: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      vpcSubnets: defaultSubnets(props.vpc),
      // a prop given as undefined means "the default": it must not erase the defaults above
      ...definedOnly(instanceProps),
      instanceIdentifier: this.instanceIdentifier,
      iamAuthentication: this.iamAuthentication,
      securityGroups,
      parameterGroup,
      storageEncrypted: true,
      storageEncryptionKey: key,
      manageMasterUserPassword: true,
      credentials: rds.Credentials.fromUsername(props.credentials?.username ?? EncryptedRdsInstance.DEFAULT_MASTER_USERNAME, { encryptionKey: key }),
      enablePerformanceInsights: this.performanceInsightsEnabled,
      performanceInsightEncryptionKey: this.performanceInsightsEnabled ? key : undefined,
      monitoringInterval,
      monitoringRole,
      cloudwatchLogsExports: logTypes.length > 0 ? logTypes : undefined,
    });
    const cfnInstance = this.instance.node.defaultChild as rds.CfnDBInstance;
    for (const logGroup of Object.values(logGroups)) cfnInstance.node.addDependency(logGroup);
    this.masterUserSecret = this.instance.secret!;
    this.connections = this.instance.connections;
    this.port = props.port ?? facts.defaultPort;
    acknowledgeInstance(cfnInstance, facts, props.port);

    // --- alarms -----------------------------------------------------------------------------------------------------
    // Every alarm gets an action (Control Tower's CT.CLOUDWATCH.PR.1 reads AlarmActions at deploy time): the user's
    // topic, else one topic per stack shared by the library's alarms, never a topic (and its policy) per instance.
    this.alarmTopic = props.alarmTopic ?? SharedAlarmTopic.of(this);
    watchChannelKey(this, props.alarmTopic?.masterKey); // the key the alarms travel through is watched (when the stack audits)
    const fiveMinutes = Duration.minutes(5);
    this.cpuAlarm = new cloudwatch.Alarm(this, 'CpuAlarm', {
      alarmDescription: `CPU utilization of ${this.node.path} stays at or above its threshold`,
      metric: this.instance.metricCPUUtilization({ period: fiveMinutes, statistic: cloudwatch.Stats.AVERAGE }),
      threshold: props.cpuUtilizationAlarmThreshold ?? 80,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.freeStorageAlarm = new cloudwatch.Alarm(this, 'FreeStorageAlarm', {
      alarmDescription: `Free storage of ${this.node.path} is at or below its threshold`,
      metric: this.instance.metricFreeStorageSpace({ period: fiveMinutes, statistic: cloudwatch.Stats.MINIMUM }),
      threshold: freeStorageThresholdBytes(props),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.connectionsAlarm = new cloudwatch.Alarm(this, 'ConnectionsAlarm', {
      alarmDescription: `Database connections of ${this.node.path} stay near the engine's max_connections`,
      metric: this.instance.metricDatabaseConnections({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: this.connectionsThreshold(props, facts, instanceClass),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    const alarms = [this.cpuAlarm, this.freeStorageAlarm, this.connectionsAlarm];
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    for (const alarm of alarms) alarm.addAlarmAction(action);
    allowAlarmsToPublish(this, this.alarmTopic, alarms, `the alarms of ${this.node.path}`);

    // --- deploy-time verification -----------------------------------------------------------------------------------
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

  private connectionsThreshold(props: EncryptedRdsInstanceProps, facts: EngineFacts, instanceClass: string): number {
    if (props.connectionsAlarmThreshold !== undefined) return props.connectionsAlarmThreshold;
    const max = estimatedMaxConnections(facts, instanceClass);
    if (max === undefined) {
      Annotations.of(this).addWarningV2('cdk-encrypted-constructs:rds-connections-threshold-guessed',
        `The connections alarm fires at 100 connections: the memory of db.${instanceClass} is not known to the construct, so max_connections cannot be estimated. Set connectionsAlarmThreshold.`);
      return 100;
    }
    return Math.max(1, Math.floor(max * 0.8));
  }
}

/** Every prop check in one place; returns the engine's facts. */
function validate(scope: IConstruct, props: EncryptedRdsInstanceProps): EngineFacts {
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
  const resolve = (x: unknown) => JSON.stringify(Stack.of(scope).resolve(x));
  const keyOf = (k: kms.IKeyRef) => resolve(k.keyRef.keyArn);
  const given = props.encryptionKey;
  const sameKey = (other: kms.IKeyRef | undefined) => other === undefined || (given !== undefined && (other === given || keyOf(other) === keyOf(given)));

  // encryption must not be weakened
  v.check(props.storageEncrypted !== false, 'storageEncrypted', 'false', 'storage is always encrypted with encryptionKey: omit storageEncrypted', false);
  v.check(sameKey(props.storageEncryptionKey), 'storageEncryptionKey', 'a different key', 'omit it, or pass the same key as encryptionKey (pass your key as encryptionKey)', false);
  v.check(sameKey(props.performanceInsightEncryptionKey), 'performanceInsightEncryptionKey', 'a different key', 'omit it, or pass the same key as encryptionKey (pass your key as encryptionKey)', false);
  v.check(props.manageMasterUserPassword !== false, 'manageMasterUserPassword', 'false', 'RDS always manages the master password in Secrets Manager, encrypted with the key: omit it', false);
  const c = props.credentials;
  if (c) {
    v.check(c.password === undefined, 'credentials', 'a password', 'a password in the app ends up in the template: use Credentials.fromUsername(name) and let RDS generate and keep it', false);
    v.check(c.secret === undefined, 'credentials', 'an existing secret', 'RDS generates the master password and keeps it in its own secret, encrypted with the key: use Credentials.fromUsername(name)', false);
    v.check(c.secretName === undefined && c.excludeCharacters === undefined && c.replicaRegions === undefined, 'credentials', 'secret options (secretName, excludeCharacters or replicaRegions)',
      'RDS names, generates and keeps the master secret itself: use Credentials.fromUsername(name)', false);
    v.check(sameKey(c.encryptionKey), 'credentials.encryptionKey', 'a different key', 'the master secret is encrypted with encryptionKey: omit it', false);
    if (facts) {
      v.name('credentials.username', c.username, /^[A-Za-z][A-Za-z0-9_]*$/, facts.maxUsernameLength, 'letters, digits and "_", starting with a letter');
      v.check(typeof c.username !== 'string' || Token.isUnresolved(c.username) || c.username.toLowerCase() !== 'rdsadmin', 'credentials.username', c.username, 'is reserved by RDS');
      checkNotReserved(v, 'credentials.username', c.username, facts.family);
    }
  }

  // instance settings AWS would reject at deploy time
  v.name('instanceIdentifier', props.instanceIdentifier, /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$|^[A-Za-z]$/, 63,
    'letters, digits and single hyphens, starting with a letter and not ending with a hyphen');
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
  if (piRetention !== undefined && !Token.isUnresolved(piRetention)) {
    v.check(isPerformanceInsightsRetention(piRetention), 'performanceInsightRetention', `${piRetention} days`,
      'allowed: 7, a multiple of 31 up to 713 (1 to 23 months) or 731 days (use rds.PerformanceInsightRetention)', false);
  }
  if (piRetention !== undefined && facts) {
    const piOn = props.enablePerformanceInsights ?? facts.supportsPerformanceInsights(props.instanceType?.toString() ?? DEFAULT_INSTANCE_CLASS);
    v.check(piOn, 'performanceInsightRetention', `${piRetention} days`, 'is set while Performance Insights is off (enablePerformanceInsights false, or an instance class without it): omit it', false);
  }
  const logRetention = props.cloudwatchLogsRetention as number | undefined;
  if (logRetention !== undefined && !Token.isUnresolved(logRetention)) {
    v.check(logRetention === logs.RetentionDays.INFINITE || LOG_RETENTION_DAYS.includes(logRetention), 'cloudwatchLogsRetention', `${logRetention} days`,
      `allowed: ${LOG_RETENTION_DAYS.join(', ')} days or RetentionDays.INFINITE (use logs.RetentionDays)`, false);
  }
  checkEncryptionKey(v, scope, props);
  v.range('port', props.port, 1150, 65535);
  const backupDays = props.backupRetention?.toDays({ integral: false });
  v.range('backupRetention', backupDays, 1, 35, 'days');
  v.check(backupDays === undefined || Token.isUnresolved(backupDays) || !(backupDays >= 1 && backupDays < 7), 'backupRetention', `${backupDays} days`,
    'must be at least 7 days: the AWS Control Tower rule rds_instance_backup_enabled_check requires a week of automated backups', false);
  const monitoring = props.monitoringInterval?.toSeconds({ integral: false });
  v.check(monitoring === undefined || Token.isUnresolved(monitoring) || [0, 1, 5, 10, 15, 30, 60].includes(monitoring), 'monitoringInterval', `${monitoring} seconds`, 'allowed: 0 (off), 1, 5, 10, 15, 30 or 60 seconds', false);
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
      const tlsOn = tlsGiven === undefined || Token.isUnresolved(tlsGiven) || ['1', 'on', 'true'].includes(tlsGiven.toLowerCase());
      v.check(tlsOn, `parameters["${facts.tlsParameter}"]`, tlsGiven,
        'turns TLS enforcement off, which enforceTls (default true) forbids: remove it, or set enforceTls false');
      if (facts.family === 'mariadb' && version) {
        v.check(version[0] > 10 || (version[0] === 10 && version[1] >= 5), 'engine', `mariadb ${version.join('.')}`, 'require_secure_transport needs MariaDB 10.5 or later: use a newer version or set enforceTls false', false);
      }
    }
    if (facts.family === 'mariadb' && version && props.iamAuthentication !== false) {
      v.check(version[0] > 10 || (version[0] === 10 && version[1] >= 6), 'engine', `mariadb ${version.join('.')}`, 'IAM database authentication needs MariaDB 10.6 or later: use a newer version or set iamAuthentication false', false);
    }
  }
  v.check(props.parameters === undefined || props.parameterGroup === undefined, 'parameters', 'parameters and a parameterGroup', 'give one or the other', false);
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
 * storage type's maximum. Facts and links in `naming-facts.ts`; tokens are skipped.
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

/** A database or master user name the engine reserves (compared in lower case; tokens are skipped). */
function checkNotReserved(v: PropValidator, prop: string, name: string | undefined, family: string): void {
  const words = reservedWords(family);
  if (!words || typeof name !== 'string' || Token.isUnresolved(name)) return;
  v.check(!words.has(name.toLowerCase()), prop, name, `is a word ${family} reserves: choose another name`);
}

/**
 * A DB instance identifier derived from the construct path: lower case, starting with a letter, single hyphens.
 */
function defaultInstanceIdentifier(scope: IConstruct): string {
  let name = deterministicName(scope, 60).toLowerCase().replace(/_/g, '-').replace(/-{2,}/g, '-').replace(/-+$/, '');
  if (!/^[a-z]/.test(name)) name = `db-${name}`.replace(/-{2,}/g, '-');
  return name;
}

/** Isolated subnets when the VPC has them (a database needs no internet route), else private ones. */
function defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

/**
 * What `AmazonRDSEnhancedMonitoringRole` allows, as ONE customer managed policy per stack scoped to the one log group
 * Enhanced Monitoring writes to (`RDSOSMetrics`, one stream per instance, named after its DbiResourceId). Its document
 * names nothing of any instance, so every instance's monitoring role of the stack attaches the same policy (child
 * `EncryptedConstructsRdsMonitoringPolicy` of the stack, created on first need).
 *
 * The roles stay one per instance: the RDS guide's confused-deputy protection names the instance in the trust policy
 * (`aws:SourceArn` = `arn:aws:rds:<region>:<account>:db:<name>`), and one role trusting every instance of a stack would
 * have to list them all, which IAM's role trust policy quota (2,048 characters by default) caps at about 25.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
class SharedMonitoringPolicy {
  /** The construct id of the shared policy, a child of the stack. */
  public static readonly ID = 'EncryptedConstructsRdsMonitoringPolicy';

  /** The Enhanced Monitoring policy of the stack of `scope`, created on first call. */
  public static of(scope: IConstruct): iam.ManagedPolicy {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SharedMonitoringPolicy.ID);
    if (existing instanceof iam.ManagedPolicy) return existing;
    const logGroup = formatArn(stack, { service: 'logs', resource: 'log-group', resourceName: 'RDSOSMetrics', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const policy = new iam.ManagedPolicy(stack, SharedMonitoringPolicy.ID, {
      description: 'Enhanced Monitoring: write OS metrics to the RDSOSMetrics log group',
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], resources: [logGroup, `${logGroup}:*`] }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
          resources: [`${logGroup}:log-stream:*`],
        }),
      ],
    });
    const reason = 'Enhanced Monitoring writes to the RDSOSMetrics log group, one stream per instance named after its DbiResourceId, '
      + 'which is known only once the instance exists (and the instance needs this policy to exist first): the wildcard stays inside that one log group.';
    acknowledgeEach(policy, {
      [`AwsSolutions-IAM5[Resource::${flatten(stack, `${logGroup}:*`)}]`]: reason,
      [`AwsSolutions-IAM5[Resource::${flatten(stack, `${logGroup}:log-stream:*`)}]`]: reason,
    });
    return policy;
  }
}

/** The rules the instance meets in another way, acknowledged on the DB instance only. */
function acknowledgeInstance(cfnInstance: rds.CfnDBInstance, facts: EngineFacts, port: number | undefined): void {
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

function freeStorageThresholdBytes(props: EncryptedRdsInstanceProps): number {
  if (props.freeStorageAlarmThreshold) return props.freeStorageAlarmThreshold.toBytes();
  const allocated = props.allocatedStorage !== undefined && !Token.isUnresolved(props.allocatedStorage) ? props.allocatedStorage : 100;
  return Math.floor(Size.gibibytes(allocated).toBytes() / 10);
}

/** The props that are set, without those given as `undefined`, so that spreading them keeps the defaults they follow. */
function definedOnly<T extends object>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as T;
}

/** `postgresql` -> `Postgresql`, `slowquery` -> `Slowquery`. */
function pascal(text: string): string {
  return text.split(/[^A-Za-z0-9]/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}

/** A value as cdk-nag prints it in a finding id (references in angle brackets), for scoped acknowledgements. */
function flatten(scope: IConstruct, value: string): string {
  const visit = (node: any): string => {
    if (typeof node === 'string') return node;
    if (Array.isArray(node?.['Fn::Join'])) return node['Fn::Join'][1].map(visit).join(node['Fn::Join'][0]);
    if (node?.Ref !== undefined) return `<${visit(node.Ref)}>`;
    if (Array.isArray(node?.['Fn::GetAtt'])) return `<${visit(node['Fn::GetAtt'][0])}.${visit(node['Fn::GetAtt'][1])}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
