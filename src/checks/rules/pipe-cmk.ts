import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An EventBridge pipe encrypts the data it stores (its event patterns and input transformers) with a customer managed
 * key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-pipes-cmkey.html
 */
export const PipeCMK: CmkRule = {
  id: 'PipeCMK',
  resourceTypes: ['AWS::Pipes::Pipe'],
  info: 'The EventBridge pipe does not encrypt its data with a customer managed KMS key (KmsKeyIdentifier).',
  explanation: 'A pipe stores its filter event patterns and input transformers at rest; without KmsKeyIdentifier EventBridge encrypts them with an AWS owned key.',
  fix: 'Set KmsKeyIdentifier to a customer managed key whose policy lets the pipe\'s execution role use it under the pipe\'s encryption context (kms:EncryptionContext:aws:pipes:arn).',
  fixedBy: 'no construct of this library yet: set KmsKeyIdentifier on the pipe',
  docs: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-pipes-cmkey.html'],
  check: resource => complianceOf(namesCustomerManagedKey(resource.properties.KmsKeyIdentifier)),
};
