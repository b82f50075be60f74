import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
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
import { accountKey, registerTrail, topLevelStack, trailsOf } from './trail-registry';
import { createTrailStorage, TrailStorage } from './trail-storage';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { PropValidationError, PropValidator } from '../internal/validation';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { checkLogRetention } from '../services/logs/retention';

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
   * How long the trail's CloudWatch Logs copy is kept: one of the periods CloudWatch Logs offers (`logs.RetentionDays`).
   *
   * @default logs.RetentionDays.ONE_YEAR
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
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
    if (found) return found as KeyAuditTrail;
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
    validateKeyAuditTrailProps(this, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.multiRegion = props.multiRegion ?? true;
    const trailName = deterministicName(this, 128);
    this.trailArn = formatArn(this, { service: 'cloudtrail', resource: 'trail', resourceName: trailName });

    // key: one that protects the trail only
    this.encryptionKey = new EncryptionKey(this, 'Key', { protects: 'the CloudTrail audit trail of KMS keys', removalPolicy });
    addKeyStatements(this, this.encryptionKey, KeyPolicyStatements.cloudTrail({ ...stackEnvironment(this), trailArn: this.trailArn }), 'the audit trail');

    // resources: where the trail delivers, then the trail
    const storage = createTrailStorage(this, { key: this.encryptionKey, trailName, removalPolicy, logRetention: props.logRetention, multiRegion: this.multiRegion });
    this.accessLogsBucket = storage.accessLogsBucket;
    this.bucket = storage.bucket;
    this.logGroup = storage.logGroup;
    this.trail = this.createTrail(trailName, storage);

    // alarms: the key-tampering alert of this stack, like every other stack's: its own topic key and the stack's
    // dead-letter key, so that the trail's key protects the trail only (an alert about the trail's key must not need it)
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

  /** The trail, delivering to the bucket (only this trail may write there) and to the log group through the logs role. */
  private createTrail(trailName: string, storage: TrailStorage): cloudtrail.Trail {
    const trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      bucket: storage.bucket,
      encryptionKey: this.encryptionKey,
      enableFileValidation: true,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: this.multiRegion,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: false,
    });
    // CDK's Trail lets cloudtrail.amazonaws.com write to the bucket without naming the trail: only this trail may.
    // "The value of aws:SourceArn is always the ARN of the trail ... that is using the bucket to store logs."
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    storage.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyThisTrailWrites',
      effect: iam.Effect.DENY,
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [storage.bucket.arnForObjects('*')],
      conditions: { StringNotEquals: { 'aws:SourceArn': this.trailArn } },
    }));
    const cfnTrail = trail.node.defaultChild as cloudtrail.CfnTrail;
    cfnTrail.cloudWatchLogsLogGroupArn = storage.logGroup.logGroupArn;
    cfnTrail.cloudWatchLogsRoleArn = storage.logsRole.roleArn;
    cfnTrail.node.addDependency(storage.logsPolicy);
    return trail;
  }
}

/**
 * The trail's props from any caller: an object, no null, a log retention CloudWatch Logs offers (a value it does not
 * offer fails the deploy of the log group).
 */
function validateKeyAuditTrailProps(scope: Construct, props: KeyAuditTrailProps): void {
  const v = new PropValidator(scope);
  if (!v.props(props, {})) v.throwIfInvalid();
  checkLogRetention(v, 'logRetention', props.logRetention);
  v.throwIfInvalid();
}
