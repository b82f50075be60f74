import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges each rule on one construct, with its reason. Every acknowledgement the library makes goes through
 * here and is listed in the README ("cdk-nag results").
 */
export function acknowledgeEach(scope: IConstruct, reasons: Record<string, string>): void {
  // Recorded exactly as `Validations.of(scope).acknowledge()` records them (same metadata key, same id
  // qualification), but in one entry and without a stack trace: capturing one per acknowledgement was the largest
  // single synthesis cost of the constructs (see BENCHMARKS.md). Finding ids that name a deploy-time value (e.g.
  // `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:...]`) hold more than one '::', which `acknowledge` rejects;
  // they are recorded unqualified, which is how cdk-nag matches them.
  const entry: Record<string, string> = {};
  for (const [id, reason] of Object.entries(reasons)) {
    const parts = id.split('::');
    entry[parts.length === 1 ? `annotation::${id}` : id] = reason;
  }
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, entry, { stackTrace: false });
}

/**
 * A dead-letter queue is the end of the line: it has no dead-letter queue of its own. The rules that want every
 * queue to have one (or to be one, as seen from another queue's redrive policy) cannot see a rule or schedule target.
 *
 * Only for a queue that does not carry a `RedriveAllowPolicy`: Control Tower's hooks never read this acknowledgement.
 * Library dead-letter queues are created with `newDeadLetterQueue`, whose `RedriveAllowPolicy` passes `sqs_dlq_check`
 * by property.
 */
export function acknowledgeDeadLetterQueue(queue: IConstruct, usedBy: string): void {
  const reason = `This queue is the dead-letter queue of ${usedBy}; a dead-letter queue has no dead-letter queue of its own.`;
  acknowledgeEach(queue, {
    'AwsSolutions-SQS3': reason,
    'Serverless-SQSRedrivePolicy': reason,
    'sqs_dlq_check': reason,
  });
}

/**
 * The text cdk-nag shows for a policy resource in a finding id (`AwsSolutions-IAM5[Resource::<this>]`): literals as
 * they are, pseudo parameters as `<AWS::Region>`, other references as `<LogicalId.Attribute>`.
 */
export function nagResourceText(scope: IConstruct, value: string): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, any>;
    if (o.Ref !== undefined) return `<${o.Ref}>`;
    if (o['Fn::GetAtt'] !== undefined) return `<${[o['Fn::GetAtt']].flat().join('.')}>`;
    if (o['Fn::Join'] !== undefined) return (o['Fn::Join'][1] as unknown[]).map(render).join(o['Fn::Join'][0]);
    return JSON.stringify(v);
  };
  return render(Stack.of(scope).resolve(value));
}
