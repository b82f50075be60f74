import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { PropValidationError } from '../internal/validation';
import { KEY_FACTS } from '../services/kms/keys';

/**
 * What the archive's rules read of aws-cdk-lib's rule targets and of the resources they deliver to: the options a
 * target was built with, its resource, and the key that resource is encrypted with.
 */

/** A resource's key: the customer managed key object, or the alias of the AWS managed key it names. */
export interface FoundKey {
  readonly key?: kms.IKey;
  readonly awsManaged?: string;
}

export function queueKey(queue: sqs.IQueue): FoundKey {
  const cfn = queue.node.defaultChild;
  return keyOf(queue, queue.encryptionMasterKey, cfn instanceof sqs.CfnQueue ? cfn.kmsMasterKeyId : undefined);
}

export function topicKey(topic: sns.ITopic): FoundKey {
  const cfn = topic.node.defaultChild;
  return keyOf(topic, topic.masterKey, cfn instanceof sns.CfnTopic ? cfn.kmsMasterKeyId : undefined);
}

/**
 * The key object, and whether it (or the key id on the L1, e.g. `alias/aws/sqs` for `QueueEncryption.KMS_MANAGED`,
 * whose queue has no key object) names an AWS managed key by its `alias/aws/<service>` alias or alias ARN. An AWS
 * managed key named by its key id cannot be recognised here (docs/known-limits.md).
 */
export function keyOf(scope: IConstruct, key: kms.IKey | undefined, cfnKeyId: string | undefined): FoundKey {
  const stack = Stack.of(scope);
  const names = key ? [(key as Partial<kms.IAlias>).aliasName, key.keyArn, key.keyId] : [cfnKeyId];
  for (const name of names) {
    if (name === undefined) continue;
    const text = JSON.stringify(stack.resolve(name));
    const alias = /alias\/aws\/[A-Za-z0-9/_-]+/.exec(text);
    if (alias && KEY_FACTS.awsManagedAlias.test(alias[0])) return { key, awsManaged: alias[0] };
  }
  return { key };
}

/**
 * The options an aws-cdk-lib target was built with (its `deadLetterQueue`, `message`, retry policy, ...). aws-cdk-lib
 * keeps them in the target's private field `props`; when a version renames it, the construct fails at synth rather
 * than binding the target without them (and tests/encrypted-archive/rules.test.ts fails first).
 */
export function optionsOf<T>(target: object, name: string): T {
  const options = (target as { props?: unknown }).props;
  if (typeof options !== 'object' || options === null) {
    throw new PropValidationError(`cdk-encrypted-constructs cannot read the options of this aws-cdk-lib ${name} target (its private field "props" is missing); `
      + 'this version of aws-cdk-lib is not supported by EncryptedArchive.addRule');
  }
  return options as T;
}

/** Whether an SNS target publishes with a role (aws-cdk-lib binds it: the role, not EventBridge's principal, uses the key). */
export function usesRole(target: targets.SnsTopic): boolean {
  const options = optionsOf<targets.SnsTopicProps>(target, 'SnsTopic');
  return options.authorizeUsingRole === true || options.role !== undefined;
}

/**
 * The dead-letter queue a target names by ARN: the one in the options of aws-cdk-lib's targets, else a queue of the app
 * with that ARN.
 */
export function deadLetterQueueOf(rule: events.Rule, target: events.IRuleTarget, arn: string): sqs.IQueue | undefined {
  const given = (target as { props?: { deadLetterQueue?: sqs.IQueue } }).props?.deadLetterQueue;
  if (given && given.queueArn === arn) return given;
  return rule.node.root.node.findAll().find((c): c is sqs.QueueBase => c instanceof sqs.QueueBase && c.queueArn === arn);
}


/**
 * The resource an aws-cdk-lib target delivers to when it keeps it in a private field (`KinesisStream.stream`,
 * `FirehoseDeliveryStream.deliveryStream`, `EventBus.eventBus`, ...); a renamed field fails at synth, like
 * {@link optionsOf}.
 */
export function resourceOf<T>(target: object, field: string, name: string): T {
  const resource = (target as Record<string, unknown>)[field];
  if (typeof resource !== 'object' || resource === null) {
    throw new PropValidationError(`cdk-encrypted-constructs cannot read the resource of this aws-cdk-lib ${name} target (its private field "${field}" is missing); `
      + 'this version of aws-cdk-lib is not supported by EncryptedArchive.addRule');
  }
  return resource as T;
}
