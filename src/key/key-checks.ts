import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { PropValidator } from '../internal/validation';
import { KEY_FACTS } from '../services/kms/keys';

/**
 * Records every reason `key` (given as `prop`) cannot serve a service's encryption or the deploy-time check: see
 * `checkEncryptionKey`.
 *
 * @param rotationCheck the prop that turns the deploy-time rotation check off, when the check will run; undefined when
 * it will not (then a key with rotation off is fine)
 */
export function checkKey(v: PropValidator, scope: IConstruct, key: kms.IKey | undefined, prop: string, rotationCheck: string | undefined): void {
  if (key === undefined || key === null) return;
  const stack = Stack.of(scope);
  if (typeof key !== 'object' || typeof (key as Partial<kms.IKey>).keyArn !== 'string') {
    v.check(false, prop, typeof key, 'must be a kms.IKey (e.g. a kms.Key, or kms.Key.fromKeyArn(...))', false);
    return;
  }

  const alias = key as Partial<kms.IAlias>;
  const keyArn = key.keyArn;
  if (typeof alias.aliasName === 'string') {
    const name = Token.isUnresolved(alias.aliasName) ? 'an alias' : `the alias ${alias.aliasName}`;
    v.check(false, prop, name, KEY_FACTS.awsManagedAlias.test(alias.aliasName)
      ? 'must be a customer managed key: an AWS managed key (alias/aws/...) cannot take the statements this construct adds to its policy'
      : 'must be the key itself, not an alias (IAM statements on an alias ARN grant nothing, and an alias can be repointed): pass alias.aliasTargetKey or the key', false);
    return;
  }
  if (!Token.isUnresolved(keyArn)) {
    if (KEY_FACTS.awsManagedAlias.test(keyArn)) {
      v.check(false, prop, keyArn, 'must be a customer managed key: an AWS managed key (alias/aws/...) cannot take the statements this construct adds to its policy');
      return;
    }
    v.check(!KEY_FACTS.aliasArn.test(keyArn), prop, keyArn,
      'must be a key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), not an alias ARN: IAM statements on an alias ARN grant nothing');
  }

  const keyRegion = key.env?.region;
  if (keyRegion !== undefined && !Token.isUnresolved(keyRegion) && !Token.isUnresolved(stack.region)) {
    v.check(keyRegion === stack.region, prop, `a key in ${keyRegion}`,
      `must be in the stack's region (${stack.region}): KMS keys are regional, and a service uses keys of its own region only`, false);
  }

  const cfnKey = key instanceof kms.Key ? key.node.defaultChild : undefined;
  if (cfnKey instanceof kms.CfnKey) {
    const notSymmetric = notSymmetricKey(key);
    v.check(notSymmetric === undefined, prop, notSymmetric, `must be ${SYMMETRIC_KEY}: the service encrypts with symmetric keys only`, false);
    const rotation = Stack.of(cfnKey).resolve(cfnKey.enableKeyRotation);
    v.check(rotationCheck === undefined || rotation === true || (rotation !== false && rotation !== undefined), prop, 'a key with rotation off',
      `the deploy-time verification requires rotation: enable it (enableKeyRotation: true), or set ${rotationCheck} false if the key is rotated another way`, false);
  }
}

/** What a key must be for the services this library encrypts for (KEY_FACTS.keySpec). */
export const SYMMETRIC_KEY = `a symmetric encryption key (keySpec ${KEY_FACTS.keySpec}, keyUsage ${KEY_FACTS.keyUsage})`;

/**
 * `a key with keySpec X and keyUsage Y` when `key` is a `kms.Key` of the app that is not a symmetric encryption key
 * (an asymmetric or HMAC key); undefined otherwise, and when the spec or usage is a token.
 */
export function notSymmetricKey(key: kms.IKey): string | undefined {
  const cfnKey = key instanceof kms.Key ? key.node.defaultChild : undefined;
  if (!(cfnKey instanceof kms.CfnKey)) return undefined;
  const keySpec = Stack.of(cfnKey).resolve(cfnKey.keySpec);
  const keyUsage = Stack.of(cfnKey).resolve(cfnKey.keyUsage);
  const symmetric = (keySpec === undefined || keySpec === KEY_FACTS.keySpec || typeof keySpec !== 'string')
    && (keyUsage === undefined || keyUsage === KEY_FACTS.keyUsage || typeof keyUsage !== 'string');
  return symmetric ? undefined : `a key with keySpec ${keySpec ?? KEY_FACTS.keySpec} and keyUsage ${keyUsage ?? KEY_FACTS.keyUsage}`;
}

/**
 * Records an error when a topic that must report the failure of `key` is encrypted with `key` itself: SNS cannot
 * publish to a topic whose key is disabled or unusable (`KMSDisabledException`), so the alarm or alert would die with
 * the key it reports on.
 *
 * @param prop the prop that gave the topic, e.g. `alarmTopic`
 * @param what what the topic carries, e.g. `the database's alarms`
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export function checkTopicNotOnKey(v: PropValidator, prop: string, topic: sns.ITopic | undefined, key: kms.IKey | undefined, what: string): void {
  if (key === undefined || topic?.masterKey === undefined) return;
  v.check(topic.masterKey !== key, prop, topic.node.path,
    `must not be encrypted with the construct's own key (encryptionKey): ${what} fire when that key fails, and SNS cannot publish with a failed key; `
    + `use a topic on another key, or omit ${prop}`, false);
}
