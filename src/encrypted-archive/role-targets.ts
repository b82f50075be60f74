import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { TargetDelivery } from './target-delivery';
import { keyOf, optionsOf, resourceOf } from './target-inspection';
import { verifyTarget } from './target-verification';
import { watchChannelKey } from '../audit/audit-key';
import { formatArn, stackEnvironment } from '../internal/arns';
import { streamProducerConditions, streamProducerStatement } from '../services/kinesis/statements';

/** The id of the role (child of the rule) EventBridge assumes for the rule's Kinesis, Firehose and event-bus targets. */
export const TARGET_ROLE_ID = 'TargetRole';
/** The id of that role's customer managed policy (child of the rule). */
export const TARGET_POLICY_ID = 'TargetRolePolicy';

/**
 * A Kinesis stream (`targets.KinesisStream`): EventBridge puts records with the rule's target role, which may
 * `kinesis:PutRecord` on this stream and, on a customer managed key, `kms:GenerateDataKey` through Kinesis under this
 * stream's encryption context, in its IAM policy and in the key policy ("ensure that your Kinesis stream producers ...
 * are users in the KMS master key policy"). aws-cdk-lib's `KinesisStream` would instead share one role per stream with an
 * inline policy granting `kms:Encrypt`, `kms:ReEncrypt*` and `kms:GenerateDataKey*` without conditions. A stream on the
 * AWS managed key `alias/aws/kinesis` needs nothing more: "The use of the default service key for encryption does not
 * require application of custom IAM permissions".
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-target-permissions
 * @see https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 */
export function kinesisTarget(delivery: TargetDelivery, target: targets.KinesisStream): events.IRuleTarget {
  const stream = resourceOf<kinesis.IStream>(target, 'stream', 'KinesisStream');
  const options = optionsOf<targets.KinesisStreamProps>(target, 'KinesisStream');
  return delivery.bindOnce(target, () => {
    delivery.checkEnvironment('target', stream);
    const key = delivery.checkKey('target', stream, streamKey(stream), { awsManagedAllowed: true });
    const role = targetRole(delivery);
    const statements = [new iam.PolicyStatement({ actions: ['kinesis:PutRecord'], resources: [stream.streamArn] })];
    if (key) {
      const environment = stackEnvironment(delivery.owner.rule);
      statements.push(new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: streamProducerConditions({ ...environment, streamArn: stream.streamArn }),
      }));
      // The key policy names the stream by a built ARN: the stream's Fn::GetAtt would make a key ↔ stream cycle.
      delivery.keyStatements(key, [streamProducerStatement({ ...environment, principals: [role], streamArn: streamArnForKeyPolicy(stream) })],
        `the rule ${delivery.owner.rule.node.path} putting records on the stream ${stream.node.path}`);
      watchChannelKey(delivery.owner.rule, key);
    }
    allow(role, statements);
    verifyTarget(delivery, stream);
    delivery.deadLetters(options.deadLetterQueue, stream, key, true);
    return {
      ...targets.bindBaseTargetConfig(options),
      arn: stream.streamArn,
      role,
      input: options.message,
      targetResource: stream,
      kinesisParameters: options.partitionKeyPath ? { partitionKeyPath: options.partitionKeyPath } : undefined,
    };
  });
}

/**
 * A Firehose stream (`targets.FirehoseDeliveryStream`, or the deprecated `KinesisFirehoseStreamV2`): EventBridge puts
 * records with the rule's target role, which may `firehose:PutRecord` and `firehose:PutRecordBatch` on this stream
 * (aws-cdk-lib's actions). No key statement: a Firehose stream on a customer managed key is encrypted by Firehose
 * through the grant it creates on the key when the stream is created, not by its producers.
 *
 * @see https://docs.aws.amazon.com/firehose/latest/APIReference/API_DeliveryStreamEncryptionConfigurationInput.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-target-permissions
 */
export function firehoseTarget(delivery: TargetDelivery, target: targets.FirehoseDeliveryStream | targets.KinesisFirehoseStreamV2): events.IRuleTarget {
  const legacy = target instanceof targets.KinesisFirehoseStreamV2;
  const stream = resourceOf<targets.IDeliveryStream>(target, legacy ? 'stream' : 'deliveryStream', legacy ? 'KinesisFirehoseStreamV2' : 'FirehoseDeliveryStream');
  const options = optionsOf<targets.FirehoseDeliveryStreamProps>(target, legacy ? 'KinesisFirehoseStreamV2' : 'FirehoseDeliveryStream');
  return delivery.bindOnce(target, () => {
    delivery.checkEnvironment('target', stream);
    const role = targetRole(delivery);
    allow(role, [new iam.PolicyStatement({ actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [stream.deliveryStreamArn] })]);
    return { arn: stream.deliveryStreamArn, role, input: options.message, targetResource: stream };
  });
}

