import { Annotations, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { busDeadLetterQueue } from './dead-letters';
import { EncryptedArchiveProps } from './props';
import { formatArn } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { ARCHIVE_FACTS } from '../services/events/archive-facts';

/** The warning id for an existing bus whose key and dead-letter queue the construct cannot set. */
export const EXISTING_EVENT_BUS_WARNING = 'cdk-encrypted-constructs:existing-event-bus';

/** The bus an archive archives, with its name and ARN known before deploy. */
export interface ArchivedBus {
  readonly eventBus: events.IEventBus;
  readonly eventBusName: string;
  /** Built from the name: the value of the `aws:events:event-bus:arn` encryption context. */
  readonly eventBusArn: string;
  /** The new bus's dead-letter queue; undefined for an existing bus. */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * A new custom bus with the key on its L1 and a dead-letter queue. Its name is fixed before deploy (the user's, or
 * derived from the construct path), so the key policy names its ARN without `Fn::GetAtt`.
 */
export function createEventBus(scope: Construct, props: EncryptedArchiveProps, key: kms.IKey, removalPolicy: RemovalPolicy): ArchivedBus {
  const eventBusName = props.eventBusName ?? deterministicName(scope, ARCHIVE_FACTS.busNameMaxLength);
  const eventBusArn = busArn(scope, eventBusName);
  const deadLetterQueue = busDeadLetterQueue(scope, { eventBusName, eventBusArn }, props.deadLetterQueue, removalPolicy);
  const eventBus = new events.EventBus(scope, 'EventBus', {
    eventBusName,
    description: 'EventBridge event bus encrypted with a customer managed KMS key and archived for replay (cdk-encrypted-constructs)',
    deadLetterQueue,
  });
  // Set on the L1: EventBus's `kmsKey` would add its own key statement next to ours.
  (eventBus.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier = key.keyArn;
  eventBus.applyRemovalPolicy(namedResourceRemovalPolicy(removalPolicy));
  return { eventBus, eventBusName, eventBusArn, deadLetterQueue };
}

/** An existing bus: its name and ARN (literals whenever they can be known), and a warning that it keeps its own encryption. */
export function adoptEventBus(scope: Construct, eventBus: events.IEventBus, key: kms.IKey): ArchivedBus {
  const eventBusName = existingBusName(scope, eventBus);
  const eventBusArn = Token.isUnresolved(eventBusName) ? eventBus.eventBusArn : busArn(scope, eventBusName);
  warnAboutExistingBus(scope, key, eventBus, eventBusName);
  return { eventBus, eventBusName, eventBusArn };
}

function busArn(scope: Construct, eventBusName: string): string {
  return formatArn(scope, { service: 'events', resource: 'event-bus', resourceName: eventBusName });
}

/**
 * The bus's name, a literal whenever it can be known: for a bus defined in this stack, the name on its L1 (its Ref
 * would tie the key policy to the bus); for an imported bus, the name it was imported with.
 */
function existingBusName(scope: Construct, bus: events.IEventBus): string {
  const cfn = bus.node.defaultChild;
  if (Resource.isOwnedResource(bus) && Stack.of(bus) === Stack.of(scope) && cfn instanceof events.CfnEventBus) {
    const name = Stack.of(scope).resolve(cfn.name);
    if (typeof name === 'string') return name;
  }
  return bus.eventBusName;
}

/** An existing bus keeps its own key and dead-letter queue: say so, unless it is in this stack and on this key. */
function warnAboutExistingBus(scope: Construct, key: kms.IKey, bus: events.IEventBus, busName: string): void {
  const stack = Stack.of(scope);
  const cfn = bus.node.defaultChild;
  const sameStack = Resource.isOwnedResource(bus) && Stack.of(bus) === stack && cfn instanceof events.CfnEventBus;
  if (sameStack) {
    const busKey = stack.resolve((cfn as events.CfnEventBus).kmsKeyIdentifier);
    if (busKey !== undefined && JSON.stringify(busKey) === JSON.stringify(stack.resolve(key.keyArn))) return;
  }
  const name = Token.isUnresolved(busName) ? '<bus name>' : busName;
  Annotations.of(scope).addWarningV2(EXISTING_EVENT_BUS_WARNING, [
    `The event bus ${name} was not created by this construct: its archive is encrypted with the key, but the bus keeps its own encryption and dead-letter queue.`,
    sameStack
      ? 'Set its KmsKeyIdentifier to this construct\'s encryptionKey (and a DeadLetterConfig), or acknowledge this warning if it is on purpose.'
      : `Encrypt it with the key and give it a dead-letter queue: aws events update-event-bus --name ${name} --kms-key-identifier <key ARN> --dead-letter-config Arn=<queue ARN>`,
  ].join('\n'));
}
