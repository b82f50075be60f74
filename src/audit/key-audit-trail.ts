import { Duration, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AUDIT_TRAIL_CONTEXT_KEY } from './constants';
import { IAlertHub, KeyTamperingAlert } from './tampering-alert';
import { acknowledgeEach, nagResourceText } from '../internal/acknowledgements';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { checkArn, PropValidationError } from '../internal/validation';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { logGroupArn } from '../services/logs/arns';

/**
 * How a construct's KMS key use is audited: the account's library trail (default), an existing trail, or none.
 *
 * A class with factory methods rather than a union, so it reads the same from every jsii language:
 * `AuditTrail.accountShared()`, `AuditTrail.fromTrailArn(arn)`, `AuditTrail.none()`.
 */
export class AuditTrail {
  /**
   * One multi-region `KeyAuditTrail` per AWS account for the whole app, shared by every construct of every stack
   * of that account (created on first use, in the first stack that needs it, unless `KeyAuditTrail.of(stack)` placed it
   * first). Every stack alerts on tampering with its own keys.
   */
  public static accountShared(): AuditTrail {
    return new AuditTrail('account');
  }

  /**
   * The former name of `AuditTrail.accountShared`: the trail is now shared by the whole account, not one per stack
   * (AWS allows 5 trails per region per account).
   *
   * @deprecated use `AuditTrail.accountShared()`
   */
  public static stackShared(): AuditTrail {
    return new AuditTrail('account');
  }

  /**
   * An existing trail (for example an organization trail or the AWS Control Tower trail) already records the key's
   * management events: create no trail. Each stack still alerts on tampering with its keys (the trail delivers the KMS
   * calls to EventBridge in every region it records).
   *
   * @param trailArn ARN of the existing trail, reported in the construct's `auditTrailArn`
   */
  public static fromTrailArn(trailArn: string): AuditTrail {
    checkTrailArn('AuditTrail.fromTrailArn', trailArn);
    return new AuditTrail('existing', trailArn);
  }

  /** Create no trail and no key-tampering alert. KMS calls are still in the account's 90-day CloudTrail event history. */
  public static none(): AuditTrail {
    return new AuditTrail('none');
  }

  private constructor(
    /** `account`, `existing` or `none`. */
    public readonly mode: string,
    /** The existing trail's ARN when mode is `existing`. */
    public readonly trailArn?: string,
  ) {}
}

/**
 * Properties of a `KeyAuditTrail`.
 */
export interface KeyAuditTrailProps {
  /**
   * Record management events from every region, not only the stack's. One multi-region trail serves the stacks of all
   * regions of the account (CloudTrail's best practice; Checkov CKV_AWS_67).
   *
   * @default true
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
   */
  readonly multiRegion?: boolean;

  /**
   * How long the trail's CloudWatch Logs copy is kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Where the key-tampering alerts of this stack go. Its key (if any) is watched too: when it fails, the alarm on the
   * alert rules' failed deliveries reports it through the stack's alarm topic.
   *
   * @default - the stack's `KeyTamperingAlert` topic, on a key of its own that protects nothing else
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * What happens to the trail's bucket, log group and key when they leave the stack. On the log group, which has a fixed
   * name, `RETAIN` becomes `RETAIN_ON_UPDATE_OR_DELETE`: kept on update and delete, but deleted when the deploy that
   * created it rolls back, so that the retry does not fail with "already exists".
   *
   * @default RemovalPolicy.RETAIN
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A CloudTrail trail that records every KMS call on the library's keys, and an alert when a key is tampered with.
 *
 * One per AWS account for the whole app: constructs obtain it with `KeyAuditTrail.of`. AWS allows 5 trails per
 * region per account (not adjustable), a multi-region trail counts in every region, and every extra trail pays for a
 * second copy of the management events; one trail with management events already records every KMS call on every key
 * of the account. The trail lives in the first top-level stack of the account that needs it (call
 * `KeyAuditTrail.of(stack)` before any construct to choose that stack); every other stack gets a
 * `KeyTamperingAlert` for its own keys. Synthesis fails when an app would create two library trails in one account.
 *
 * Management events with log file validation go to an S3 bucket (public access blocked, TLS only, versioned, SSE-KMS,
 * server access logging, retained) and to an encrypted CloudWatch log group. The stack's `KeyTamperingAlert` sends the calls that
 * disable, delete, re-tag or re-permission a watched key to an encrypted SNS topic.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html
 */
export class KeyAuditTrail extends Construct implements IAlertHub {
  /** The construct id of the account's trail in the stack that holds it. */
  public static readonly ID = 'KeyAuditTrail';

