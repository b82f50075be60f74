import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { API_DESTINATIONS_TAG_KEY, KEY_ADMINISTRATION_ACTIONS, SECRETS_MANAGER_KEY_CHECK, VERIFICATION_CONTEXT_KEY, verifierContextConditions } from './conditions';

/**
 * Where the key's users live. Constructs pass their stack's values (literals when the stack has an explicit
 * environment); the defaults are the deploy-time pseudo parameters.
 */
export interface KeyStatementEnvironment {
  /**
   * Account of the resources and principals.
   *
   * @default Aws.ACCOUNT_ID
   */
  readonly account?: string;
  /**
   * Region of the resources.
   *
   * @default Aws.REGION
   */
  readonly region?: string;
  /**
   * Partition of the ARNs.
   *
   * @default Aws.PARTITION
   */
  readonly partition?: string;
}

/** Identifiers of an EventBridge Scheduler schedule, for its key-policy statements. */
export interface ScheduleKeyStatementProps extends KeyStatementEnvironment {
  /**
   * ARN of the schedule, `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>`, or a pattern of the
   * group's schedules, `.../schedule/<group>/*` (matched with `StringLike`).
   */
  readonly scheduleArn: string;
  /**
   * The schedule's execution role, which decrypts the payload when the schedule fires.
   *
   * @default - none: give `executionRoleArnPattern`
   */
  readonly executionRole?: iam.IPrincipal;
  /**
   * Instead of one role: the execution roles whose ARN matches this pattern (`aws:PrincipalArn`, `ArnLike`), e.g. every
   * role under an IAM path, `arn:<partition>:iam::<account>:role/<path>/*`.
   *
   * @default - none: give `executionRole`
   */
  readonly executionRoleArnPattern?: string;
}

/** Identifiers of an EventBridge connection, for its key-policy statements. */
export interface ConnectionKeyStatementProps extends KeyStatementEnvironment {
  /** Name of the connection (its secret is `events!connection/<name>/<uuid>`). */
  readonly connectionName: string;
  /**
   * Only these principals may generate and decrypt data keys for the connection's secret (`aws:PrincipalArn`).
   * Strict mode passes EventBridge's API-destinations service-linked role
   * (`KeyPolicyStatements.apiDestinationsServiceLinkedRoleArn`), the principal that creates and reads the secret.
   *
   * @default - any principal of the account whose IAM policies allow it (the service-linked role's AWS managed policy does)
   */
  readonly principalArns?: string[];
}

/** Identifiers of an EventBridge event bus (and optionally its archive), for their key-policy statements. */
export interface EventBusKeyStatementProps extends KeyStatementEnvironment {
  /** ARN of the event bus: the value of the `aws:events:event-bus:arn` encryption context. */
  readonly eventBusArn: string;
  /**
   * ARN of an archive of this bus encrypted with the same key.
   *
   * @default - no archive statement
   */
  readonly archiveArn?: string;
}

/** Identifiers of a CloudTrail trail, for its key-policy statements. */
export interface TrailKeyStatementProps extends KeyStatementEnvironment {
  /** ARN of the trail: the value of `aws:SourceArn` and of the `aws:cloudtrail:arn` encryption context. */
  readonly trailArn: string;
}

/** Identifiers of a CloudWatch Logs log group, for its key-policy statements. */
export interface LogGroupKeyStatementProps extends KeyStatementEnvironment {
  /** ARN of the log group (without the trailing `:*`): the value of the `aws:logs:arn` encryption context. */
  readonly logGroupArn: string;
}

/** Identifiers of an SQS queue, for its key-policy statements. */
export interface QueueKeyStatementProps extends KeyStatementEnvironment {
  /** The principals that send messages to (or receive from) the queue. */
  readonly principals: iam.IPrincipal[];
  /**
   * Roles whose ARN matches one of these patterns (`aws:PrincipalArn`, `ArnLike`): give the account root as the
   * principal, e.g. to let every execution role under an IAM path send.
   *
   * @default - no `aws:PrincipalArn` condition
   */
  readonly principalArnPatterns?: string[];
  /**
   * For service principals: the resources (ARNs or `ArnLike` patterns) on whose behalf the service may send. Checked
   * only when the service presents an `aws:SourceArn` (`ArnLikeIfExists`): AWS does not document that it does.
   *
   * @default - no `aws:SourceArn` condition
   */
  readonly sourceArns?: string[];
}

