import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { stackEnvironment } from '../internal/arns';
import { PropValidationError } from '../internal/validation';
import { SECRETS_MANAGER_KEY_CHECK } from '../services/secretsmanager/encryption-context';

/**
 * What the policy of an `EncryptionKey` does with a statement that does not come from the library: one added by
 * aws-cdk-lib (a grant method such as `key.grantDecrypt(role)`, `secret.grantRead(role)`,
 * `queue.grantConsumeMessages(role)`, an L2 constructor, a rule target) or by the user's own `addToResourcePolicy`.
 * The library's own statements (`addKeyStatements`) are written in the library's form already and pass unchanged.
 */

const libraryStatements = new WeakSet<iam.PolicyStatement>();

/** Marks a statement as the library's own: `EncryptionKey.addToResourcePolicy` adds it as it is. */
export function asLibraryStatement(statement: iam.PolicyStatement): iam.PolicyStatement {
  libraryStatements.add(statement);
  return statement;
}

/**
 * `statement` with the account as principal and `aws:PrincipalArn` (under `operator`) naming the roles instead.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function onAccountRoot(statement: iam.PolicyStatement, partition: string, account: string, operator: 'ArnEquals' | 'ArnLike', arns: string[]): iam.PolicyStatement {
  const conditions: Record<string, Record<string, unknown>> = { ...statement.conditions };
  conditions[operator] = { ...conditions[operator], 'aws:PrincipalArn': arns.length === 1 ? arns[0] : arns };
  return new iam.PolicyStatement({
    sid: statement.sid,
    effect: statement.effect,
    principals: [new iam.ArnPrincipal(`arn:${partition}:iam::${account}:root`)],
    actions: statement.actions,
    resources: statement.resources,
    conditions,
  });
}

/** The key a statement is rewritten for: where its policy lives and whether its root may use it. */
export interface GrantTarget extends IConstruct {
  readonly keyArn: string;
  /** Strict mode: the account root administers the key but may not use it. */
  readonly strictMode: boolean;
}

/**
 * The statements a key's policy holds instead of `statement` (which does not come from the library):
 *
 * - an IAM role named as principal (directly, or through Secrets Manager, SQS, ... as `kms.ViaServicePrincipal`, which
 *   `secret.grantRead` uses) becomes its account as principal with the role in `aws:PrincipalArn`: KMS rejects a key
 *   policy naming a principal it cannot see yet, and a role created in the same deployment may not be visible. The
 *   account principal lets the role's own IAM policy decide too, so a role named through a service also gets the IAM
 *   statement aws-cdk-lib could not give it (a `ViaServicePrincipal` takes no IAM statement);
 * - an AWS service principal allowed to use the key without any condition is refused: aws-cdk-lib writes one for a rule
 *   target or a subscription whose queue or topic is on the key, without the rule or topic it serves, so it lets the
 *   service use the key for any account and any resource; the error says how to get a conditioned statement instead;
 * - in strict mode, the account root allowed to use the key without any condition is refused (strict mode exists to
 *   take exactly that away; aws-cdk-lib writes it for a grant to a principal of a stack that depends on the key's
 *   stack), and the root allowed to use it through Secrets Manager (aws-cdk-lib's `secretsmanager.Secret` writes that
 *   for every secret on the key) keeps encryption, but decrypts only Secrets Manager's own key checks: reading a
 *   secret takes a grant (`secret.grantRead(role)`) that names the reader;
 * - everything else (Deny statements, other principals, conditioned statements) is kept as it is.
 */