  /**
   * The CDK context key that sets the audit-trail choice for a whole app (e.g. in `cdk.json`): `"account"` (default),
   * `"none"`, or an existing trail's ARN. A construct's own `auditTrail` prop takes precedence.
   */
  public static readonly CONTEXT_KEY = AUDIT_TRAIL_CONTEXT_KEY;

  /**
   * The account's audit trail for the stack of `scope`: the one already created for that account in this app (in
   * whichever stack holds it), or a new one in the top-level stack of `scope`, with the given props (props given later
   * are ignored). Stacks whose account is known only at deploy time share one trail per stage.
   */
  public static of(scope: IConstruct, props: KeyAuditTrailProps = {}): KeyAuditTrail {
    const stack = topLevelStack(Stack.of(scope));
    const found = trailsOf(stack).get(accountKey(stack));
    if (found) return found;
    const existing = stack.node.tryFindChild(KeyAuditTrail.ID);
    if (existing instanceof KeyAuditTrail) return existing;
    return new KeyAuditTrail(stack, KeyAuditTrail.ID, props);
  }

  /** The trail. */
  public readonly trail: cloudtrail.Trail;
  /** ARN of the trail. */
  public readonly trailArn: string;
  /** The bucket that receives the log files. */
  public readonly bucket: s3.Bucket;
  /** The bucket that receives the log bucket's server access logs. */
  public readonly accessLogsBucket: s3.Bucket;
  /** The CloudWatch log group that receives a copy of the events. */
  public readonly logGroup: logs.LogGroup;
  /** The key that encrypts the log files and the log group: it protects the trail only. */
  public readonly encryptionKey: EncryptionKey;
  /** The topic that receives key-tampering alerts of this stack's keys (the stack's `KeyTamperingAlert`'s). */
  public readonly alertTopic: sns.ITopic;
  /** The queue that keeps the alerts of this stack's alert rules that could not be delivered to the topic. */
  public readonly alertDeadLetterQueue: sqs.IQueue;
  /** The key of the alert topic: a key of the stack's `KeyTamperingAlert` that protects only that topic. */
  public readonly alertKey: kms.IKey;
  /** The key of the alert dead-letter queue: the stack's alarm and dead-letter key. */
  public readonly deadLetterKey: kms.IKey;
  /** The first rule that matches key-tampering calls on watched keys (`tamperingRules` lists all of them). */
  public readonly tamperingRule: events.Rule;
  /** Whether the trail records management events from every region (false: only its stack's region). */
  public readonly multiRegion: boolean;

  private readonly alert: KeyTamperingAlert;