/** Identifiers of an SNS topic, for its key-policy statements. */
export interface TopicKeyStatementProps extends KeyStatementEnvironment {
  /** The service principals that publish to the topic, e.g. `events.amazonaws.com`. */
  readonly servicePrincipals: string[];
}

/** Where an RDS instance lives, for its key-policy statements. */
export interface RdsKeyStatementProps extends KeyStatementEnvironment {}

/** Identifiers for the verifier's read of one encrypted schedule. */
export interface VerifierScheduleReadProps extends KeyStatementEnvironment {
  /** The verifier function's execution role. */
  readonly verifierRole: iam.IPrincipal;
  /** ARN of the schedule the verifier reads with `GetSchedule` (or a `.../schedule/<group>/*` pattern). */
  readonly scheduleArn: string;
}

/** Identifiers of the verifier function's role, for its key-policy statements. */
export interface VerifierKeyStatementProps extends KeyStatementEnvironment {
  /** The verifier function's execution role. */
  readonly verifierRole: iam.IPrincipal;
}

/**
 * Per-service key-policy statement builders.
 *
 * Each builder is a pure function of the protected resource's identifiers: it returns the narrowest statements the
 * service supports (encryption-context conditions, `kms:ViaService`, `aws:SourceArn`/`aws:SourceAccount`,
 * `kms:GrantIsForAWSResource`). ARNs passed in must be built with `Stack.formatArn` from deterministic names, never
 * from `Fn::GetAtt`, so no key ↔ resource dependency cycle can form. Each statement's `sid` names its purpose; when
 * the library adds it to a key policy it appends a hash of the statement, so ids stay unique and a statement added
 * twice is recognised as a duplicate.
 */
export class KeyPolicyStatements {
  /** The encryption-context key of the verifier's own round trip (see `EncryptionVerification`). */
  public static readonly VERIFICATION_CONTEXT_KEY = VERIFICATION_CONTEXT_KEY;
  /** The tag EventBridge requires on a connection's key: `EventBridgeApiDestinations=true`. */
  public static readonly API_DESTINATIONS_TAG_KEY = API_DESTINATIONS_TAG_KEY;

  /**
   * Deny `kms:CreateGrant` to every principal unless the grant is for an AWS resource or the caller is an AWS service
   * (AWS Control Tower control CT.KMS.PR.3).
   *
   * @returns one Deny statement
   */
  public static denyGrantsExceptForAwsResources(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  }

