import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropValidator } from './validation';

/** Per stack: each claimed physical name (by kind) and the path of the construct that claimed it. */
const claims = new WeakMap<Stack, Map<string, string>>();

/**
 * Records an error when another construct of the same stack already deploys a resource of the same kind under the
 * same physical name: CloudFormation would create the first and fail on the second ("already exists"). Names that are
 * tokens are skipped. The claim is kept even when validation fails later (the app cannot synthesize anyway).
 *
 * @param kind what the name names, e.g. `EventBridge Scheduler schedule`; two kinds never collide
 * @param name the physical name (already normalized the way the service compares it, e.g. lower-cased)
 * @param shown the name as the message shows it (e.g. `nightly` for the key `default/nightly`)
 * @param path the path of the construct that deploys the resource (the scope's, unless it is a child not yet created)
 */
export function claimPhysicalName(v: PropValidator, scope: IConstruct, prop: string, kind: string, name: string | undefined, shown = name,
  path = scope.node.path): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  const stack = Stack.of(scope);
  const taken = claims.get(stack) ?? new Map<string, string>();
  claims.set(stack, taken);
  const key = `${kind}\u0000${name}`;
  const owner = taken.get(key);
  if (owner !== undefined && owner !== path) {
    v.check(false, prop, shown, `the ${kind} ${owner} already deploys to this name in the same stack: CloudFormation would fail on the second one; give each a name of its own`);
    return;
  }
  taken.set(key, path);
}