export function inLibraryForm(key: GrantTarget, statement: iam.PolicyStatement): iam.PolicyStatement[] {
  if (libraryStatements.has(statement) || statement.effect !== iam.Effect.ALLOW || statement.principals.length === 0
    || statement.notPrincipals.length > 0 || statement.notActions.length > 0) {
    return [statement];
  }
  const roles: iam.IRole[] = [];
  const viaServiceRoles: iam.IRole[] = [];
  const services: iam.IPrincipal[] = [];
  const roots: iam.IPrincipal[] = [];
  const others: iam.IPrincipal[] = [];
  for (const principal of statement.principals) {
    const base = viaServiceBase(principal);
    if (isRole(principal)) roles.push(principal);
    else if (base && isRole(base)) viaServiceRoles.push(base);
    else if (isService(principal)) services.push(principal);
    else if (isAccountRoot(principal) || (base && isAccountRoot(base))) roots.push(principal);
    else others.push(principal);
  }
  const conditioned = Object.keys(statement.conditions).length > 0;
  const usage = statement.actions.filter(isUsage);
  if (services.length > 0 && !conditioned && usage.length > 0) {
    throw new PropValidationError(serviceMessage(key, services, usage));
  }
  if (key.strictMode && roots.length > 0 && !conditioned && usage.length > 0) {
    throw new PropValidationError(rootMessage(key, usage));
  }

  const named = [...roles, ...viaServiceRoles];
  const narrowed = key.strictMode && roots.length > 0 && throughSecretsManager(statement);
  if (named.length === 0 && !narrowed) return [statement];

  const out: iam.PolicyStatement[] = [];
  const withPrincipals = (principals: iam.IPrincipal[]) => new iam.PolicyStatement({
    sid: statement.sid, effect: statement.effect, principals, actions: statement.actions, resources: statement.resources, conditions: statement.conditions,
  });
  const partition = stackEnvironment(key).partition;
  for (const [account, group] of byAccount(key, named)) {
    out.push(onAccountRoot(statement, partition, account, 'ArnEquals', group.map(r => r.roleArn)));
  }
  for (const role of viaServiceRoles) {
    // aws-cdk-lib could not give a role behind a ViaServicePrincipal its IAM side; the account principal needs it.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: statement.actions, resources: [key.keyArn], conditions: statement.conditions }));
  }
  if (services.length > 0) out.push(withPrincipals(services));
  if (roots.length > 0) out.push(...(narrowed ? narrowSecretsManager(withPrincipals(roots)) : [withPrincipals(roots)]));
  if (others.length > 0) out.push(withPrincipals(others));
  return out;
}

/**
 * Whether the statement lets every principal of the account use the key through Secrets Manager (`kms:ViaService`)
 * for every secret: no principal named by `aws:PrincipalArn`, no secret named by its encryption context. (A statement
 * the library printed for a key owner to paste names one or the other.)
 */
function throughSecretsManager(statement: iam.PolicyStatement): boolean {
  const conditions = Object.values(statement.conditions).filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null);
  const via = statement.conditions.StringEquals?.['kms:ViaService'];
  const scoped = conditions.some(c => Object.keys(c).some(k => k === 'aws:PrincipalArn' || k.startsWith('kms:EncryptionContext')));
  return typeof via === 'string' && via.startsWith('secretsmanager.') && !scoped;
}

/**
 * Strict mode: the account root's use of the key through Secrets Manager keeps what a creator or writer of a secret
 * needs (its value encrypted under a new data key, "the user must have ... kms:GenerateDataKey"), and the decryption of
 * Secrets Manager's key checks ("Secrets Manager calls the GenerateDataKey and Decrypt operations ... to validate that
 * the caller has permission ... the SecretVersionId value is RequestToValidateKeyAccess"), not the decryption of a
 * secret's value (GetSecretValue) nor a re-encryption of it under another key: those take a statement that names the
 * reader (`secret.grantRead(role)`).
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
function narrowSecretsManager(statement: iam.PolicyStatement): iam.PolicyStatement[] {
  const kept = statement.actions.filter(a => !/^kms:(Decrypt|ReEncrypt)/.test(a) && a !== 'kms:*');
  const decrypts = statement.actions.some(a => a === 'kms:Decrypt' || a === 'kms:*');
  const out: iam.PolicyStatement[] = [];
  const copy = (actions: string[], conditions: Record<string, Record<string, unknown>>) => new iam.PolicyStatement({
    sid: statement.sid, effect: statement.effect, principals: statement.principals, actions, resources: statement.resources, conditions,
  });
  if (kept.length > 0) out.push(copy(kept, statement.conditions));
  if (decrypts) {
    const conditions = { ...statement.conditions };
    conditions.StringEquals = { ...conditions.StringEquals, 'kms:EncryptionContext:SecretVersionId': SECRETS_MANAGER_KEY_CHECK };
    out.push(copy(['kms:Decrypt'], conditions));
  }
  return out;
}

/** KMS actions that use the key (not the ones that only read its metadata). */
function isUsage(action: string): boolean {
  return action.startsWith('kms:') && !/^kms:(Describe|Get|List)/.test(action);
}

