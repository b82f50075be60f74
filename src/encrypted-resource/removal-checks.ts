import { Annotations, CfnDeletionPolicy, CfnResource, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/** The warning that a construct's key is deleted with the stack while data encrypted under it is kept. */
export const KEY_DESTROYED_DATA_KEPT_WARNING = 'cdk-encrypted-constructs:key-destroyed-data-kept';

/**
 * Data encrypted under a construct's key: what it is, and what decides whether it outlives the stack, either its L1
 * resource (whose `DeletionPolicy` is read when the app is validated) or a removal policy known up front.
 */
export interface EncryptedData {
  /** What it is, for the message (`the final snapshot of the DB instance`, `the archive`). */
  readonly what: string | ((policy: RemovalPolicy) => string);
  readonly resource?: CfnResource;
  readonly removalPolicy?: RemovalPolicy;
}

/** The removal policies that leave data behind when the stack is deleted or the resource replaced. */
const KEEPS_DATA: readonly RemovalPolicy[] = [RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE];

/**
 * Warns (acknowledgeably, {@link KEY_DESTROYED_DATA_KEPT_WARNING}) when the key is deleted with the stack while data
 * encrypted under it is kept: a retained archive, a DB snapshot, a retained log group. KMS deletes the key at the end
 * of its waiting period, and "After a KMS key is deleted, you can no longer decrypt the data that was encrypted under
 * that KMS key, which means that data becomes unrecoverable": what was kept to be safe becomes unreadable.
 *
 * The key's removal policy is its `AWS::KMS::Key`'s `DeletionPolicy: Delete` (what `keyOptions.removalPolicy:
 * RemovalPolicy.DESTROY`, a `kms.Key` made with `removalPolicy: DESTROY` or `RemovalPolicies.of(scope).destroy()`
 * render); an imported key shows none and is left alone. Both sides are read when the app is validated, after the
 * aspects (such as `RemovalPolicies`) have set their policies, so a policy applied after the construct counts too.
 *
 * @param carrier where the warning goes: a child of the construct users acknowledge it on (see {@link afterAspects})
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
 */
export function warnIfKeyDestroyedBeforeData(carrier: IConstruct, key: kms.IKey, data: EncryptedData[]): void {
  afterAspects(carrier, () => {
    const cfnKey = keyResource(key);
    if (cfnKey?.cfnOptions.deletionPolicy !== CfnDeletionPolicy.DELETE) return;
    const kept = data.map(d => ({ d, policy: d.resource ? removalPolicyOf(d.resource) : d.removalPolicy }))
      .filter((k): k is { d: EncryptedData; policy: RemovalPolicy } => k.policy !== undefined && KEEPS_DATA.includes(k.policy));
    if (kept.length === 0) return;
    const window = cfnKey.pendingWindowInDays;
    const when = window === undefined ? '30 days (its default waiting period)' : Token.isUnresolved(window) ? 'its waiting period' : `${window} days`;
    const what = kept.map(({ d, policy }) => `${typeof d.what === 'string' ? d.what : d.what(policy)} (removal policy ${policyName(policy)})`);
    Annotations.of(carrier).addWarningV2(KEY_DESTROYED_DATA_KEPT_WARNING, [
      `The key ${key.node.path} is deleted with the stack (removal policy DESTROY), but ${what.join(' and ')} will be kept.`,
      `KMS deletes the key ${when} after the stack deletion schedules it, and data encrypted under a deleted key can never be decrypted again`,
      '(https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).',
      'Keep the key (keyOptions.removalPolicy RETAIN, the default), or acknowledge this warning if that data may be lost with it.',
    ].join(' '));
  });
}

/**
 * Runs `check` once, when the app is validated: after the aspects have run (a removal policy set by
 * `RemovalPolicies.of(scope)` is in place) and before the assembly is written (a warning it adds is reported).
 * `carrier.node.validate()` runs it too, without synthesizing.
 *
 * A warning the check adds goes on `carrier`, which must be below the construct users acknowledge it on:
 * aws-cdk-lib suppresses a new warning acknowledged on an ancestor of its node, while an acknowledgement on the node
 * itself only removes the warnings already there (`Annotations.acknowledgeWarning`), and the user acknowledges after
 * creating the construct, before this check runs.
 */
export function afterAspects(carrier: IConstruct, check: () => void): void {
  let done = false;
  carrier.node.addValidation({
    validate: () => {
      if (!done) check();
      done = true;
      return [];
    },
  });
}

/** The removal policy an L1 resource will be given (its `DeletionPolicy`), or undefined when it has none. */
export function removalPolicyOf(resource: CfnResource): RemovalPolicy | undefined {
  switch (resource.cfnOptions.deletionPolicy) {
    case CfnDeletionPolicy.DELETE: return RemovalPolicy.DESTROY;
    case CfnDeletionPolicy.RETAIN: return RemovalPolicy.RETAIN;
    case CfnDeletionPolicy.SNAPSHOT: return RemovalPolicy.SNAPSHOT;
    case CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE: return RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    default: return undefined;
  }
}

/** `RemovalPolicy.SNAPSHOT` -> `SNAPSHOT`, as a user writes it. */
function policyName(policy: RemovalPolicy): string {
  return Object.entries(RemovalPolicy).find(([, value]) => value === policy)?.[0] ?? String(policy);
}

/** The `AWS::KMS::Key` behind a key of this app, or undefined for an imported key. */
function keyResource(key: kms.IKey): kms.CfnKey | undefined {
  const child = key.node.defaultChild;
  return CfnResource.isCfnResource(child) && child.cfnResourceType === kms.CfnKey.CFN_RESOURCE_TYPE_NAME ? child as kms.CfnKey : undefined;
}