  constructor(scope: Construct, id: string, props: KeyAuditTrailProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.multiRegion = props.multiRegion ?? true;
    const trailName = deterministicName(this, 128);
    this.trailArn = formatArn(this, { service: 'cloudtrail', resource: 'trail', resourceName: trailName });

    this.encryptionKey = new EncryptionKey(this, 'Key', { protects: 'the CloudTrail audit trail of KMS keys', removalPolicy });
    addKeyStatements(this, this.encryptionKey, KeyPolicyStatements.cloudTrail({ ...stackEnvironment(this), trailArn: this.trailArn }), 'the audit trail');

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', { ...logBucketDefaults(removalPolicy), encryption: s3.BucketEncryption.S3_MANAGED });
    acknowledgeEach(this.accessLogsBucket, {
      'AwsSolutions-S1': 'This bucket is the server-access-log destination of the trail bucket; logging it would log its own log writes without end.',
      'HIPAA.Security-S3BucketLoggingEnabled': 'Server-access-log destination of the trail bucket; logging it would recurse.',
      'NIST.800.53.R5-S3BucketLoggingEnabled': 'Server-access-log destination of the trail bucket; logging it would recurse.',
      'PCI.DSS.321-S3BucketLoggingEnabled': 'Server-access-log destination of the trail bucket; logging it would recurse.',
      's3_bucket_logging_enabled_check': 'Server-access-log destination of the trail bucket; logging it would recurse.',
      'HIPAA.Security-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
      'NIST.800.53.R5-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
      'PCI.DSS.321-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
      's3_bucket_default_encryption_kms_check': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...logBucketDefaults(removalPolicy),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
    });
    // Server access logging through a bucket policy (no ACLs): CDK's serverAccessLogsBucket would add an ACL grant.
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: this.accessLogsBucket.bucketName,
      logFilePrefix: 'trail-bucket/',
    };
    this.accessLogsBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsPolicy',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [this.accessLogsBucket.arnForObjects('trail-bucket/*')],
      conditions: { ArnLike: { 'aws:SourceArn': this.bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    for (const bucket of [this.bucket, this.accessLogsBucket]) {
      // Object events (e.g. a deleted log file) reach EventBridge natively, without CDK's notifications Lambda.
      (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
      acknowledgeEach(bucket, Object.fromEntries(['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map(pack => [
        `${pack}-S3BucketReplicationEnabled`,
        'Replication needs a bucket in a second region that this stack does not own; log files are integrity-protected by CloudTrail digest files, and an organization trail (AuditTrail.fromTrailArn) covers multi-region retention.',
      ])));
    }

    // A deterministic name: the key policy names the log group's ARN, which through Fn::GetAtt would be a cycle.
    const logGroupName = `/cdk-encrypted-constructs/key-audit/${trailName}`;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.encryptionKey,
      // Named: RETAIN is RetainExceptOnCreate, or a rolled-back first deploy would leave it behind and block the retry.
      removalPolicy: namedResourceRemovalPolicy(removalPolicy),
    });
    addKeyStatements(this, this.encryptionKey, [KeyPolicyStatements.logGroup({ ...stackEnvironment(this), logGroupArn: logGroupArn(this, logGroupName) })], 'the audit trail log group');

    // CloudTrail's own CloudWatch Logs role would carry an inline policy; ours uses a customer managed policy. Its trust
    // policy is the documented one, without aws:SourceArn/aws:SourceAccount: "The role policy doesn't support the use of
    // aws:SourceArn and aws:SourceAccount."
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
    const logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: 'Lets CloudTrail deliver the key audit trail to CloudWatch Logs',
    });
    // CloudTrail names its streams <account>_CloudTrail_<source region> and may create several per region, so each
    // resource ends in a wildcard, as documented. A multi-region trail writes a stream per source region.
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html
    const env = stackEnvironment(this);
    const streams = props.multiRegion ?? true ? [`${env.account}_CloudTrail_*`] : [`${env.account}_CloudTrail_${env.region}*`];
    const logsPolicy = new iam.ManagedPolicy(this, 'LogsPolicy', {
      roles: [logsRole],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: streams.map(stream => `${logGroupArn(this, logGroupName)}:log-stream:${stream}`),
      })],
    });
    acknowledgeEach(logsPolicy, Object.fromEntries(streams.map(stream => [
      `AwsSolutions-IAM5[Resource::${nagResourceText(this, `${logGroupArn(this, logGroupName)}:log-stream:${stream}`)}]`,
      'CloudTrail names its log streams <account>_CloudTrail_<source region> and may create several per region: the documented policy ends the stream name in a wildcard, within this one log group.',
    ])));

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      bucket: this.bucket,
      encryptionKey: this.encryptionKey,
      enableFileValidation: true,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: props.multiRegion ?? true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: false,
    });
    // CDK's Trail lets cloudtrail.amazonaws.com write to the bucket without naming the trail: only this trail may.
    // "The value of aws:SourceArn is always the ARN of the trail ... that is using the bucket to store logs."
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyThisTrailWrites',
      effect: iam.Effect.DENY,
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: { StringNotEquals: { 'aws:SourceArn': this.trailArn } },
    }));
    const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfnTrail.cloudWatchLogsLogGroupArn = this.logGroup.logGroupArn;
    cfnTrail.cloudWatchLogsRoleArn = logsRole.roleArn;
    cfnTrail.node.addDependency(logsPolicy);

    // The key-tampering alert of this stack, like every other stack's: its own topic key and the stack's dead-letter
    // key, so that the trail's key protects the trail only (an alert about the trail's key must not need it).
    this.alert = KeyTamperingAlert.of(this, { alertTopic: props.alertTopic, removalPolicy });
    this.alertTopic = this.alert.alertTopic;
    this.alertDeadLetterQueue = this.alert.alertDeadLetterQueue;
    this.alertKey = this.alert.alertKey;
    this.deadLetterKey = this.alert.deadLetterKey;
    this.tamperingRule = this.alert.tamperingRule;
    this.watchKey(this.encryptionKey);
    registerTrail(this);
  }

  /**
   * Every rule of the key-tampering alert: one per about 17 watched keys, so that each event pattern stays within
   * EventBridge's 2,048 characters. The first is `tamperingRule`.
   */
  public get tamperingRules(): events.Rule[] {
    return this.alert.tamperingRules;
  }

