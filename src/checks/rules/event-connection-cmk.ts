import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An EventBridge connection keeps its authorization parameters in a Secrets Manager secret encrypted with a customer
 * managed key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export const EventConnectionCMK: CmkRule = {
  id: 'EventConnectionCMK',
  resourceTypes: ['AWS::Events::Connection'],
  info: 'The EventBridge connection does not encrypt its credentials secret with a customer managed KMS key (KmsKeyIdentifier).',
  explanation: 'EventBridge stores a connection\'s API key, basic or OAuth credentials in a Secrets Manager secret; without KmsKeyIdentifier the secret is encrypted with an AWS owned key.',
  fix: 'Set KmsKeyIdentifier to a customer managed key tagged EventBridgeApiDestinations=true whose policy lets Secrets Manager use it (kms:ViaService) for this connection\'s secret only (kms:EncryptionContext:SecretARN).',
  fixedBy: 'EncryptedConnection',
  docs: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html'],
  check: resource => complianceOf(namesCustomerManagedKey(resource.properties.KmsKeyIdentifier)),
};
