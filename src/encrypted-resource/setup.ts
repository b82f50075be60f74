import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EncryptedResourceProps } from './props';
import { auditKey } from '../audit/audit-key';
import { addKeyStatements, obtainKey } from '../key/key-policy';
import { guardStackQuotas } from '../quotas/quota-guards';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/** The key and audit trail of one encrypted construct. */
export interface Encryption {
  /** The key: the user's, or a new `EncryptionKey` at `<construct>/Key`. */
  readonly key: kms.IKey;
  /** ARN of the trail that audits it, if any. */
  readonly auditTrailArn?: string;
  /** Adds least-privilege statements to the key policy (or warns with them when the policy is not ours). */
  addKeyStatements(statements: iam.PolicyStatement[], purpose: string): void;
}

/**
 * The shared first steps of every encrypted construct: obtain the key (child id `Key` when created), register it with
 * the audit trail choice, and offer the key-statement sink. Call after validating props.
 */
export function setUpEncryption(scope: Construct, props: EncryptedResourceProps, protects: string): Encryption {
  guardStackQuotas(scope);
  const key = obtainKey(scope, props.encryptionKey, protects, props.keyOptions);
  const auditTrailArn = auditKey(scope, key, props.auditTrail);
  return {
    key,
    auditTrailArn,
    addKeyStatements: (statements, purpose) => addKeyStatements(scope, key, statements, purpose),
  };
}

/**
 * The shared last step: the deploy-time verification (child id `Verification`), unless turned off.
 * Key rotation is required unless the user turned `verifyKeyRotation` off.
 */
export function verifyEncryption(scope: Construct, props: EncryptedResourceProps, key: kms.IKey, resources: VerifiedResource[]): EncryptionVerification | undefined {
  if (props.verifyEncryption === false) return undefined;
  return new EncryptionVerification(scope, 'Verification', { key, resources, checkRotation: props.verifyKeyRotation ?? true });
}
