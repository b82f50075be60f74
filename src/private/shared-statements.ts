import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * The resource-policy quotas of the topics and queues the library shares per stack.
 *
 * - SNS: "Bytes 30 kb, Statements 100" per topic policy. "30 kb" is read as 30,000 bytes, the smaller reading, so
 *   that a policy the guard lets through cannot fail the deploy.
 * - SQS: "Bytes 8,192, Statements 20" per queue policy.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html#sns-policy-quotas
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
 */
export const RESOURCE_POLICY_QUOTAS = {
  topic: { bytes: 30_000, statements: 100, service: 'SNS topic policy', doc: 'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html#sns-policy-quotas' },
  queue: { bytes: 8_192, statements: 20, service: 'SQS queue policy', doc: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html' },
};

/** What one shared statement allows: a service principal's one action on the topic or queue. */
export interface SharedStatementOptions {
  /** The statement id, unique in the policy (one statement per sid). */
  readonly sid: string;
  readonly principal: iam.IPrincipal;
  readonly action: string;
  /** `aws:SourceAccount`, when the service sends it for this call. */
  readonly sourceAccount?: string;
  /** What the user can do when the policy outgrows its quota (the synth error's last sentence). */
  readonly fix?: string;
}

type PolicyHolder = sns.ITopic | sqs.IQueue;
interface Shared { readonly sourceArns: string[]; readonly managed: boolean }
const registry = new WeakMap<PolicyHolder, Map<string, Shared>>();
const guarded = new WeakSet<PolicyHolder>();

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
    if (statementAdded) guardPolicySize(holder, options.fix);
  }
  for (const arn of sourceArns) {
    if (!shared.sourceArns.includes(arn)) shared.sourceArns.push(arn);
  }
  return shared.managed;
}

/**
 * Fails synthesis when the policy of a topic or queue of this app would pass its service's quota (bytes or
 * statements), naming the quota, the size and the fix, instead of the deploy failing.
 */
function guardPolicySize(holder: PolicyHolder, fix = 'Too many constructs of this stack share it: move some of them to another stack, or give them a topic of your own.'): void {
  if (guarded.has(holder)) return;
  guarded.add(holder);
  const quota = 'topicArn' in holder ? RESOURCE_POLICY_QUOTAS.topic : RESOURCE_POLICY_QUOTAS.queue;
  holder.node.addValidation({
    validate: () => {
      const policy = holder.node.tryFindChild('Policy') as { document?: iam.PolicyDocument } | undefined;
      if (!policy?.document) return [];
      const resolved = Stack.of(holder).resolve(policy.document.toJSON());
      const bytes = estimatedPolicyBytes(resolved);
      const statements = (resolved?.Statement ?? []).length;
      if (bytes <= quota.bytes && statements <= quota.statements) return [];
      return [
        `the ${quota.service} of ${holder.node.path} would be about ${bytes} bytes in ${statements} statements; `
        + `AWS accepts at most ${quota.bytes} bytes and ${quota.statements} statements (${quota.doc}). ${fix}`,
      ];
    },
  });
}

/**
 * The length of a resolved policy document as AWS will receive it (JSON without white space), each deploy-time value
 * counted at its longest likely length: pseudo parameters at their longest value, `Fn::Join` as its parts, any other
 * reference (`Fn::GetAtt`, `Ref` to a resource) as 128 characters.
 */
export function estimatedPolicyBytes(resolved: unknown): number {
  return Buffer.byteLength(JSON.stringify(withEstimatedValues(resolved)));
}

/** Longest values of the pseudo parameters a policy may name (`aws-iso-b`... are shorter than `aws-us-gov`). */
const PSEUDO_PARAMETER_LENGTHS: { [name: string]: number } = {
  'AWS::Partition': 10, 'AWS::Region': 16, 'AWS::AccountId': 12, 'AWS::URLSuffix': 20, 'AWS::StackName': 128,
};
const REFERENCE_LENGTH = 128;

function withEstimatedValues(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withEstimatedValues);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as { [key: string]: unknown });
  if (entries.length === 1) {
    const [name, value] = entries[0];
    if (name === 'Ref') return 'x'.repeat(PSEUDO_PARAMETER_LENGTHS[value as string] ?? REFERENCE_LENGTH);
    if (name === 'Fn::Join' && Array.isArray(value) && Array.isArray(value[1])) {
      return value[1].map(part => {
        const estimated = withEstimatedValues(part);
        return typeof estimated === 'string' ? estimated : 'x'.repeat(REFERENCE_LENGTH);
      }).join(String(value[0]));
    }
    if (name.startsWith('Fn::')) return 'x'.repeat(REFERENCE_LENGTH);
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, withEstimatedValues(value)]));
}