/**
 * Another event bus (`targets.EventBus` without a role of the user's): EventBridge puts the events on it with the rule's
 * target role, which may `events:PutEvents` on that bus only. The target bus encrypts them under its own key, whose
 * policy is that bus's concern (an `EncryptedArchive` bus lets EventBridge use it for itself). Its dead-letter queue gets
 * the queue and key statements of every target's.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-bus-to-bus.html
 */
export function eventBusTarget(delivery: TargetDelivery, target: targets.EventBus): events.IRuleTarget {
  const bus = resourceOf<events.IEventBus>(target, 'eventBus', 'EventBus');
  const options = optionsOf<targets.EventBusProps>(target, 'EventBus');
  return delivery.bindOnce(target, () => {
    const role = targetRole(delivery);
    allow(role, [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] })]);
    delivery.deadLetters(options.deadLetterQueue, bus, undefined, true);
    verifyTarget(delivery, bus);
    return { arn: bus.eventBusArn, role, deadLetterConfig: options.deadLetterQueue ? { arn: options.deadLetterQueue.queueArn } : undefined };
  });
}

/**
 * The role EventBridge assumes for the rule's role-based targets: one per rule (`<rule>/TargetRole`), created on first
 * need, with ONE customer managed policy (`<rule>/TargetRolePolicy`) that grows by each target's statements (cdk-nag's
 * HIPAA, NIST and PCI packs reject inline policies). Its trust policy checks `aws:SourceAccount` and `aws:SourceArn` (this
 * rule) only when EventBridge presents them: EventBridge's confused-deputy page documents both keys for rule targets,
 * with the rule ARN, but not that they are sent when it assumes a target's role, and a condition on a key that is not
 * sent would stop every delivery.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
 */
function targetRole(delivery: TargetDelivery): iam.Role {
  const rule = delivery.owner.rule;
  const existing = rule.node.tryFindChild(TARGET_ROLE_ID);
  if (existing instanceof iam.Role) return existing;
  const role = new iam.Role(rule, TARGET_ROLE_ID, {
    description: `EventBridge delivers the events of the rule ${rule.node.path} to its targets (cdk-encrypted-constructs)`,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
      StringEqualsIfExists: { 'aws:SourceAccount': stackEnvironment(rule).account },
      ArnEqualsIfExists: { 'aws:SourceArn': delivery.owner.ruleArn },
    }),
  });
  new iam.ManagedPolicy(rule, TARGET_POLICY_ID, {
    description: `What EventBridge may do for the targets of the rule ${rule.node.path}, and nothing else`,
    roles: [role],
  });
  return role;
}

/** Adds statements to the rule's target policy. */
function allow(role: iam.Role, statements: iam.PolicyStatement[]): void {
  const policy = role.node.scope!.node.findChild(TARGET_POLICY_ID) as iam.ManagedPolicy;
  policy.addStatements(...statements);
}

/** A stream's customer managed key, or the AWS managed key it names (`StreamEncryption.MANAGED`: `alias/aws/kinesis`). */
function streamKey(stream: kinesis.IStream) {
  const cfn = stream.node.defaultChild;
  const encryption = cfn instanceof kinesis.CfnStream ? Stack.of(stream).resolve(cfn.streamEncryption) : undefined;
  return keyOf(stream, stream.encryptionKey, encryption?.keyId);
}

/**
 * The stream's ARN as a key policy may name it: built from its name when the name is known before deploy, else every
 * stream of the account and region (the principal is still the rule's role alone, through Kinesis).
 */
function streamArnForKeyPolicy(stream: kinesis.IStream): string {
  const cfn = stream.node.defaultChild;
  if (!(cfn instanceof kinesis.CfnStream)) return stream.streamArn;
  const name = Stack.of(stream).resolve(cfn.name);
  return formatArn(stream, { service: 'kinesis', resource: 'stream', resourceName: typeof name === 'string' ? name : '*' });
}
