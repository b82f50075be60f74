import { Annotations, Stack, Tags, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { isPolicyEditable } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { CONNECTION_FACTS } from '../services/events/connection-facts';

/** The warning id for a key whose `EventBridgeApiDestinations=true` tag the construct cannot see. */
export const API_DESTINATIONS_TAG_WARNING = 'cdk-encrypted-constructs:api-destinations-tag';

/**
 * EventBridge uses a key for a connection only when it carries the tag `EventBridgeApiDestinations=true`
 * (`CONNECTION_FACTS.apiDestinationsTagValue`). How the construct makes sure:
 *
 * - A key defined in the connection's stack (created by the construct or brought by the user) is tagged.
 * - A key defined in another stack of the app is not edited; once aspects have run (tags are applied by aspects),
 *   its tags are checked, and a missing tag is an acknowledgeable warning.
 * - An imported key's tags are invisible: an acknowledgeable warning says the tag is required.
 */
export function ensureApiDestinationsTag(scope: Construct, key: kms.IKey): void {
  const tag = KeyPolicyStatements.API_DESTINATIONS_TAG_KEY;
  if (isPolicyEditable(scope, key)) {
    Tags.of(key).add(tag, CONNECTION_FACTS.apiDestinationsTagValue);
    return;
  }
  const cfnKey = key instanceof kms.Key ? key.node.defaultChild : undefined;
  if (!(cfnKey instanceof kms.CfnKey)) {
    warn(scope, key, 'its tags are not visible to this app');
    return;
  }
  // Tags.of() applies tags through aspects, which run after construction: look when the app is validated.
  scope.node.addValidation({
    validate: () => {
      if (cfnKey.tags.tagValues()[tag] !== CONNECTION_FACTS.apiDestinationsTagValue) warn(scope, key, `it is defined in stack ${Stack.of(key).stackName}, which does not tag it`);
      return [];
    },
  });
}

function warn(scope: Construct, key: kms.IKey, why: string): void {
  const stack = Stack.of(scope);
  const keyRef = Token.isUnresolved(key.keyArn) ? JSON.stringify(stack.resolve(key.keyArn)) : key.keyArn;
  Annotations.of(scope).addWarningV2(API_DESTINATIONS_TAG_WARNING, [
    `EventBridge uses a connection's key only when the key carries the tag ${KeyPolicyStatements.API_DESTINATIONS_TAG_KEY}=true.`,
    `The key ${keyRef} is not defined in this stack and ${why}: its owner must tag it`,
    `(aws kms tag-resource --key-id <key> --tags TagKey=${KeyPolicyStatements.API_DESTINATIONS_TAG_KEY},TagValue=true), otherwise creating the connection fails`,
    'and an existing connection is deauthorized.',
    `Acknowledge with Annotations.of(construct).acknowledgeWarning('${API_DESTINATIONS_TAG_WARNING}', '<reason>') once the tag is in place.`,
  ].join(' '));
}
