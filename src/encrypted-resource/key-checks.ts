import { IConstruct } from 'constructs';
import { EncryptedResourceProps } from './props';
import { PropValidator } from '../internal/validation';
import { checkKey } from '../key/key-checks';

export { checkTopicNotOnKey } from '../key/key-checks';

/**
 * Records every reason the `encryptionKey` prop cannot work: an asymmetric or HMAC key, a key of another region, an
 * alias (a `kms.Alias`, or an alias ARN), an AWS managed key, or a key with rotation off while the deploy-time check
 * requires rotation.
 */
export function checkEncryptionKey(v: PropValidator, scope: IConstruct, props: EncryptedResourceProps): void {
  checkKey(v, scope, props.encryptionKey, 'encryptionKey', props.verifyEncryption !== false && props.verifyKeyRotation !== false ? 'verifyKeyRotation' : undefined);
}
