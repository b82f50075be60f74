import { Annotations, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { EncryptionKey, EncryptionKeyOptions } from './encryption-key';
import { asLibraryStatement, onAccountRoot } from './grant-statements';
import { shortHash, stackEnvironment } from '../internal/arns';

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

/**
 * The warning id of a key whose policy this stack cannot edit and whose owner must add statements: it always means
 * "act". A key from elsewhere that needs nothing (its policy delegates to IAM and covers every call, or its owner stack
 * in this app already holds the statements) gets no warning at all. (Before, one id, `key-policy-not-managed`,
 * meant both, so acknowledging the "nothing to do" case hid a later "you must act".)
 */
export const KEY_POLICY_STATEMENTS_REQUIRED_WARNING = 'cdk-encrypted-constructs:key-policy-statements-required';

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
      key.addToResourcePolicy(asLibraryStatement(statement.copy({ sid: `${statement.sid ?? 'Statement'}${shortHash(content)}` } as iam.PolicyStatementProps)));
    }
    return;
  }
  // The statements as they must be pasted are written by the message: roles by their IAM path in aws:PrincipalArn.
  warnKeyPolicyNotManaged(scope, key, statements, purpose);
}

/** The IAM path each library role takes when a key policy written elsewhere must name it (see `registerRolePath`). */
const rolePaths = new WeakMap<iam.IRole, string>();

/**
 * Records the IAM path under which a role the library creates is named in the statements of a
 * `key-policy-statements-required` warning. The role's ARN is known only after deploy (CloudFormation generates its name), but
 * its path is ours to choose: the warning names the role as `aws:PrincipalArn` like `arn:<partition>:iam::<account>:role<path>*`,
 * which the key owner can paste before the role exists, and the path is set on the role when (and only when) such a
 * warning names it. A role that already has a path keeps it.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
 */
export function registerRolePath(role: iam.Role): void {
  rolePaths.set(role, libraryRolePath(role.node.scope ?? role));
}

/**
 * `/cdk-encrypted-constructs/<stack name>/<construct path in the stack>/`: unique to the construct within the
 * account's deployed stacks, readable, and made only of what IAM paths accept (`!` to `~`; other characters become
 * `-`; at most 512 characters).
 */