function isRole(principal: iam.IPrincipal): principal is iam.IRole {
  return typeof (principal as Partial<iam.IRole>).roleArn === 'string';
}

function isService(principal: iam.IPrincipal): boolean {
  const json = principal.policyFragment.principalJson;
  return Object.keys(json).length === 1 && json.Service !== undefined;
}

function isAccountRoot(principal: iam.IPrincipal): boolean {
  if (principal instanceof iam.AccountPrincipal) return true;
  const json = principal.policyFragment.principalJson;
  return Object.keys(json).length === 1 && json.AWS !== undefined
    && [json.AWS].flat().every(arn => typeof arn === 'string' && /:iam::[^:/]+:root$/.test(arn));
}

/**
 * The principal a `kms.ViaServicePrincipal` stands for. aws-cdk-lib keeps it in a private field; when a version renames
 * it, the statement is kept as aws-cdk-lib wrote it, and the tests that call `secret.grantRead` fail.
 */
function viaServiceBase(principal: iam.IPrincipal): iam.IPrincipal | undefined {
  if (!(principal instanceof kms.ViaServicePrincipal)) return undefined;
  return (principal as unknown as { basePrincipal?: iam.IPrincipal }).basePrincipal;
}

/** Roles grouped by the account that owns them (the key's account when a role's is not known). */
function byAccount(key: GrantTarget, roles: iam.IRole[]): Map<string, iam.IRole[]> {
  const groups = new Map<string, iam.IRole[]>();
  for (const role of roles) {
    const account = role.env.account ?? stackEnvironment(key).account;
    groups.set(account, [...(groups.get(account) ?? []), role]);
  }
  return groups;
}

function serviceMessage(key: GrantTarget, services: iam.IPrincipal[], actions: string[]): string {
  const names = services.map(s => (s instanceof iam.ServicePrincipal ? s.service : JSON.stringify(Stack.of(key).resolve(s.policyFragment.principalJson)))).join(', ');
  return [
    `${key.node.path}: a statement would let the AWS service ${names} use this key (${actions.join(', ')}) with no condition, `
      + 'that is for any account and any resource, next to the library\'s statements, which each name what they serve. '
      + 'aws-cdk-lib writes such a statement when a queue or topic encrypted with this key becomes a rule target or a subscription, '
      + 'without the rule or topic it serves, so the library cannot narrow it. Instead:',
    '  - an SQS queue as an EventBridge rule target (targets.SqsQueue): set the feature flag "@aws-cdk/aws-events:eventsTargetQueueSameAccount": true '
      + '(cdk.json context), with which aws-cdk-lib conditions the statement on aws:SourceAccount;',
    '  - an SNS topic as an EventBridge rule target (targets.SnsTopic): pass { authorizeUsingRole: true }, so EventBridge publishes with a role, '
      + 'which the key policy names by aws:PrincipalArn (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-custom-bus-target-sns.html);',
    '  - an SQS queue subscribed to an SNS topic (subscriptions.SqsSubscription): set the feature flag '
      + '"@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption": true, which conditions the statement on the topic (aws:SourceArn);',
    '  - otherwise, encrypt the queue or topic with a key of its own. See docs/key-grants.md.',
  ].join('\n');
}

function rootMessage(key: GrantTarget, actions: string[]): string {
  return `${key.node.path}: the key is in strict mode, and a statement would let every principal of the account whose IAM policy allows it use the key `
    + `(${actions.join(', ')}) with no condition, which is what strict mode takes away. aws-cdk-lib writes such a statement for a grant to a principal `
    + 'of another stack that depends on this key\'s stack (it cannot name that principal without a dependency cycle), or for a grant to the account itself. '
    + 'Grant a principal of this stack (or an imported role: Role.fromRoleArn), or turn strict mode off for this key. See docs/key-grants.md.';
}
