import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An EventBridge archive encrypts the events it keeps with a customer managed key. (aws-cdk-lib's `events.Archive`
 * without a key writes `KmsKeyIdentifier: ""`, which this rule reads as no key.)
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html
 */
export const EventArchiveCMK: CmkRule = {
  id: 'EventArchiveCMK',
  resourceTypes: ['AWS::Events::Archive'],
  info: 'The EventBridge archive does not encrypt its events with a customer managed KMS key (KmsKeyIdentifier).',
  explanation: 'An archive keeps events for replay, for as long as its retention (indefinitely by default). Without KmsKeyIdentifier (or with an empty one) they are encrypted with an AWS owned key.',
  fix: 'Set KmsKeyIdentifier to a customer managed key whose policy lets events.amazonaws.com use it under the archived bus\'s encryption context (aws:events:event-bus:arn).',
  fixedBy: 'EncryptedArchive',
  docs: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html'],
  check: resource => complianceOf(namesCustomerManagedKey(resource.properties.KmsKeyIdentifier)),
};
