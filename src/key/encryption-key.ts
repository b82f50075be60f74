import { Duration, RemovalPolicy, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { inLibraryForm } from './grant-statements';
import { KeyPolicyStatements } from './statements';
import { stackEnvironment } from '../internal/arns';
import { PropValidationError, PropValidator } from '../internal/validation';
import { guardStackQuotas } from '../quotas/quota-guards';

/**
 * Options for the customer managed key a construct creates when the user brings none.
 */
export interface EncryptionKeyOptions {
  /**
   * Alias of the key (the `alias/` prefix is added when missing).
   *
   * @default - no alias
   */
  readonly alias?: string;

  /**
   * Description of the key.
   *
   * @default - a sentence naming the resource the key protects
   */
  readonly description?: string;

  /**
   * How often KMS rotates the key material (90 to 2560 days). Rotation is always enabled.
   *
   * @default Duration.days(365)
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
   */
  readonly rotationPeriod?: Duration;

  /**
   * Waiting period before KMS deletes the key once deletion is scheduled (7 to 30 days).
   *
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;

  /**
   * What happens to the key when it leaves the stack. Deleting a key makes everything encrypted with it unreadable,
   * forever: keep RETAIN unless the data is disposable.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Strict mode: the account root may administer the key but not use it. Only the principals the constructs name
   * (services under their conditions, execution and verifier roles) may encrypt or decrypt.
   *
   * Whoever deploys must be able to administer the key: pass the deployment role in `administrators` (or let the
   * account's IAM policies grant it key administration), otherwise KMS's lockout check rejects the key policy.
   *
   * @default false - the account root keeps the standard `kms:*` delegation to IAM
   */
  readonly strictMode?: boolean;

  /**
   * Further principals allowed to administer (not use) the key, e.g. the CloudFormation deployment role.
   *
   * @default - the account root only
   */
  readonly administrators?: iam.IPrincipal[];

  /**
   * Tags for the key.
   *
   * @default - no extra tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Properties of an `EncryptionKey`.
 */
export interface EncryptionKeyProps extends EncryptionKeyOptions {
  /**
   * What the key protects, in a few words, e.g. `EventBridge Scheduler schedule payloads`. Used in the default
   * description.
   */
  readonly protects: string;
}

/**
 * A symmetric customer managed KMS key with rotation on, a 30-day deletion window, RETAIN removal, and a key policy
 * that denies grants not made for AWS resources (Control Tower CT.KMS.PR.3).
 *
 * Services add their own least-privilege statements through `KeyPolicyStatements`; in strict mode the account
 * root keeps administration only.
 */
export class EncryptionKey extends kms.Key {
  /** Whether the account root is limited to administration (no cryptographic use). */
  public readonly strictMode: boolean;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    validateKeyOptions(scope, id, props);
    const strictMode = props.strictMode ?? false;
    super(scope, id, {
      description: props.description ?? `Customer managed key for ${props.protects} (cdk-encrypted-constructs)`,
      alias: props.alias,
      enableKeyRotation: true,
      rotationPeriod: props.rotationPeriod ?? Duration.days(365),
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      policy: strictMode
        ? new iam.PolicyDocument({ statements: [KeyPolicyStatements.administrationOnly(props.administrators, stackEnvironment(scope))] })
        : undefined,
      admins: strictMode ? undefined : props.administrators,
    });
    this.strictMode = strictMode;
    guardStackQuotas(this);
    this.addToResourcePolicy(KeyPolicyStatements.denyGrantsExceptForAwsResources());
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
  }

  /**
   * Adds a statement to the key policy in the library's form. An IAM role named as principal (as aws-cdk-lib's grant
   * methods name it: `key.grantDecrypt(role)`, `secret.grantRead(role)`, `queue.grantConsumeMessages(role)`, ...) is
   * named by `aws:PrincipalArn` under its account instead, since KMS rejects a key policy whose principals it cannot
   * see yet; a role named through a service (`kms.ViaServicePrincipal`) also gets the matching IAM statement. A statement
   * that lets an AWS service use the key with no condition (what aws-cdk-lib writes for a rule target or subscription
   * whose queue or topic is on this key) is refused with an error that says how to get a conditioned one. In strict
   * mode, one that lets the whole account use the key with no condition is refused too, and the account's use through
   * Secrets Manager (written by `secretsmanager.Secret`) keeps encryption but decrypts only Secrets Manager's key checks.
   *
   * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
   */
  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    let result: iam.AddToResourcePolicyResult = { statementAdded: false };
    for (const inForm of inLibraryForm(this, statement)) result = super.addToResourcePolicy(inForm, allowNoOp);
    return result;
  }

  /**
   * The key's grant methods (`grant`, `grantDecrypt`, ... all go through them). In strict mode the key policy does not
   * delegate to IAM, so a grant writes the key-policy statement (the grantee named by `aws:PrincipalArn`) besides the
   * IAM statement; in default mode a grant to a principal of this account writes the IAM statement only, as aws-cdk-lib
   * does for any key whose policy delegates to IAM.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
   */
  public get grants(): kms.KeyGrants {
    // Read during super() too (kms.Key grants `admins` there), before strictMode is set: only default mode passes admins.
    const grants = kms.KeyGrants.fromKey(this, !this.strictMode);
    for (const method of Object.keys(UNSUPPORTED_GRANTS) as (keyof typeof UNSUPPORTED_GRANTS)[]) {
      grants[method] = () => this.refuse(method, `grants.${method}`);
    }
    return grants;
  }

  /**
   * Not supported: throws. An `EncryptionKey` is a symmetric encryption key (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`);
   * KMS allows `kms:Sign` only on an asymmetric key whose usage is `SIGN_VERIFY`.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
   */
  public grantSign(_grantee: iam.IGrantable): iam.Grant {
    return this.refuse('sign', 'grantSign');
  }

  /**
   * Not supported: throws. `kms:Verify` needs an asymmetric `SIGN_VERIFY` key; an `EncryptionKey` is symmetric.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
   */
  public grantVerify(_grantee: iam.IGrantable): iam.Grant {
    return this.refuse('verify', 'grantVerify');
  }

  /**
   * Not supported: throws. `kms:Sign` and `kms:Verify` need an asymmetric `SIGN_VERIFY` key; an `EncryptionKey` is
   * symmetric.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
   */
  public grantSignVerify(_grantee: iam.IGrantable): iam.Grant {
    return this.refuse('signVerify', 'grantSignVerify');
  }

  /**
   * Not supported: throws. `kms:GenerateMac` needs an HMAC key (`HMAC_*` spec, `GENERATE_VERIFY_MAC` usage); an
   * `EncryptionKey` is a symmetric encryption key.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
   */
  public grantGenerateMac(_grantee: iam.IGrantable): iam.Grant {
    return this.refuse('generateMac', 'grantGenerateMac');
  }

  /**
   * Not supported: throws. `kms:VerifyMac` needs an HMAC key (`HMAC_*` spec, `GENERATE_VERIFY_MAC` usage); an
   * `EncryptionKey` is a symmetric encryption key.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
   */
  public grantVerifyMac(_grantee: iam.IGrantable): iam.Grant {
    return this.refuse('verifyMac', 'grantVerifyMac');
  }

  private refuse(method: keyof typeof UNSUPPORTED_GRANTS, called: string): never {
    throw new PropValidationError(`${this.node.path}: ${called}: an EncryptionKey is a symmetric encryption key (SYMMETRIC_DEFAULT, `
      + `ENCRYPT_DECRYPT), on which KMS refuses ${UNSUPPORTED_GRANTS[method]}; use a kms.Key with ${method.endsWith('Mac') ? 'an HMAC key spec and GENERATE_VERIFY_MAC' : 'an RSA or ECC key spec and SIGN_VERIFY'} usage for that`);
  }
}

