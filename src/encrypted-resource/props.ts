import * as kms from 'aws-cdk-lib/aws-kms';
import { AuditTrail } from '../audit/audit-trail';
import { EncryptionKeyOptions } from '../key/encryption-key';

/**
 * What every encrypted construct accepts: the key (or how to create one), how its use is audited, and whether the
 * encryption is verified at deploy time.
 */
export interface EncryptedResourceProps {
  /**
   * The customer managed key that encrypts the resource. A key defined in the same stack gets the construct's
   * least-privilege statements added to its policy; an imported key (or one from another stack) is never edited:
   * a synth-time warning lists the statements its owner must add.
   *
   * @default - a new `EncryptionKey` with rotation enabled, retained on delete
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How the key is created when `encryptionKey` is not given (alias, rotation period, strict mode, ...).
   * Ignored, with a warning, when `encryptionKey` is given.
   *
   * @default - the `EncryptionKey` defaults
   */
  readonly keyOptions?: EncryptionKeyOptions;

  /**
   * How calls on the key are audited.
   *
   * @default - the app's `cdk-encrypted-constructs:auditTrail` context value, else `AuditTrail.accountShared()`: the
   * account's one library trail, created in the first stack of the account that needs it
   */
  readonly auditTrail?: AuditTrail;

  /**
   * Prove at deploy time that the resource is encrypted with the key and that the key round-trips data.
   * A failed check fails the deployment with a message naming the check and the fix.
   *
   * @default true
   */
  readonly verifyEncryption?: boolean;

  /**
   * Whether the deploy-time verification requires key rotation to be enabled. Turn off only for a key you bring whose
   * owner rotates it another way (e.g. imported key material).
   *
   * @default true
   */
  readonly verifyKeyRotation?: boolean;
}

/**
 * The parts every encrypted construct exposes.
 */
export interface IEncryptedResource {
  /** The customer managed key that encrypts the resource. */
  readonly encryptionKey: kms.IKey;
  /** ARN of the trail that audits the key, if any. */
  readonly auditTrailArn?: string;
}
