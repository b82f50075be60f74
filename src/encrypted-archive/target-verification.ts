import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { TargetDelivery } from './target-delivery';
import { EncryptionKey } from '../key/encryption-key';
import { EncryptionVerification } from '../verifier/encryption-verification';
import { VerifiedResource } from '../verifier/verified-resource';

/**
 * The deploy-time check of a target bus of an archive rule: `events:DescribeEventBus` must name the key the bus was
 * defined with (`src/services/events/check.ts`). One `EncryptionVerification` per target bus, under the rule
 * (`<rule>/TargetVerification<n>`), on the bus's own key, not the archive's.
 *
 * Checked: an `events.EventBus` of the rule's stack whose `KmsKeyIdentifier` is a `kms.Key` of that stack. Not checked
 * (nothing to compare, or checked elsewhere): an imported bus (its key is not known here), a bus on an AWS owned key
 * (no `KmsKeyIdentifier`), a bus on a key this app does not define, and the bus of an `EncryptedArchive` (its own
 * verification checks it). Queue, topic and stream targets are not checked: the verifier has no SQS, SNS or Kinesis
 * client (docs/verifier.md).
 *
 * Key rotation is checked only on the library's `EncryptionKey` (rotation on by construction); another key's rotation
 * is its owner's.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html
 */
export function verifyTargetBus(delivery: TargetDelivery, bus: events.IEventBus): void {
  if (!delivery.owner.verify || !(bus instanceof events.EventBus)) return;
  // the bus of an EncryptedArchive sits beside that archive's verification
  if (bus.node.scope?.node.tryFindChild('Verification') instanceof EncryptionVerification) return;
  const rule = delivery.owner.rule;
  const stack = Stack.of(rule);
  if (Stack.of(bus) !== stack) return;
  const keyId = (bus.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier;
  if (keyId === undefined) return;
  const wanted = JSON.stringify(stack.resolve(keyId));
  const key = stack.node.findAll().find((c): c is kms.Key => c instanceof kms.Key
    && [c.keyArn, c.keyId].some(name => JSON.stringify(stack.resolve(name)) === wanted));
  if (!key) return;
  let n = 1;
  while (rule.node.tryFindChild(`TargetVerification${n}`)) n += 1;
  new EncryptionVerification(rule, `TargetVerification${n}`, {
    key,
    resources: [VerifiedResource.eventBus(bus.eventBusName, bus.eventBusArn, bus)],
    checkRotation: key instanceof EncryptionKey,
  });
}
