import * as iam from 'aws-cdk-lib/aws-iam';
import { VERIFICATION_CONTEXT_KEY, verifierContextConditions } from './conditions';
import { cloudTrailStatements, TrailKeyStatementProps } from '../services/cloudtrail/statements';
import { apiDestinationsServiceLinkedRoleArn } from '../services/events/arns';
import { busLogStatements } from '../services/events/bus-logs';
import { API_DESTINATIONS_TAG_KEY } from '../services/events/connection-facts';
import { connectionCrossAccountStatement, connectionStatements, ConnectionKeyStatementProps, eventBusStatements, EventBusKeyStatementProps } from '../services/events/statements';
import { keyEnvironment, KeyStatementEnvironment } from '../services/kms/environment';
import { administrationOnlyStatement, denyGrantsExceptForAwsResourcesStatement } from '../services/kms/statements';
import { bucketLogDeliveryKeyStatement, logGroupStatement, LogGroupKeyStatementProps } from '../services/logs/statements';
import { rdsStatements, RdsKeyStatementProps } from '../services/rds/statements';
import { scheduleReadStatement, scheduleStatements, ScheduleKeyStatementProps, VerifierScheduleReadProps } from '../services/scheduler/statements';
import { topicStatements, TopicKeyStatementProps } from '../services/sns/statements';
import { queueStatement, QueueKeyStatementProps } from '../services/sqs/statements';

// The props of the builders live with their service's facts; they are public API, exported from here.
export type { KeyStatementEnvironment } from '../services/kms/environment';
export type { ScheduleKeyStatementProps, VerifierScheduleReadProps } from '../services/scheduler/statements';
export type { ConnectionKeyStatementProps, EventBusKeyStatementProps } from '../services/events/statements';
export type { TrailKeyStatementProps } from '../services/cloudtrail/statements';
export type { LogGroupKeyStatementProps } from '../services/logs/statements';
export type { QueueKeyStatementProps } from '../services/sqs/statements';
export type { TopicKeyStatementProps } from '../services/sns/statements';
export type { RdsKeyStatementProps } from '../services/rds/statements';

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
    return denyGrantsExceptForAwsResourcesStatement();
  }

  /**
   * Strict mode: the account root may administer the key but not use it for cryptography.
   *
   * @param administrators further principals with the same administration rights (e.g. the deployment role)
   * @returns one statement for the account root and `administrators`
   */
  public static administrationOnly(administrators?: iam.IPrincipal[], environment: KeyStatementEnvironment = {}): iam.PolicyStatement {
    return administrationOnlyStatement(administrators, environment);
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
    return scheduleStatements(props);
  }

  /**
   * EventBridge connection: Secrets Manager, on behalf of EventBridge, may describe the key and generate/decrypt data
   * keys only for this connection's secret, and only while the key carries the tag `EventBridgeApiDestinations=true`.
   *
   * @returns the statements for the connection's secret, one per purpose
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
   */
  public static connection(props: ConnectionKeyStatementProps): iam.PolicyStatement[] {
    return connectionStatements(props);
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
    return apiDestinationsServiceLinkedRoleArn(keyEnvironment(environment));
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
    return connectionCrossAccountStatement(props);
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
    return eventBusStatements(props);
  }

  /**
   * EventBridge event bus logs: on the key of a bus whose logs are enabled, `events.amazonaws.com` may generate data
   * keys to encrypt the `detail` and `error` sections of the log records in transit, and CloudWatch Logs' delivery
   * service (`delivery.logs.amazonaws.com`) may decrypt them (and generate data keys), both only under the documented
   * `SourceArn` context of CloudWatch Logs in this account and region. The destination is encrypted with its own key:
   * see `KeyPolicyStatements.logGroup` (a log group) and `KeyPolicyStatements.logDeliveryToBucket` (an S3 bucket).
   *
   * @returns the statements for EventBridge and for log delivery, one per principal
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html
   */
  public static eventBusLogs(props: KeyStatementEnvironment = {}): iam.PolicyStatement[] {
    return busLogStatements(props);
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
    return rdsStatements(props);
  }

  /**
   * CloudTrail: `cloudtrail.amazonaws.com` may generate data keys for this trail's log files, describe the key, and
   * decrypt (required when the trail bucket uses an S3 Bucket Key), only on behalf of this trail.
   *
   * @returns the statements for CloudTrail, one per purpose
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
   */
  public static cloudTrail(props: TrailKeyStatementProps): iam.PolicyStatement[] {
    return cloudTrailStatements(props);
  }

  /**
   * CloudWatch Logs: `logs.<region>.amazonaws.com` may use the key only for this log group.
   *
   * @returns one statement
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  public static logGroup(props: LogGroupKeyStatementProps): iam.PolicyStatement {
    return logGroupStatement(props);
  }

  /**
   * CloudWatch Logs' vended-log delivery to an S3 bucket encrypted with this key (SSE-KMS): `delivery.logs.amazonaws.com`
   * may generate data keys, only on behalf of this account (`aws:SourceAccount`) and of CloudWatch Logs in this region
   * (`aws:SourceArn` like `arn:<partition>:logs:<region>:<account>:*`).
   *
   * @returns one statement
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html
   */
  public static logDeliveryToBucket(props: KeyStatementEnvironment = {}): iam.PolicyStatement {
    return bucketLogDeliveryKeyStatement(props);
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
    return queueStatement(props);
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
    return topicStatements(props);
  }

  /**
   * The verifier reading one encrypted schedule: `GetSchedule` makes Scheduler decrypt the schedule's payload with the
   * caller's permissions, so the verifier may decrypt only through Scheduler, only under this schedule's context.
   *
   * @returns one statement
   */
  public static verifierScheduleRead(props: VerifierScheduleReadProps): iam.PolicyStatement {
    return scheduleReadStatement(props);
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
