import { Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { guardStackQuotas } from '../quotas/quota-guards';

/** What one shared statement allows: a service principal's one action on the topic or queue. */
export interface SharedStatementOptions {
  /** The statement id, unique in the policy (one statement per sid). */
  readonly sid: string;
  readonly principal: iam.IPrincipal;
  readonly action: string;
  /** `aws:SourceAccount`, when the service sends it for this call. */
  readonly sourceAccount?: string;
}

type PolicyHolder = sns.ITopic | sqs.IQueue;
interface Shared { readonly sourceArns: string[]; readonly managed: boolean }
const registry = new WeakMap<PolicyHolder, Map<string, Shared>>();

/**
 * Lets a service principal act on the topic or queue on behalf of these sources (`aws:SourceArn`), through ONE
 * statement per (topic or queue, sid) whose `aws:SourceArn` lists every source ever added: the policy grows by one ARN
 * per source rather than one statement per source (SNS accepts 100 statements per topic policy, SQS 20 per queue
 * policy). The list is rendered at synthesis, so sources added later are included.
 *
 * Returns whether the statement is in a policy this app writes (false for an imported topic or queue).
 */
export function allowFromSources(holder: PolicyHolder, options: SharedStatementOptions, sourceArns: string[]): boolean {
  const bySid = registry.get(holder) ?? new Map<string, Shared>();
  registry.set(holder, bySid);
  let shared = bySid.get(options.sid);
  if (!shared) {
    const arns: string[] = [];
    const resourceArn = 'topicArn' in holder ? holder.topicArn : holder.queueArn;
    const { statementAdded } = holder.addToResourcePolicy(new iam.PolicyStatement({
      sid: options.sid,
      principals: [options.principal],
      actions: [options.action],
      resources: [resourceArn],
      conditions: {
        ...options.sourceAccount ? { StringEquals: { 'aws:SourceAccount': options.sourceAccount } } : {},
        // uncached: the list is read again at synthesis, after every construct has added its sources
        ArnEquals: { 'aws:SourceArn': Lazy.uncachedList({ produce: () => arns }) },
      },
    }));
    shared = { sourceArns: arns, managed: statementAdded };
    bySid.set(options.sid, shared);
    // SNS accepts 100 statements and 30 KB per topic policy, SQS 20 statements and 8,192 bytes per queue policy:
    // checked for every policy of the stack (quota-guards.ts).
    if (statementAdded) guardStackQuotas(holder);
  }
  for (const arn of sourceArns) {
    if (!shared.sourceArns.includes(arn)) shared.sourceArns.push(arn);
  }
  return shared.managed;
}