  /**
   * Fails synthesis when a single-region trail would serve a stack of another region: EventBridge receives the
   * "AWS API Call via CloudTrail" events of a region only when a trail records that region's calls, so that stack's
   * key-tampering rules would never fire. Stacks whose region is known only at deploy time cannot be compared: they
   * need a multi-region trail too.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
   * @internal
   */
  public _checkRecords(scope: IConstruct): void {
    if (this.multiRegion) return;
    const trailRegion = Stack.of(this).region;
    const region = Stack.of(scope).region;
    if (!Token.isUnresolved(trailRegion) && trailRegion === region) return;
    const where = Token.isUnresolved(region) ? 'a region known only at deploy time' : `region ${region}`;
    throw new PropValidationError(`${scope.node.path}: auditTrail: the account's library trail ${this.node.path} records only region `
      + `${Token.isUnresolved(trailRegion) ? '(known at deploy time)' : trailRegion} (multiRegion: false), but this construct is in ${where}: `
      + 'EventBridge receives CloudTrail\'s API-call events only in regions a trail records, so its key-tampering alert would never fire. '
      + 'Create the trail with multiRegion: true (the default), or use AuditTrail.fromTrailArn(...) for a trail that records this region.');
  }

  /** Adds a key to the key-tampering alert of this stack (once). */
  public watchKey(key: kms.IKey): void {
    this.alert.watchKey(key);
  }

  public alertTarget(rule: events.Rule, ruleName: string, what: string): events.IRuleTarget {
    return this.alert.alertTarget(rule, ruleName, what);
  }
}

function logBucketDefaults(removalPolicy: RemovalPolicy): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectLockEnabled: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{
      id: 'ArchiveOldLogs',
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) }],
      noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) }],
    }],
    removalPolicy,
  };
}

/** The stack that holds the account's trail: a nested stack's top-level parent. */
function topLevelStack(stack: Stack): Stack {
  let current = stack;
  while (current.nestedStackParent) current = current.nestedStackParent;
  return current;
}

/** The account a stack deploys to, or the stage path for stacks whose account is known only at deploy time. */
function accountKey(stack: Stack): string {
  return Token.isUnresolved(stack.account) ? `env-agnostic:${Stage.of(stack)?.node.path ?? ''}` : stack.account;
}

const registries = new WeakMap<IConstruct, Map<string, KeyAuditTrail>>();

/** The library trails of the app of `stack`, by account. */
function trailsOf(stack: Stack): Map<string, KeyAuditTrail> {
  const root = stack.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Map();
    registries.set(root, registry);
  }
  return registry;
}

/**
 * Records a trail for its account and fails synthesis when the app already holds a library trail in that account:
 * AWS allows 5 trails per region per account, not adjustable, and each extra one bills management events again.
 */
function registerTrail(trail: KeyAuditTrail): void {
  // A trail the user builds in a nested stack counts for its top-level stack's account.
  const stack = topLevelStack(Stack.of(trail));
  const key = accountKey(stack);
  const registry = trailsOf(stack);
  const first = registry.get(key);
  if (!first) {
    registry.set(key, trail);
    return;
  }
  trail.node.addValidation({
    validate: () => [
      `${trail.node.path} would be a second cdk-encrypted-constructs audit trail in account ${key.startsWith('env-agnostic') ? '(known at deploy time)' : key}, `
      + `after ${first.node.path}. AWS allows 5 trails per region per account and one trail records every KMS call of the account: `
      + 'use KeyAuditTrail.of(scope) (one per account), or AuditTrail.fromTrailArn(...) for a trail that already exists.',
    ],
  });
}

/**
 * A trail's ARN: `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`, the name 3 to 128 ASCII letters, digits,
 * `.`, `_` or `-`, starting and ending with a letter or digit. Tokens are left to CloudFormation.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#awscloudtrail-CreateTrail-request-Name
 */
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

/** Throws the library's validation error unless `value` is a trail ARN (or a token). */
export function checkTrailArn(where: string, value: unknown): void {
  checkArn(where, 'trailArn', value, TRAIL_ARN, 'a CloudTrail trail ARN, arn:<partition>:cloudtrail:<region>:<account>:trail/<name>');
}
