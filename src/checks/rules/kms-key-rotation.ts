import { NagRuleCompliance } from 'cdk-nag';
import { CmkRule, complianceOf } from '../rule';

/**
 * A symmetric encryption key with key material from KMS (`KeySpec` absent or `SYMMETRIC_DEFAULT`, `Origin` absent or
 * `AWS_KMS`) rotates its key material every year (`EnableKeyRotation`). Keys KMS cannot rotate automatically
 * (asymmetric, HMAC, imported key material, custom key stores) are not checked.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 */
export const KMSKeyRotation: CmkRule = {
  id: 'KMSKeyRotation',
  resourceTypes: ['AWS::KMS::Key'],
  info: 'The symmetric KMS key does not rotate its key material (EnableKeyRotation).',
  explanation: 'Automatic rotation gives the key new key material every year while old ciphertexts stay readable, limiting how much data one key material protects; CloudFormation leaves it off unless EnableKeyRotation is true.',
  fix: 'Set EnableKeyRotation to true (and RotationPeriodInDays if a year is not the period you want).',
  fixedBy: 'EncryptionKey (every key the library creates)',
  docs: ['https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html'],
  check: ({ properties: p }) => {
    const symmetric = p.KeySpec === undefined || p.KeySpec === 'SYMMETRIC_DEFAULT';
    const kmsKeyMaterial = p.Origin === undefined || p.Origin === 'AWS_KMS';
    if (!symmetric || !kmsKeyMaterial) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(p.EnableKeyRotation === true);
  },
};