function libraryRolePath(owner: IConstruct): string {
  const stack = Stack.of(owner);
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const inStack = owner.node.path.slice(stack.node.path.length).replace(/^\//, '');
  const segments = [stackName, ...inStack.split('/')].filter(p => p !== '').map(p => p.replace(/[^\x21-\x7E]|\//g, '-'));
  const path = `/cdk-encrypted-constructs/${segments.join('/')}/`;
  return path.length <= 512 ? path : `/cdk-encrypted-constructs/${segments[0].slice(0, 128)}/${shortHash(path)}/`;
}

/** One pending warning per (stack, key): the construct that carries it (if written yet), its metadata entry, what it lists so far. */
interface PendingWarning {
  readonly scope?: IConstruct;
  readonly entry?: { data: unknown };
  readonly statements: iam.PolicyStatement[];
  readonly purposes: string[];
}

const pending = new WeakMap<Stack, Map<kms.IKey, PendingWarning>>();

/**
 * One warning per key and stack, written when a request first leaves statements for the key owner to add (on the
 * construct that asked), then grown by each later request, so the key owner gets one policy to paste. No statement
 * missing, no warning. Once that warning is acknowledged (removed from its construct), a later request starts a new
 * one on its own construct. The statements the owner stack of this app already holds are left out, so the owner
 * pastes them where the key is defined, before the constructs that use it.
 */
function warnKeyPolicyNotManaged(scope: IConstruct, key: kms.IKey, statements: iam.PolicyStatement[], purpose: string): void {
  const stack = Stack.of(scope);
  const byKey = pending.get(stack) ?? new Map<kms.IKey, PendingWarning>();
  pending.set(stack, byKey);
  let record = byKey.get(key);
  if (record?.entry && !record.scope!.node.metadata.includes(record.entry as never)) record = undefined;
  const all = uniqueStatements(stack, [...record?.statements ?? [], ...statements]);
  const purposes = [...new Set([...record?.purposes ?? [], purpose])];
  const carrier = record?.scope ?? scope;
  // Every role a missing statement names gets its IAM path here, whether or not a warning is written.
  const message = keyPolicyNotManagedMessage(carrier, key, all, purposes);
  if (message === undefined) {
    byKey.set(key, { statements: all, purposes });
    return;
  }
  const tagged = `${message} [ack: ${KEY_POLICY_STATEMENTS_REQUIRED_WARNING}]`;
  if (record?.entry) {
    record.entry.data = tagged;
    byKey.set(key, { ...record, statements: all, purposes });
    return;
  }
  Annotations.of(carrier).addWarningV2(KEY_POLICY_STATEMENTS_REQUIRED_WARNING, message);
  const entry = carrier.node.metadata.find(m => m.type === 'aws:cdk:warning' && m.data === tagged);
  // Acknowledged on an ancestor already: nothing was added, and nothing is kept.
  byKey.set(key, entry ? { scope: carrier, entry: entry as { data: unknown }, statements: all, purposes } : { statements: [], purposes: [] });
}

function uniqueStatements(stack: Stack, statements: iam.PolicyStatement[]): iam.PolicyStatement[] {
  const unique = new Map<string, iam.PolicyStatement>();
  for (const statement of statements) {
    const content = JSON.stringify(stack.resolve(statement.copy({ sid: undefined } as iam.PolicyStatementProps).toStatementJson()));
    if (!unique.has(content)) unique.set(content, statement);
  }
  return [...unique.values()];
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
  return onAccountRoot(statement, partition, account, 'ArnEquals', roles.map(r => r.roleArn));
}

/**
 * The text of the warning for a key whose policy this stack cannot edit: the key by construct path (or ARN when
 * imported), what it is used for, and the statements its owner must add, as they must be pasted. For a key of another
 * stack of the app, statements its policy already holds are left out (the owner pasted them), and so, when its policy
 * delegates to IAM, are statements that only name the key's account: the delegation already admits the callers, whose
 * own IAM policies allow the calls. Undefined when nothing is left for the owner to add.
 *
 * @param purposes what the statements are for, e.g. `the EventBridge connection crm`
 */
export function keyPolicyNotManagedMessage(scope: IConstruct, key: kms.IKey, statements: iam.PolicyStatement[], purposes: string | string[]): string | undefined {
  const stack = Stack.of(scope);
  const purpose = [purposes].flat().join('; ');
  const pasteable = statements.map(s => toPasteable(key, s));
  const resolved = pasteable.map(p => readable(stack, stack.resolve(p.statement.toStatementJson())));
  const owner = ownerStack(key);
  const delegating = owner !== undefined && delegatesToIam(key as kms.Key) && !Token.isUnresolved(owner.account);
  const kept = resolved.map((s, i) => ({ s, i })).filter(({ s }) => !(delegating && onlyAccountRoot(s, owner!.account)));
  // The roles named by path in the statements the owner must add (or has added) get that path.
  for (const { i } of kept) pasteable[i].fixPaths();
  const present = owner !== undefined ? ownerStatements(key as kms.Key) : new Set<string>();
  const required = kept.map(({ s }) => s).filter(s => !present.has(canonical(s)));
  if (required.length === 0) return undefined;
  const keyRef = owner !== undefined
    ? `${key.node.path} (of stack ${owner.stackName})`
    : Token.isUnresolved(key.keyArn) ? JSON.stringify(stack.resolve(key.keyArn)) : key.keyArn;
  const lines = [`The key ${keyRef} is not defined in this stack (${stack.stackName}), so its key policy cannot be edited here.`];
  if (delegating) {
    lines.push(`Its key policy delegates to IAM (account ${owner!.account} may use kms:*), so the statements that name only that account (with aws:PrincipalArn)`
      + ' are already covered: the roles this library creates have IAM policies that allow those calls.');
  }
  lines.push(`For ${purpose}, its owner must add these statements to the key policy (or confirm equivalent ones exist):`);
  lines.push(JSON.stringify(required, undefined, 2));
  if (JSON.stringify(required).includes('<ARN of role ')) {
    lines.push(`A <ARN of role ...> is a role of yours whose name CloudFormation generates: give it a roleName to have it printed here, or read its ARN once stack ${stack.stackName} is deployed.`);
  }
  lines.push(owner !== undefined
    ? `Added to the key in stack ${owner.stackName} (key.addToResourcePolicy(iam.PolicyStatement.fromJson(statement)) for each), they clear this warning.`
    : `Acknowledge with Annotations.of(construct).acknowledgeWarning('${KEY_POLICY_STATEMENTS_REQUIRED_WARNING}', '<reason>') once they are in place.`);
  return lines.join('\n');
}

/** The statements of a key's policy in their canonical form (see {@link canonical}), as its own stack resolves them. */
function ownerStatements(key: kms.Key): Set<string> {
  const policy = Stack.of(key).resolve((key.node.defaultChild as kms.CfnKey).keyPolicy) as { Statement?: unknown[] } | undefined;
  return new Set((policy?.Statement ?? []).map(canonical));
}

/**
 * A statement's content without its `Sid`, keys sorted, one-element lists as their element and lists of strings
 * sorted: two statements that IAM reads alike and that differ only in how they were written compare equal.
 */
function canonical(statement: unknown): string {
  const normal = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const items = value.map(normal);
      if (items.length === 1) return items[0];
      return items.every(i => typeof i === 'string') ? [...items as string[]].sort() : items;
    }
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(Object.keys(value).sort().map(k => [k, normal((value as Record<string, unknown>)[k])]));
  };
  const { Sid: _sid, ...rest } = statement as Record<string, unknown>;
  return JSON.stringify(normal(rest));
}

/**
 * A statement as a key owner can paste it before this stack is deployed: role principals become the account, with
 * the roles in `aws:PrincipalArn` (`ArnLike`), each by the IAM path the library fixes for it (`registerRolePath`),
 * by its ARN when that is a literal (an imported role, or one with a `roleName`), or else by a `<ARN of role ...>`
 * placeholder. `fixPaths` sets the registered paths on the roles, once the statement is known to be printed.
 */
function toPasteable(key: kms.IKey, statement: iam.PolicyStatement): { statement: iam.PolicyStatement; fixPaths: () => void } {
  const principals = statement.principals;
  const roles = principals.filter((p): p is iam.IRole => typeof (p as Partial<iam.IRole>).roleArn === 'string');
  if (roles.length === 0 || roles.length !== principals.length) return { statement, fixPaths: () => undefined };
  const accounts = new Set(roles.map(r => r.env.account));
  const account = accounts.size === 1 ? [...accounts][0] : Stack.of(key).account;
  const partition = stackEnvironment(key).partition;
  const fixes: Array<() => void> = [];
  const arns = roles.map(role => {
    const cfn = role.node.defaultChild;
    const registered = rolePaths.get(role);
    if (registered !== undefined && cfn instanceof iam.CfnRole) {
      const given = Stack.of(role).resolve(cfn.path);
      const path = typeof given === 'string' ? given : registered;
      if (given === undefined) fixes.push(() => { cfn.path = registered; });
      return `arn:${partition}:iam::${role.env.account}:role${path}*`;
    }
    if (cfn instanceof iam.CfnRole) {
      const name = Stack.of(role).resolve(cfn.roleName);
      const path = Stack.of(role).resolve(cfn.path) ?? '/';
      if (typeof name === 'string' && typeof path === 'string') return `arn:${partition}:iam::${role.env.account}:role${path}${name}`;
    }
    return role.roleArn;
  });
  return {
    statement: onAccountRoot(statement, partition, account, 'ArnLike', arns),
    fixPaths: () => fixes.forEach(fix => fix()),
  };
}

/** The stack that defines the key, when it is a key of this app (not imported). */
function ownerStack(key: kms.IKey): Stack | undefined {
  return key instanceof kms.Key && Resource.isOwnedResource(key) ? Stack.of(key) : undefined;
}

/** Whether the key policy lets the account root use every KMS action, without condition: the delegation to IAM. */
function delegatesToIam(key: kms.Key): boolean {
  const owner = Stack.of(key);
  const policy = owner.resolve((key.node.defaultChild as kms.CfnKey).keyPolicy) as { Statement?: any[] } | undefined;
  return (policy?.Statement ?? []).some(s => s.Effect === 'Allow' && s.Condition === undefined
    && [s.Action].flat().includes('kms:*') && onlyAccountRoot(s, owner.account));
}

/** Whether every principal of a resolved statement is the root of `account`. */
function onlyAccountRoot(statement: { Principal?: Record<string, unknown> }, account: string): boolean {
  const principal = statement.Principal;
  if (!principal || Object.keys(principal).length !== 1 || principal.AWS === undefined) return false;
  return [principal.AWS].flat().every(p => JSON.stringify(p).includes(`:iam::${account}:root`));
}

/** A resolved value with each `Fn::GetAtt` of a role of this stack written `<ARN of role path>`, which a key owner can fill in. */
function readable(stack: Stack, value: any): any {
  if (Array.isArray(value)) return value.map(v => readable(stack, v));
  if (!value || typeof value !== 'object') return value;
  const getAtt = value['Fn::GetAtt'];
  if (Object.keys(value).length === 1 && Array.isArray(getAtt) && getAtt[1] === 'Arn') {
    const role = stack.node.findAll().find((c): c is iam.CfnRole => c instanceof iam.CfnRole && stack.getLogicalId(c) === getAtt[0]);
    if (role) return `<ARN of role ${role.node.id === 'Resource' ? role.node.scope!.node.path : role.node.path}>`;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(stack, v)]));
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
