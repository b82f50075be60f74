import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { shortHash } from './arns';

/** A resource whose policy the library adds to: a topic, a queue, a bucket (`addToResourcePolicy`). */
export interface PolicyHolder extends IConstruct {
  addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;
}

/** The one statement a service principal may use a shared resource through, for every source of a stack. */
export interface SharedSourceStatement {
  /** The statement's id prefix; a hash of the resource's path makes it unique in the policy. */
  readonly sid: string;
  readonly principal: iam.ServicePrincipal;
  readonly actions: string[];
  /** The resource ARN(s) in the statement. */
  readonly resources: string[];
  /** The condition operator that lists the sources (e.g. `ArnEquals`). */
  readonly operator: string;
  /** The context key it applies to (e.g. `aws:SourceArn`). */
  readonly sourceKey: string;
  /** Conditions besides the source list (e.g. `StringEquals aws:SourceAccount`). */
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/**
 * Allows one more source (an alarm, a rule, a bus) through ONE statement per resource, statement kind and stack,
 * whose source condition lists every source: a statement per construct would grow a shared resource's policy by a few
 * hundred bytes each, and resource policies are small — SNS: 100 statements and 30 KB per topic policy; SQS: 20
 * statements and 8,192 bytes per queue policy. Each source then costs only its ARN.
 *
 * Returns false when the resource's policy cannot be edited here (an imported resource): the caller warns.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html#sns-policy-quotas
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
 */
export function allowSource(holder: PolicyHolder, statement: SharedSourceStatement, sourceArn: string): boolean {
  const stack = Stack.of(holder);
  const perStack = SOURCES.get(stack) ?? new Map<string, { added: boolean; sources: string[] }>();
  SOURCES.set(stack, perStack);
  const id = `${holder.node.path}|${statement.sid}`;
  let entry = perStack.get(id);
  if (!entry) {
    const sources: string[] = [];
    const added = holder.addToResourcePolicy(new iam.PolicyStatement({
      sid: `${statement.sid}${shortHash(holder.node.path)}`,
      principals: [statement.principal],
      actions: statement.actions,
      resources: statement.resources,
      conditions: { ...statement.conditions, [statement.operator]: { [statement.sourceKey]: Lazy.any({ produce: () => (sources.length === 1 ? sources[0] : sources) }) } },
    })).statementAdded;
    entry = { added, sources };
    perStack.set(id, entry);
  }
  if (!entry.sources.includes(sourceArn)) entry.sources.push(sourceArn);
  return entry.added;
}

const SOURCES = new WeakMap<Stack, Map<string, { added: boolean; sources: string[] }>>();
