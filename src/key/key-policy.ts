import { Annotations, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { EncryptionKey, EncryptionKeyOptions } from './encryption-key';
import { shortHash, stackEnvironment } from '../private/arns';

/**
 * Where a construct's key comes from: the user's key, or a new {@link EncryptionKey}.
 */
export function obtainKey(scope: Construct, encryptionKey: kms.IKey | undefined, protects: string, options: EncryptionKeyOptions = {}): kms.IKey {
  if (encryptionKey) {
    if (Object.keys(options ?? {}).length > 0) {
      Annotations.of(scope).addWarningV2(
        'cdk-encrypted-constructs:key-options-ignored',
        'keyOptions are ignored because encryptionKey was given: the options only shape a key the construct creates.',
      );
    }
    return encryptionKey;
  }
  return new EncryptionKey(scope, 'Key', { ...options, protects });
}

/**
 * Whether this stack may edit the key's policy: only keys defined in the same stack (created by the library or by the
 * user). Imported keys and keys of another stack are never edited.
 */
export function isPolicyEditable(scope: IConstruct, key: kms.IKey): key is kms.Key {
  return key instanceof kms.Key && Resource.isOwnedResource(key) && Stack.of(key) === Stack.of(scope);
}

const added = new WeakMap<kms.IKey, Set<string>>();

/** The warning id users acknowledge for a key whose policy this stack cannot edit. */
export const KEY_POLICY_NOT_MANAGED_WARNING = 'cdk-encrypted-constructs:key-policy-not-managed';

/**
 * Adds least-privilege statements to the key policy, once each. When this stack cannot edit the key's policy, adds
 * instead an acknowledgeable warning that lists the exact statements the key owner must add.
 *
 * @param scope the construct asking (named in the warning)
 * @param purpose what the statements are for, e.g. `EventBridge Scheduler schedule payload`
 */
export function addKeyStatements(scope: IConstruct, key: kms.IKey, statements: iam.PolicyStatement[], purpose: string): void {
  if (isPolicyEditable(scope, key)) {
    const seen = added.get(key) ?? new Set<string>();
    added.set(key, seen);
    guardPolicySize(key);
    for (const given of statements) {
      const statement = withoutRolePrincipals(key, given);
      // Identity is the resolved statement without its sid: logical ids and literals, never token numbers.
      const content = JSON.stringify(Stack.of(key).resolve(statement.copy({ sid: undefined } as iam.PolicyStatementProps).toStatementJson()));
      if (seen.has(content)) continue;
      seen.add(content);
      key.addToResourcePolicy(statement.copy({ sid: `${statement.sid ?? 'Statement'}${shortHash(content)}` } as iam.PolicyStatementProps));
    }
    return;
  }
  // The statements as they must be pasted: roles named in aws:PrincipalArn, which a key owner can write before they exist.
  Annotations.of(scope).addWarningV2(KEY_POLICY_NOT_MANAGED_WARNING, keyPolicyNotManagedMessage(scope, key, statements.map(s => withoutRolePrincipals(key, s)), purpose));
}

/**
 * A statement that names IAM roles as principals, rewritten to name their account with the roles in
 * `aws:PrincipalArn` instead. KMS rejects a key policy whose principals it cannot see yet ("The principals in the key
 * policy must exist and be visible to KMS ... you might need to enforce a delay before including the new principal"),
 * and a role created in the same deployment may not be visible when CloudFormation writes the key policy. With the
 * account as principal, the role's own IAM policy must allow the action too: every role the library names has one.
 *
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
 */
export function withoutRolePrincipals(key: kms.IKey, statement: iam.PolicyStatement): iam.PolicyStatement {
  const principals = statement.principals;
  const roles = principals.filter((p): p is iam.IRole => typeof (p as Partial<iam.IRole>).roleArn === 'string');
  if (roles.length === 0 || roles.length !== principals.length) return statement;
  const accounts = new Set(roles.map(r => r.env.account));
  const account = accounts.size === 1 ? [...accounts][0] : Stack.of(key).account;
  const partition = stackEnvironment(key).partition;
  const conditions: Record<string, Record<string, unknown>> = { ...statement.conditions };
  const arns = roles.map(r => r.roleArn);
  conditions.ArnEquals = { ...conditions.ArnEquals, 'aws:PrincipalArn': arns.length === 1 ? arns[0] : arns };
  return new iam.PolicyStatement({
    sid: statement.sid,
    effect: statement.effect,
    principals: [new iam.ArnPrincipal(`arn:${partition}:iam::${account}:root`)],
    actions: statement.actions,
    resources: statement.resources,
    conditions,
  });
}

/**
 * The text of the warning for a key whose policy this stack cannot edit.
 */
export function keyPolicyNotManagedMessage(scope: IConstruct, key: kms.IKey, statements: iam.PolicyStatement[], purpose: string): string {
  const stack = Stack.of(scope);
  const rendered = JSON.stringify(stack.resolve(statements.map(s => s.toStatementJson())), undefined, 2);
  const keyRef = Token.isUnresolved(key.keyArn) ? JSON.stringify(stack.resolve(key.keyArn)) : key.keyArn;
  return [
    `The key ${keyRef} is not defined in this stack, so its key policy cannot be edited here.`,
    `For ${purpose}, its owner must add these statements to the key policy (or confirm equivalent ones exist):`,
    rendered,
    `Acknowledge with Annotations.of(construct).acknowledgeWarning('${KEY_POLICY_NOT_MANAGED_WARNING}', '<reason>') once they are in place.`,
  ].join('\n');
}

/** KMS rejects key policies over 32 KB; CloudFormation would only tell at deploy time. */
export const MAX_KEY_POLICY_CHARACTERS = 32_768;

const guarded = new WeakSet<kms.Key>();

/**
 * Fails synthesis when the key's policy grows past what KMS accepts (e.g. dozens of constructs sharing one key),
 * instead of letting the deploy fail. Deploy-time values (`Fn::GetAtt` of a role ARN) are counted at 128 characters.
 */
function guardPolicySize(key: kms.Key): void {
  if (guarded.has(key)) return;
  guarded.add(key);
  key.node.addValidation({
    validate: () => {
      const policy = Stack.of(key).resolve((key.node.defaultChild as kms.CfnKey).keyPolicy);
      const text = JSON.stringify(policy).replace(/\{"(Fn::GetAtt|Ref|Fn::Join|Fn::Select|Fn::Split)":(\[[^\]]*\]|"[^"]*")\}/g, 'x'.repeat(128));
      return text.length <= MAX_KEY_POLICY_CHARACTERS ? [] : [
        `the key policy of ${key.node.path} would be about ${text.length} characters; KMS accepts at most ${MAX_KEY_POLICY_CHARACTERS}. ` +
        'Too many constructs share this key: give some of them their own key (omit encryptionKey) or a second shared key.',
      ];
    },
  });
}
