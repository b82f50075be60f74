import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An EventBridge event bus encrypts its events, rules and targets with a customer managed key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html
 */
export const EventBusCMK: CmkRule = {
  id: 'EventBusCMK',
  resourceTypes: ['AWS::Events::EventBus'],
  info: 'The EventBridge event bus does not encrypt its events with a customer managed KMS key (KmsKeyIdentifier).',
  explanation: 'Without KmsKeyIdentifier, EventBridge encrypts the bus\'s custom and partner events, its rules\' event patterns and its targets\' input with an AWS owned key, out of reach of your key policy and your CloudTrail.',
  fix: 'Set KmsKeyIdentifier to a customer managed key whose policy lets events.amazonaws.com use it with this bus\'s aws:SourceArn or encryption context, and give the bus a dead-letter queue on another key.',
  fixedBy: 'EncryptedArchive (its eventBus)',
  docs: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html'],
  check: resource => complianceOf(namesCustomerManagedKey(resource.properties.KmsKeyIdentifier)),
};
