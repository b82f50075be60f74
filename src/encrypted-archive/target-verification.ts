import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import type { TargetDelivery } from './target-delivery';
import { EncryptionKey } from '../key/encryption-key';
import { EncryptionVerification } from '../verifier/encryption-verification';
import { VerifiedResource } from '../verifier/verified-resource';

/**
 * The deploy-time check of the resources an archive rule delivers to: each must name, through its service's read-only
 * API, the key it was defined with (`src/services/<service>/check.ts`):
 *
 * - a target queue and every target's dead-letter queue: `sqs:GetQueueAttributes`, `KmsMasterKeyId`;
 * - a target topic: `sns:GetTopicAttributes`, `KmsMasterKeyId`;
 * - a target stream: `kinesis:DescribeStreamSummary`, `EncryptionType` KMS and `KeyId`;
 * - a target bus: `events:DescribeEventBus`, `KmsKeyIdentifier`.
 *
 * ONE `EncryptionVerification` per distinct key under the rule (`<rule>/TargetVerification<n>`, numbered in the order
 * the keys first appear), on that key, not the archive's: every resource of the rule on that key is checked in it, each
 * once, whichever target brought it (targets added later with `addTarget` join it).
 *
 * Checked: a `sqs.Queue`, `sns.Topic`, `kinesis.Stream` or `events.EventBus` of the rule's stack whose key is a
 * `kms.Key` of that stack. Not checked (nothing to compare, or checked elsewhere): an imported resource (its key is not
 * known here), one on an AWS owned or AWS managed key or SSE-SQS (no key object), one whose key is an alias or a key
 * this app does not define or defines in another stack, and the resources of a construct that carries its own
 * verification (the bus and dead-letter queue of an `EncryptedArchive`). A Firehose stream is not checked: the rule's
 * binding never looks at its key (Firehose encrypts with the grant it creates at stream creation, not with its
 * producers' permissions).
 *
 * Key rotation is checked only on the library's `EncryptionKey` (rotation on by construction); another key's rotation
 * is its owner's.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html
 * @see https://docs.aws.amazon.com/firehose/latest/APIReference/API_DeliveryStreamEncryptionConfigurationInput.html
 */
export function verifyTarget(delivery: TargetDelivery, resource: IConstruct): void {
  if (!delivery.owner.verify) return;
  const rule = delivery.owner.rule;
  const stack = Stack.of(rule);
  if (Stack.of(resource) !== stack) return;
  // a construct with its own verification (an EncryptedArchive's bus and dead-letter queue) checks its resources itself
  if (resource.node.scope?.node.tryFindChild('Verification') instanceof EncryptionVerification) return;
  const key = stackKey(stack, keyOf(resource));
  if (!key) return;
  const byKey = verifications.get(rule) ?? new Map<kms.Key, KeyVerification>();
  verifications.set(rule, byKey);
  const existing = byKey.get(key);
  // a dead-letter queue shared by several targets is checked once
  if (existing?.checked.has(resource)) return;
  const verified = verifiedResource(resource);
  if (!verified) return;
  if (existing) {
    existing.checked.add(resource);
    existing.verification.addResource(verified);
    return;
  }
  let n = 1;
  while (rule.node.tryFindChild(`TargetVerification${n}`)) n += 1;
  const verification = new EncryptionVerification(rule, `TargetVerification${n}`, {
    key,
    resources: [verified],
    checkRotation: key instanceof EncryptionKey,
  });
  byKey.set(key, { verification, checked: new Set([resource]) });
}

/** The verification of one key under a rule, and the resources already in it. */
interface KeyVerification {
  readonly verification: EncryptionVerification;
  readonly checked: Set<IConstruct>;
}

/** Per rule, the verification of each key its resources are on. */
const verifications = new WeakMap<events.Rule, Map<kms.Key, KeyVerification>>();

/**
 * The key a resource of this app was defined with: its key object, or a bus's `KmsKeyIdentifier`; undefined for an
 * imported resource (another class) or one without a key object.
 */
function keyOf(resource: IConstruct): kms.IKey | string | undefined {
  if (resource instanceof sqs.Queue) return resource.encryptionMasterKey;
  if (resource instanceof sns.Topic) return resource.masterKey;
  if (resource instanceof kinesis.Stream) return resource.encryptionKey;
  if (resource instanceof events.EventBus) return (resource.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier;
  return undefined;
}

/** What the verifier reads of a queue, topic, stream or bus, waiting for it. */
function verifiedResource(resource: IConstruct): VerifiedResource | undefined {
  if (resource instanceof sqs.Queue) return VerifiedResource.queue(resource.queueUrl, resource.queueArn, resource);
  if (resource instanceof sns.Topic) return VerifiedResource.topic(resource.topicArn, resource);
  if (resource instanceof kinesis.Stream) return VerifiedResource.stream(resource.streamArn, resource);
  if (resource instanceof events.EventBus) return VerifiedResource.eventBus(resource.eventBusName, resource.eventBusArn, resource);
  return undefined;
}

/** The `kms.Key` of the stack a key object is, or a key identifier names (by the key's ARN or id); else undefined. */
function stackKey(stack: Stack, key: kms.IKey | string | undefined): kms.Key | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'string') return key instanceof kms.Key && Stack.of(key) === stack ? key : undefined;
  const wanted = JSON.stringify(stack.resolve(key));
  return stack.node.findAll().find((c): c is kms.Key => c instanceof kms.Key
    && [c.keyArn, c.keyId].some(name => JSON.stringify(stack.resolve(name)) === wanted));
}
