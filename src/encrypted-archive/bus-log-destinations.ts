import { Annotations, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { stackEnvironment } from '../internal/arns';
import { PropValidator } from '../internal/validation';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { FIREHOSE_CUSTOMER_MANAGED_KEY_TYPE, FIREHOSE_DIRECT_PUT } from '../services/firehose/encryption';
import { logGroupArn } from '../services/logs/arns';
import { bucketLogDeliveryStatements, FIREHOSE_LOG_DELIVERY_TAG, logDeliveryWriteStatement } from '../services/logs/delivery';
import { S3_KMS_ALGORITHMS } from '../services/s3/encryption';

/** The warning id for a bus log destination (log group, bucket) whose resource policy this app cannot edit. */
export const BUS_LOG_POLICY_NOT_MANAGED_WARNING = 'cdk-encrypted-constructs:bus-log-destination-policy-not-managed';

/** The statement id (prefix, for a bucket) the library adds to the resource policy of a log group or bucket given as a bus log destination. */
export const BUS_LOG_DELIVERY_SID = 'EncryptedArchiveBusLogDelivery';

/**
 * Where a bus's logs are delivered: a CloudWatch Logs log group, an S3 bucket or a Firehose stream, through CloudWatch
 * Logs' vended-log resources. Every destination is on a customer managed key that is not the bus key, so that the
 * records stay readable while the bus key is disabled.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-vended-logs-permissions-V2.html
 */
export class BusLogDestination {
  /**
   * A CloudWatch Logs log group.
   *
   * Without a group, the construct creates one (child `LogGroup`, `/aws/vendedlogs/events/event-bus/<bus name>`, on
   * `logging.encryptionKey` or the stack's dead-letter key, kept `logging.retention`): the default.
   *
   * A group of this app must have a `logGroupName` (its policies name it by its ARN, which it cannot reference itself)
   * and a customer managed key that is not the bus key: the key gets the CloudWatch Logs statement for this group, and
   * the group's own resource policy (`ResourcePolicyDocument`, merged with what is there) lets the log delivery service
   * write. For an imported group the construct cannot see its key, nor edit its policy: a warning
   * (`cdk-encrypted-constructs:bus-log-destination-policy-not-managed`) shows the statement its owner must add.
   *
   * @param logGroup the group, in the archive's account and region
   * @default - a new log group
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html
   */
  public static logGroup(logGroup?: logs.ILogGroup): BusLogDestination {
    return new BusLogDestination('logGroup', logGroup);
  }

  /**
   * An S3 bucket encrypted with SSE-KMS on a customer managed key that is not the bus key (an unencrypted, SSE-S3 or
   * `aws/s3` bucket of this app is refused). The bucket policy gets the statements CloudWatch Logs documents (writing
   * objects under `AWSLogs/<account>/`, reading the bucket's ACL), the bucket's key the statement that lets the log
   * delivery service generate data keys.
   * For an imported bucket, a warning shows the bucket-policy statement (and the key statement, when its key is
   * not known here) its owner must add.
   *
   * @param bucket the bucket, in the archive's account and region
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html
   */
  public static bucket(bucket: s3.IBucket): BusLogDestination {
    return new BusLogDestination('bucket', undefined, bucket);
  }

  /**
   * A Firehose stream that takes direct puts. The log delivery service puts records with its service-linked role
   * (`AWSServiceRoleForLogDelivery`), only on streams tagged `LogDeliveryEnabled=true`: a stream of this app gets the
   * tag. A stream encrypted with the bus key is refused; its key needs no statement (Firehose encrypts through its own
   * grant).
   *
   * @param deliveryStream the stream, in the archive's account and region
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-Firehose.html
   */
  public static firehose(deliveryStream: firehose.IDeliveryStream): BusLogDestination {
    return new BusLogDestination('firehose', undefined, undefined, deliveryStream);
  }

  /** The log group given, when `kind` is `logGroup` (undefined: a new one). @internal */
  public readonly _logGroup?: logs.ILogGroup;
  /** The bucket, when `kind` is `bucket`. @internal */
  public readonly _bucket?: s3.IBucket;
  /** The Firehose stream, when `kind` is `firehose`. @internal */
  public readonly _deliveryStream?: firehose.IDeliveryStream;

  private constructor(
    /** What the destination is: `logGroup`, `bucket` or `firehose`. */
    public readonly kind: string,
    logGroup?: logs.ILogGroup,
    bucket?: s3.IBucket,
    deliveryStream?: firehose.IDeliveryStream,
  ) {
    this._logGroup = logGroup;
    this._bucket = bucket;
    this._deliveryStream = deliveryStream;
  }
}

/** Whether the destination is the construct's own new log group. */
export function isNewLogGroup(destination: BusLogDestination | undefined): boolean {
  return destination === undefined || (destination.kind === 'logGroup' && destination._logGroup === undefined);
}

/** What the destination is, in words: `log group`, `bucket` or `Firehose stream`. */
export function destinationNoun(destination: BusLogDestination | undefined): string {
  return destination?.kind === 'bucket' ? 'bucket' : destination?.kind === 'firehose' ? 'Firehose stream' : 'log group';
}

const PROP = 'logging.destination';

/** Checks `logging.destination` (one entry each); `busKey` is the key the user gave the bus, if any. */
export function validateBusLogDestination(v: PropValidator, scope: IConstruct, destination: unknown, busKey: kms.IKey | undefined): void {
  if (destination === undefined) return;
  if (!(destination instanceof BusLogDestination)) {
    v.check(false, PROP, typeof destination, 'must be a BusLogDestination (BusLogDestination.logGroup(), .bucket(bucket) or .firehose(stream))', false);
    return;
  }
  const resource: (IConstruct & { env: { account: string; region: string } }) | undefined = destination._logGroup ?? destination._bucket ?? destination._deliveryStream;
  if (resource === undefined) {
    v.check(destination.kind === 'logGroup', PROP, `BusLogDestination.${destination.kind}(undefined)`, `must name the ${destination.kind === 'bucket' ? 'bucket' : 'stream'}`, false);
    return;
  }
  const stack = Stack.of(scope);
  const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
  // "Use PutDeliveryDestination to create a delivery destination in the same account of the actual delivery destination"
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestination.html
  v.check(!differs(resource.env.account, stack.account) && !differs(resource.env.region, stack.region), PROP, `${resource.node.path} in ${resource.env.account}/${resource.env.region}`,
    `must be in the archive's account and region (${stack.account}/${stack.region}): the delivery destination is created here, in the account of the resource it names`, false);
  const onBusKey = (key: kms.IKey | string | undefined) => key !== undefined && busKey !== undefined && sameKey(scope, key, busKey);
  const notBusKey = 'must not be encrypted with the bus key (encryptionKey): the records must stay readable while the bus key is disabled; use another key';
  if (destination._logGroup) {
    const group = destination._logGroup;
    const cfn = ownL1(group, logs.CfnLogGroup);
    v.check(typeof logGroupNameOf(group) === 'string', PROP, group.node.path,
      'must have a logGroupName: its resource policy and its key\'s policy name it by its ARN, which the group cannot reference itself', false);
    if (cfn) {
      v.check(cfn.kmsKeyId !== undefined, PROP, `${group.node.path} without a key`,
        'must be encrypted with a customer managed key (encryptionKey): the construct delivers the bus\'s logs only to destinations on customer managed keys', false);
      v.check(!onBusKey(cfn.kmsKeyId), PROP, `${group.node.path} on the bus key`, notBusKey, false);
    }
  } else if (destination._bucket) {
    const bucket = destination._bucket;
    const cfn = ownL1(bucket, s3.CfnBucket);
    if (cfn) {
      const sse = bucketDefaultEncryption(cfn);
      v.check(sse !== undefined && S3_KMS_ALGORITHMS.includes(sse.sseAlgorithm), PROP, `${bucket.node.path} ${sse ? `with ${sse.sseAlgorithm}` : 'without default encryption'}`,
        'must be encrypted with SSE-KMS on a customer managed key (encryption: BucketEncryption.KMS, encryptionKey)', false);
      v.check(sse === undefined || !S3_KMS_ALGORITHMS.includes(sse.sseAlgorithm) || sse.kmsMasterKeyId !== undefined, PROP, `${bucket.node.path} on the AWS managed key aws/s3`,
        'must be encrypted with a customer managed key: the policy of the AWS managed key cannot let the log delivery service use it', false);
    }
    v.check(!onBusKey(bucket.encryptionKey) && !onBusKey(cfn && bucketDefaultEncryption(cfn)?.kmsMasterKeyId), PROP, `${bucket.node.path} on the bus key`, notBusKey, false);
  } else if (destination._deliveryStream) {
    const stream = destination._deliveryStream;
    const cfn = ownL1(stream, firehose.CfnDeliveryStream);
    if (cfn) {
      const type = Stack.of(cfn).resolve(cfn.deliveryStreamType);
      v.check(type === undefined || typeof type !== 'string' || type === FIREHOSE_DIRECT_PUT, PROP, `${stream.node.path} of type ${type}`,
        `must be a ${FIREHOSE_DIRECT_PUT} stream: a stream that reads from another source refuses PutRecord`, false);
      v.check(!onBusKey(streamKeyArn(cfn)), PROP, `${stream.node.path} on the bus key`, notBusKey, false);
    }
  }
}

/** What a destination other than the construct's new log group resolves to. */
export interface BoundBusLogDestination {
  /** The ARN the delivery destination names. */
  readonly destinationArn: string;
  /** What the delivery destination must be created after. */
  readonly dependencies: IConstruct[];
  /** The log group, when the destination is one. */
  readonly logGroup?: logs.ILogGroup;
}

/**
 * Makes a user's destination receive the bus's logs: its resource policy (or a warning with the statement), its key's
 * statement (or the `key-policy-statements-required` warning), the Firehose tag. Validated before (validateBusLogDestination).
 */
export function bindBusLogDestination(scope: Construct, destination: BusLogDestination, purpose: string): BoundBusLogDestination {
  if (destination._logGroup) return bindLogGroup(scope, destination._logGroup, purpose);
  if (destination._bucket) return bindBucket(scope, destination._bucket, purpose);
  const stream = destination._deliveryStream!;
  const cfn = ownL1(stream, firehose.CfnDeliveryStream);
  // a high priority: an app-wide Tags.of(app).add('LogDeliveryEnabled', ...) of default priority does not override it
  cfn?.tags.setTag(FIREHOSE_LOG_DELIVERY_TAG.key, FIREHOSE_LOG_DELIVERY_TAG.value, 1000);
  return { destinationArn: stream.deliveryStreamArn, dependencies: [] };
}

/** The group's own resource policy and its key's CloudWatch Logs statement. */
function bindLogGroup(scope: Construct, group: logs.ILogGroup, purpose: string): BoundBusLogDestination {
  const arn = logGroupArn(group, logGroupNameOf(group) as string);
  const env = stackEnvironment(group);
  const statement = logDeliveryWriteStatement({ ...env, logGroupArn: arn, sid: BUS_LOG_DELIVERY_SID });
  if (!addToLogGroupPolicy(group, statement)) warnPolicyNotManaged(scope, `The log group ${arn}`, [statement], purpose);
  const cfn = ownL1(group, logs.CfnLogGroup);
  const key = cfn?.kmsKeyId !== undefined ? keyOf(scope, cfn.kmsKeyId, 'LogDestinationKey') : undefined;
  if (key) addKeyStatements(scope, key, [KeyPolicyStatements.logGroup({ ...env, logGroupArn: arn })], purpose);
  return { destinationArn: arn, dependencies: cfn ? [group] : [], logGroup: group };
}

/** The bucket policy statement and the bucket key's statement. */
function bindBucket(scope: Construct, bucket: s3.IBucket, purpose: string): BoundBusLogDestination {
  const env = stackEnvironment(bucket);
  const cfn = ownL1(bucket, s3.CfnBucket);
  // an imported bucket's ARN as a literal where its name is one (aws-cdk-lib builds it with the partition's token)
  const name = Stack.of(bucket).resolve(bucket.bucketName);
  const bucketArn = !cfn && typeof name === 'string' ? `arn:${env.partition}:s3:::${name}` : bucket.bucketArn;
  const statements = bucketLogDeliveryStatements({ ...env, bucketArn, sidPrefix: BUS_LOG_DELIVERY_SID });
  const keyStatement = KeyPolicyStatements.logDeliveryToBucket(env);
  const keyId = cfn ? bucketDefaultEncryption(cfn)?.kmsMasterKeyId : undefined;
  const key = bucket.encryptionKey ?? (keyId !== undefined ? keyOf(scope, keyId, 'LogDestinationKey') : undefined);
  if (key) addKeyStatements(scope, key, [keyStatement], purpose);
  const managed = addOnce(bucket, () => statements.every(statement => bucket.addToResourcePolicy(statement).statementAdded));
  if (!managed) {
    // an imported bucket whose key is not known here: the key statement goes with the bucket's, for a key it may have
    warnPolicyNotManaged(scope, `The bucket ${JSON.stringify(Stack.of(scope).resolve(bucketArn))}`, key ? statements : [...statements, keyStatement], purpose,
      key ? undefined : 'The last statement belongs in the policy of the bucket\'s customer managed key (SSE-KMS), if it has one.');
  }
  return { destinationArn: bucketArn, dependencies: bucket.policy ? [bucket.policy] : [] };
}

const added = new WeakMap<IConstruct, boolean>();

/** Runs `add` once per resource (every archive logging to it needs the one statement), remembering whether it took. */
function addOnce(resource: IConstruct, add: () => boolean): boolean {
  if (!added.has(resource)) added.set(resource, add());
  return added.get(resource)!;
}

/**
 * Adds the statement to the group's own resource policy (`ResourcePolicyDocument`), merged with what is there: only
 * for a `logs.LogGroup` of this app whose policy is a document or absent (not a token).
 */
function addToLogGroupPolicy(group: logs.ILogGroup, statement: iam.PolicyStatement): boolean {
  const cfn = ownL1(group, logs.CfnLogGroup);
  if (!cfn) return false;
  return addOnce(group, () => {
    const current = cfn.resourcePolicyDocument;
    if (current === undefined) {
      cfn.resourcePolicyDocument = new iam.PolicyDocument({ statements: [statement] });
    } else if (current instanceof iam.PolicyDocument) {
      current.addStatements(statement);
    } else if (typeof current === 'object' && !Token.isUnresolved(current) && current.Statement !== undefined) {
      const statements = Array.isArray(current.Statement) ? current.Statement : [current.Statement];
      cfn.resourcePolicyDocument = { ...current, Statement: [...statements, statement.toStatementJson()] };
    } else {
      return false;
    }
    return true;
  });
}

/** A followable warning: the resource's owner must add these statements. */
function warnPolicyNotManaged(scope: IConstruct, what: string, statements: iam.PolicyStatement[], purpose: string, note?: string): void {
  const stack = Stack.of(scope);
  Annotations.of(scope).addWarningV2(BUS_LOG_POLICY_NOT_MANAGED_WARNING, [
    `${what} is not defined in this app, so its policy cannot be edited here.`,
    `Its owner must add ${statements.length > 1 ? 'these statements' : 'this statement'}, or the log delivery service cannot write ${purpose}:`,
    ...statements.map(s => JSON.stringify(stack.resolve(s.toStatementJson()), undefined, 2)),
    ...(note ? [note] : []),
  ].join('\n'));
}

/** The resource's L1 when it is a resource this app defines (not imported). */
function ownL1<T>(resource: IConstruct, type: new (...args: any[]) => T): T | undefined {
  const cfn = resource.node.defaultChild;
  return resource instanceof Resource && Resource.isOwnedResource(resource) && cfn instanceof type ? cfn : undefined;
}

/** The group's name as a literal, or undefined when it is known only at deploy time. */
function logGroupNameOf(group: logs.ILogGroup): string | undefined {
  const cfn = ownL1(group, logs.CfnLogGroup);
  const name = Stack.of(group).resolve(cfn ? cfn.logGroupName : group.logGroupName);
  return typeof name === 'string' ? name : undefined;
}

/** The bucket's default encryption (the first rule), as CloudFormation will see it. */
function bucketDefaultEncryption(cfn: s3.CfnBucket): { sseAlgorithm: string; kmsMasterKeyId?: string } | undefined {
  const encryption = Stack.of(cfn).resolve(cfn.bucketEncryption);
  const rule = encryption?.serverSideEncryptionConfiguration?.[0]?.serverSideEncryptionByDefault;
  if (!rule) return undefined;
  // the key as the L1 holds it (a token of the key's ARN rather than its resolved form), when it is held as plain data
  const raw = (cfn.bucketEncryption as s3.CfnBucket.BucketEncryptionProperty | undefined)?.serverSideEncryptionConfiguration;
  const rawRule = Array.isArray(raw) ? (raw[0] as s3.CfnBucket.ServerSideEncryptionRuleProperty | undefined)?.serverSideEncryptionByDefault : undefined;
  const kmsMasterKeyId = (rawRule as s3.CfnBucket.ServerSideEncryptionByDefaultProperty | undefined)?.kmsMasterKeyId ?? rule.kmsMasterKeyId;
  return { sseAlgorithm: rule.sseAlgorithm, kmsMasterKeyId: typeof kmsMasterKeyId === 'string' ? kmsMasterKeyId : undefined };
}

/** The stream's customer managed key, as its L1 names it. */
function streamKeyArn(cfn: firehose.CfnDeliveryStream): string | undefined {
  const input = cfn.deliveryStreamEncryptionConfigurationInput as firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty | undefined;
  return input?.keyType === FIREHOSE_CUSTOMER_MANAGED_KEY_TYPE ? input.keyArn : undefined;
}

/** Whether a key (object, or ARN/id as an L1 holds it) is the bus key. */
function sameKey(scope: IConstruct, key: kms.IKey | string, busKey: kms.IKey): boolean {
  if (typeof key !== 'string') return key === busKey;
  const stack = Stack.of(scope);
  const wanted = JSON.stringify(stack.resolve(key));
  return [busKey.keyArn, busKey.keyId].some(name => JSON.stringify(stack.resolve(name)) === wanted);
}

/**
 * The key object an L1 names by ARN or id: a key of this app, else the ARN imported (so that its statements go into a
 * `key-policy-statements-required` warning); undefined for a key id or alias this app does not define.
 */
function keyOf(scope: Construct, keyRef: string, id: string): kms.IKey | undefined {
  const stack = Stack.of(scope);
  const wanted = JSON.stringify(stack.resolve(keyRef));
  const found = scope.node.root.node.findAll().find((c): c is kms.Key => c instanceof kms.Key
    && [c.keyArn, c.keyId].some(name => JSON.stringify(stack.resolve(name)) === wanted));
  if (found) return found;
  if (!Token.isUnresolved(keyRef) && !keyRef.startsWith('arn:')) return undefined;
  return scope.node.tryFindChild(id) as kms.IKey | undefined ?? kms.Key.fromKeyArn(scope, id, keyRef);
}