/**
 * The grants aws-cdk-lib offers on every key that a symmetric encryption key cannot honour, with the calls they name.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
 */
const UNSUPPORTED_GRANTS = {
  sign: 'kms:Sign',
  verify: 'kms:Verify',
  signVerify: 'kms:Sign and kms:Verify',
  generateMac: 'kms:GenerateMac',
  verifyMac: 'kms:VerifyMac',
};

/**
 * KMS limits on a key's description and tags.
 *
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-Description
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_Tag.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html (the aws: prefix is reserved)
 */
const KEY_LIMITS = {
  descriptionMaxLength: 8192,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  reservedTagPrefix: 'aws:',
};

function validateKeyOptions(scope: Construct, id: string, props: EncryptionKeyProps): void {
  const path = scope?.node?.path ? `${scope.node.path}/${id}` : id;
  const v = new PropValidator({ node: { path } } as IConstruct);
  // JavaScript callers: the props object, what the key protects, and no null
  if (!v.props(props, { protects: { allowed: 'a few words saying what the key protects', is: p => typeof p === 'string' } })) v.throwIfInvalid();
  if (typeof props.description === 'string' && !Token.isUnresolved(props.description)) {
    v.check(props.description.length <= KEY_LIMITS.descriptionMaxLength, 'description', `${props.description.length} characters`,
      `must be at most ${KEY_LIMITS.descriptionMaxLength} characters`, false);
  }
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    if (Token.isUnresolved(key)) continue;
    v.check(key.length >= 1 && key.length <= KEY_LIMITS.tagKeyMaxLength, 'tags', key, `tag keys must be 1 to ${KEY_LIMITS.tagKeyMaxLength} characters`);
    v.check(!key.toLowerCase().startsWith(KEY_LIMITS.reservedTagPrefix), 'tags', key, 'tag keys must not start with "aws:" (reserved for AWS)');
    if (typeof value === 'string' && !Token.isUnresolved(value)) {
      v.check(value.length <= KEY_LIMITS.tagValueMaxLength, `tags["${key}"]`, `${value.length} characters`, `tag values must be at most ${KEY_LIMITS.tagValueMaxLength} characters`, false);
    } else if (typeof value !== 'string') {
      v.check(false, `tags["${key}"]`, typeof value, 'tag values must be strings', false);
    }
  }
  const rotation = props.rotationPeriod && !Token.isUnresolved(props.rotationPeriod.toDays({ integral: false }))
    ? props.rotationPeriod.toDays({ integral: false }) : undefined;
  v.range('rotationPeriod', rotation, 90, 2560, 'days');
  const pending = props.pendingWindow && !Token.isUnresolved(props.pendingWindow.toDays({ integral: false }))
    ? props.pendingWindow.toDays({ integral: false }) : undefined;
  v.range('pendingWindow', pending, 7, 30, 'days');
  v.name('alias', props.alias?.replace(/^alias\//, ''), /^[a-zA-Z0-9:/_-]+$/, 250, 'letters, digits, "/", "_", "-" and ":" (not starting with "aws/")');
  v.check(!(props.alias ?? '').replace(/^alias\//, '').startsWith('aws/'), 'alias', props.alias, 'must not start with "aws/" (reserved for AWS managed keys)');
  v.throwIfInvalid();
}