  /**
   * Strict mode: the account root may administer the key but not use it for cryptography.
   *
   * @param administrators further principals with the same administration rights (e.g. the deployment role)
   * @returns one statement for the account root and `administrators`
   */
  public static administrationOnly(administrators?: iam.IPrincipal[], environment: KeyStatementEnvironment = {}): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'KeyAdministrationOnly',
      principals: [accountRoot(environment), ...(administrators ?? [])],
      actions: KEY_ADMINISTRATION_ACTIONS,
      resources: ['*'],
    });
  }

  /**
   * EventBridge Scheduler: the principal that creates or updates the schedule (through Scheduler) may describe the key
   * and generate/decrypt data keys for this schedule only, and the execution role may only decrypt its payload.
   *
   * Scheduler encrypts with the context `aws:scheduler:schedule:arn` = the schedule ARN. It does not support grants.
   *
   * @returns the statements for the schedule's callers and for its execution role
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
   */
  public static schedule(props: ScheduleKeyStatementProps): iam.PolicyStatement[] {
    const viaScheduler = { 'kms:ViaService': `scheduler.${env(props).region}.amazonaws.com`, 'kms:CallerAccount': env(props).account };
    const contextValue = { 'kms:EncryptionContext:aws:scheduler:schedule:arn': props.scheduleArn };
    const pattern = !Token.isUnresolved(props.scheduleArn) && props.scheduleArn.includes('*');
    const context = (extra: Record<string, string> = {}): Record<string, Record<string, string>> => (pattern
      ? { StringEquals: extra, StringLike: contextValue } : { StringEquals: { ...extra, ...contextValue } });
    if (!props.executionRole && !props.executionRoleArnPattern) throw new Error('KeyPolicyStatements.schedule: give executionRole or executionRoleArnPattern');
    const executionRoles = props.executionRole
      ? { principals: [props.executionRole], conditions: context() }
      : { principals: [accountRoot(props)], conditions: { ...context(), ArnLike: { 'aws:PrincipalArn': props.executionRoleArnPattern! } } };
    return [
      new iam.PolicyStatement({
        sid: 'SchedulerDescribe',
        principals: [accountRoot(props)],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: viaScheduler },
      }),
      new iam.PolicyStatement({
        sid: 'SchedulerEncrypt',
        principals: [accountRoot(props)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: context(viaScheduler),
      }),
      new iam.PolicyStatement({
        sid: 'SchedulerExecutionRoleDecrypt',
        principals: executionRoles.principals,
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: executionRoles.conditions,
      }),
    ];
  }

  /**
   * EventBridge connection: Secrets Manager, on behalf of EventBridge, may describe the key and generate/decrypt data
   * keys only for this connection's secret, and only while the key carries the tag `EventBridgeApiDestinations=true`.
   *
   * @returns the statements for the connection's secret, one per purpose
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
   */
  public static connection(props: ConnectionKeyStatementProps): iam.PolicyStatement[] {
    const secretArn = `arn:${env(props).partition}:secretsmanager:${env(props).region}:${env(props).account}:secret:events!connection/${props.connectionName}/*`;
    const tagged = { [`aws:ResourceTag/${API_DESTINATIONS_TAG_KEY}`]: 'true' };
    const viaSecretsManager = { 'kms:ViaService': `secretsmanager.${env(props).region}.amazonaws.com`, 'kms:CallerAccount': env(props).account };
    return [
      new iam.PolicyStatement({
        sid: 'ConnectionDescribe',
        principals: [accountRoot(props)],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { ...viaSecretsManager, ...tagged } },
      }),
      new iam.PolicyStatement({
        sid: 'ConnectionSecret',
        principals: [accountRoot(props)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { ...viaSecretsManager, ...tagged },
          StringLike: { 'kms:EncryptionContext:SecretARN': secretArn },
          ...(props.principalArns && props.principalArns.length > 0
            ? { ArnEquals: { 'aws:PrincipalArn': props.principalArns.length === 1 ? props.principalArns[0] : props.principalArns } }
            : {}),
        },
      }),
    ];
  }

  /**
   * ARN of EventBridge's API-destinations service-linked role (`AWSServiceRoleForAmazonEventBridgeApiDestinations`),
   * which creates, reads and updates connection secrets through Secrets Manager. Its AWS managed policy allows
   * `kms:GenerateDataKey`/`kms:Decrypt` only via Secrets Manager, for `events!connection/*` secrets, on keys tagged
   * `EventBridgeApiDestinations=true`. A condition value, not a principal: the role need not exist yet.
   *
   * @returns the role's ARN in the given (or the stack's) account and partition
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/using-service-linked-roles-service-action-1.html
   */
  public static apiDestinationsServiceLinkedRoleArn(environment: KeyStatementEnvironment = {}): string {
    const e = env(environment);
    return `arn:${e.partition}:iam::${e.account}:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations`;
  }

  /**
   * EventBridge connection whose key lives in another account: the statement AWS documents for the key owner, letting
   * EventBridge's internal API-destinations role in the connection's account describe the key and decrypt
   * (in addition to the `KeyPolicyStatements.connection` statements, with the connection's account).
   * Conditioned on the caller's account and on the key's `EventBridgeApiDestinations=true` tag.
   *
   * @param props the connection's account (and partition)
   * @returns one statement, for the key owner's policy
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
   */
  public static connectionCrossAccount(props: KeyStatementEnvironment = {}): iam.PolicyStatement {
    const e = env(props);
    return new iam.PolicyStatement({
      sid: 'ConnectionCrossAccount',
      principals: [new iam.ArnPrincipal(`arn:${e.partition}:iam::${e.account}:role/AmazonEventBridgeApiDestinationsInternalServiceRolePolicy`)],
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:CallerAccount': e.account, [`aws:ResourceTag/${API_DESTINATIONS_TAG_KEY}`]: 'true' } },
    });
  }

  /**
   * EventBridge event bus (and its archive): the statements the EventBridge guide documents for a bus key.
   *
   * - `events.amazonaws.com` may describe the key (no condition: EventBridge validates the key with it);
   * - a bus alone: `events.amazonaws.com` may generate and decrypt data keys only under this bus's encryption context
   *   and only on behalf of this bus (`aws:SourceArn`);
   * - with an archive: also re-encrypt, under this bus's encryption context only. The archive page documents no
   *   `aws:SourceArn`, and which one (bus, archive, replay) archive writes and replays present is not documented, so
   *   the statement does not require one;
   * - principals of this account, only through EventBridge, may use the key to create and update the bus and its rules
   *   (the caller needs these calls itself; in strict mode nothing else would allow them).
   *
   * @returns the statements for EventBridge and for the bus's callers, one per purpose
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html
   */
  public static eventBus(props: EventBusKeyStatementProps): iam.PolicyStatement[] {
    const e = env(props);
    const context = { 'kms:EncryptionContext:aws:events:event-bus:arn': props.eventBusArn };
    const events = new iam.ServicePrincipal('events.amazonaws.com');
    return [
      new iam.PolicyStatement({
        sid: 'EventBridgeDescribe',
        principals: [events],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
      props.archiveArn
        ? new iam.PolicyStatement({
          sid: 'EventBridgeBusAndArchive',
          principals: [events],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
          resources: ['*'],
          conditions: { StringEquals: context },
        })
        : new iam.PolicyStatement({
          sid: 'EventBridgeBus',
          principals: [events],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { ...context, 'aws:SourceArn': props.eventBusArn } },
        }),
      new iam.PolicyStatement({
        sid: 'EventBridgeBusCallers',
        principals: [accountRoot(props)],
        actions: ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `events.${e.region}.amazonaws.com`, 'kms:CallerAccount': e.account } },
      }),
    ];
  }

  /**
   * RDS: principals of this account, only through RDS in this region, may use the key for DB storage and create
   * grants only for AWS resources.
   *
   * Through Secrets Manager, principals of this account may encrypt the RDS-managed master secret (`rds!…`) and pass
   * Secrets Manager's key checks, each with its own IAM permission; decrypting the secret's value takes a statement
   * that names the reader (`masterUserSecret.grantRead(role)`), unless the key delegates to IAM (default mode), where
   * the reader's IAM `kms:Decrypt` suffices. No statement names every principal (`*`). Performance Insights may use the
   * key through RDS for its data.
   *
   * Who calls KMS during managed rotation is not documented. The RDS service-linked role's policy holds no KMS action,
   * yet managed rotation works on keys whose policy only delegates to IAM (the KMS default): so it does not rest on a
   * key-policy statement, but on the grant the creating principal makes (`kms:CreateGrant`, which the RDS guide requires
   * of it, allowed here only through RDS or Secrets Manager and only for AWS resources).
   *
   * RDS's own context (`aws:rds:db-id`) holds the DbiResourceId, which is unknown before deploy, so it cannot be a
   * condition; `kms:ViaService` and `kms:CallerAccount` bind the use to RDS in this account instead.
   *
   * @returns the statements for storage, the master secret and Performance Insights, one per purpose
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
   */
  public static rdsInstance(props: RdsKeyStatementProps = {}): iam.PolicyStatement[] {
    const account = accountRoot(props);
    const via = (service: string) => ({ 'kms:ViaService': `${service}.${env(props).region}.amazonaws.com`, 'kms:CallerAccount': env(props).account });
    const rdsSecrets = `arn:${env(props).partition}:secretsmanager:${env(props).region}:${env(props).account}:secret:rds!*`;
    return [
      new iam.PolicyStatement({
        sid: 'RdsStorage',
        principals: [account],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: via('rds') },
      }),
      new iam.PolicyStatement({
        sid: 'RdsGrants',
        principals: [account],
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: ['*'],
        // The master secret's grant may come through Secrets Manager: the RDS guide does not say which service calls.
        conditions: {
          StringEquals: { 'kms:ViaService': [via('rds')['kms:ViaService'], via('secretsmanager')['kms:ViaService']], 'kms:CallerAccount': env(props).account },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
      new iam.PolicyStatement({
        sid: 'RdsMasterSecretDescribe',
        principals: [account],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: via('secretsmanager') },
      }),
      // The principal that creates the instance has Secrets Manager store the master password under the key: "the user
      // who specifies the customer managed key to encrypt the secret ... must have permissions to perform ...
      // kms:Decrypt, kms:GenerateDataKey, kms:CreateGrant" (RDS guide); Secrets Manager "acts on behalf of the user who
      // is creating or changing the secret value", calls GenerateDataKey for a new value and Decrypt only for
      // GetSecretValue, for a change of an existing version's value, and for its key checks (SecretVersionId
      // RequestToValidateKeyAccess). So the account's principals (each with its own IAM permission) may encrypt RDS-managed
      // secrets and pass the key checks, but decrypting a secret's value needs the account's delegation to IAM (default
      // mode) or a statement naming the reader (`masterUserSecret.grantRead(role)`). Managed rotation is not covered by
      // any statement here: see rdsInstance's comment.
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
      new iam.PolicyStatement({
        sid: 'RdsMasterSecret',
        principals: [account],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: via('secretsmanager'), StringLike: { 'kms:EncryptionContext:SecretARN': rdsSecrets } },
      }),
      new iam.PolicyStatement({
        sid: 'RdsMasterSecretKeyCheck',
        principals: [account],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { ...via('secretsmanager'), 'kms:EncryptionContext:SecretVersionId': SECRETS_MANAGER_KEY_CHECK },
          StringLike: { 'kms:EncryptionContext:SecretARN': rdsSecrets },
        },
      }),
      new iam.PolicyStatement({
        sid: 'RdsPerformanceInsights',
        principals: [account],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { ...via('rds'), 'kms:EncryptionContext:aws:pi:service': 'rds', 'kms:EncryptionContext:service': 'pi' } },
      }),
    ];
  }

  /**
   * CloudTrail: `cloudtrail.amazonaws.com` may generate data keys for this trail's log files, describe the key, and
   * decrypt (required when the trail bucket uses an S3 Bucket Key), only on behalf of this trail.
   *
   * @returns the statements for CloudTrail, one per purpose
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
   */
  public static cloudTrail(props: TrailKeyStatementProps): iam.PolicyStatement[] {
    const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const source = { 'aws:SourceArn': props.trailArn, 'aws:SourceAccount': env(props).account };
    return [
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptLogs',
        principals: [principal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: source,
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${env(props).partition}:cloudtrail:*:${env(props).account}:trail/*` },
        },
      }),
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [principal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: source },
      }),
      // "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create or
      // update a trail with SSE-KMS encryption enabled." The library's trail bucket uses a bucket key.
      new iam.PolicyStatement({
        sid: 'CloudTrailBucketKeyDecrypt',
        principals: [principal],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: source },
      }),
    ];
  }

  /**
   * CloudWatch Logs: `logs.<region>.amazonaws.com` may use the key only for this log group.
   *
   * @returns one statement
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  public static logGroup(props: LogGroupKeyStatementProps): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'CloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${env(props).region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': props.logGroupArn } },
    });
  }

  /**
   * SQS: the principals that send to an encrypted queue may generate and decrypt data keys.
   *
   * IAM roles are confined to calls through SQS (`kms:ViaService`: their calls through SQS are forward access
   * sessions, which carry it). AWS service principals (e.g. `events.amazonaws.com` delivering to a dead-letter queue)
   * get the statement AWS documents, whose only condition is that an `aws:SourceArn`, if the service presents one, names
   * one of `sourceArns`: the docs promise neither `kms:ViaService` nor an `aws:SourceArn` for these calls, and a
   * condition the service does not meet silently drops the messages. The queue's own policy names the exact source.
   *
   * @returns one statement for all of `principals`
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted
   */
  public static queue(props: QueueKeyStatementProps): iam.PolicyStatement {
    const services = props.principals.every(p => p instanceof iam.ServicePrincipal);
    const sources = props.sourceArns ?? [];
    let conditions: Record<string, Record<string, unknown>> | undefined;
    if (!services) {
      conditions = { StringEquals: { 'kms:ViaService': `sqs.${env(props).region}.amazonaws.com` } };
      if (props.principalArnPatterns?.length) {
        conditions.ArnLike = { 'aws:PrincipalArn': props.principalArnPatterns.length === 1 ? props.principalArnPatterns[0] : props.principalArnPatterns };
      }
    } else if (sources.length > 0) {
      conditions = { ArnLikeIfExists: { 'aws:SourceArn': sources.length === 1 ? sources[0] : sources } };
    }
    return new iam.PolicyStatement({
      sid: 'SqsQueue',
      principals: props.principals,
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions,
    });
  }

  /**
   * SNS: service principals that publish to an encrypted topic may generate and decrypt data keys.
   *
   * `events.amazonaws.com` gets the statement without conditions: SNS states that `aws:SourceAccount` and
   * `aws:SourceArn` in a KMS key policy are not supported for EventBridge-to-encrypted-topic delivery (the topic's
   * own policy still names the rule). Other services (e.g. `cloudwatch.amazonaws.com`) are confined to this account
   * with `aws:SourceAccount`.
   *
   * @returns the statements for EventBridge and for the other services (only those that apply)
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   */
  public static topic(props: TopicKeyStatementProps): iam.PolicyStatement[] {
    const eventBridge = props.servicePrincipals.filter(p => p === 'events.amazonaws.com');
    const others = props.servicePrincipals.filter(p => p !== 'events.amazonaws.com');
    const statements: iam.PolicyStatement[] = [];
    if (eventBridge.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'SnsTopicEventBridge',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
      }));
    }
    if (others.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'SnsTopicPublishers',
        principals: others.map(p => new iam.ServicePrincipal(p)),
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': env(props).account } },
      }));
    }
    return statements;
  }

  /**
   * The verifier reading one encrypted schedule: `GetSchedule` makes Scheduler decrypt the schedule's payload with the
   * caller's permissions, so the verifier may decrypt only through Scheduler, only under this schedule's context.
   *
   * @returns one statement
   */
  public static verifierScheduleRead(props: VerifierScheduleReadProps): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'EncryptionVerifierScheduleRead',
      principals: [props.verifierRole],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: !Token.isUnresolved(props.scheduleArn) && props.scheduleArn.includes('*')
        ? {
          StringEquals: { 'kms:ViaService': `scheduler.${env(props).region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': props.scheduleArn },
        }
        : {
          StringEquals: {
            'kms:ViaService': `scheduler.${env(props).region}.amazonaws.com`,
            'kms:EncryptionContext:aws:scheduler:schedule:arn': props.scheduleArn,
          },
        },
    });
  }

  /**
   * The verifier function: describe the key and round-trip a data key, only under its own encryption-context key.
   *
   * @returns the statements for the verifier's role, one per purpose
   */
  public static verifier(props: VerifierKeyStatementProps): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'EncryptionVerifierDescribe',
        principals: [props.verifierRole],
        actions: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'EncryptionVerifierRoundTrip',
        principals: [props.verifierRole],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: verifierContextConditions(),
      }),
    ];
  }
}

/** The account root as an ARN principal built from the environment (a literal when the stack's account is known). */
function accountRoot(props: KeyStatementEnvironment): iam.IPrincipal {
  const e = env(props);
  return new iam.ArnPrincipal(`arn:${e.partition}:iam::${e.account}:root`);
}

function env(props: KeyStatementEnvironment): Required<KeyStatementEnvironment> {
  return { account: props.account ?? Aws.ACCOUNT_ID, region: props.region ?? Aws.REGION, partition: props.partition ?? Aws.PARTITION };
}
