import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges each rule on one construct, with its reason. Every acknowledgement the library makes goes through
 * here and is listed in the README ("cdk-nag results").
 */
export function acknowledgeEach(scope: IConstruct, reasons: Record<string, string>): void {
  for (const [id, reason] of Object.entries(reasons)) {
    if (id.split('::').length > 2) {
      // A finding id that names a deploy-time value (e.g. `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:...]` in an
      // environment-agnostic stack) holds more than one '::', which Validations.acknowledge rejects. Record it the way
      // acknowledge does, unqualified: cdk-nag matches the id exactly.
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason }, { stackTrace: true });
    } else {
      Validations.of(scope).acknowledge({ id, reason });
    }
  }
}

/**
 * A dead-letter queue is the end of the line: it has no dead-letter queue of its own. The rules that want every
 * queue to have one (or to be one, as seen from another queue's redrive policy) cannot see a rule or schedule target.
 */
export function acknowledgeDeadLetterQueue(queue: IConstruct, usedBy: string): void {
  const reason = `This queue is the dead-letter queue of ${usedBy}; a dead-letter queue has no dead-letter queue of its own.`;
  acknowledgeEach(queue, {
    'AwsSolutions-SQS3': reason,
    'Serverless-SQSRedrivePolicy': reason,
    'sqs_dlq_check': reason,
  });
}
