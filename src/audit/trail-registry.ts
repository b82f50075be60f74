import { Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The stack that holds the account's trail: a nested stack's top-level parent. */
export function topLevelStack(stack: Stack): Stack {
  let current = stack;
  while (current.nestedStackParent) current = current.nestedStackParent;
  return current;
}

/** The account a stack deploys to, or the stage path for stacks whose account is known only at deploy time. */
export function accountKey(stack: Stack): string {
  return Token.isUnresolved(stack.account) ? `env-agnostic:${Stage.of(stack)?.node.path ?? ''}` : stack.account;
}

const registries = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** The library trails of the app of `stack`, by account. */
export function trailsOf(stack: Stack): Map<string, IConstruct> {
  const root = stack.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Map();
    registries.set(root, registry);
  }
  return registry;
}

/**
 * Records a trail for its account and fails synthesis when the app already holds a library trail in that account:
 * AWS allows 5 trails per region per account, not adjustable, and each extra one bills management events again.
 */
export function registerTrail(trail: IConstruct): void {
  // A trail the user builds in a nested stack counts for its top-level stack's account.
  const stack = topLevelStack(Stack.of(trail));
  const key = accountKey(stack);
  const registry = trailsOf(stack);
  const first = registry.get(key);
  if (!first) {
    registry.set(key, trail);
    return;
  }
  trail.node.addValidation({
    validate: () => [
      `${trail.node.path} would be a second cdk-encrypted-constructs audit trail in account ${key.startsWith('env-agnostic') ? '(known at deploy time)' : key}, `
      + `after ${first.node.path}. AWS allows 5 trails per region per account and one trail records every KMS call of the account: `
      + 'use KeyAuditTrail.of(scope) (one per account), or AuditTrail.fromTrailArn(...) for a trail that already exists.',
    ],
  });
}
