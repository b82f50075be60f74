import { NagRuleCompliance } from 'cdk-nag';
import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';
import { getAttTarget, TemplateResource, TemplateView } from '../template';

/**
 * The `DeadLetterConfig.Arn` values of the template: a schedule's target, an EventBridge rule's targets, an event bus,
 * and a pipe's source parameters.
 */
function deadLetterArns(template: TemplateView): unknown[] {
  return [
    ...template.ofType('AWS::Scheduler::Schedule').map(s => s.properties.Target?.DeadLetterConfig?.Arn),
    ...template.ofType('AWS::Events::Rule').flatMap(r => [r.properties.Targets ?? []].flat().map((t: any) => t?.DeadLetterConfig?.Arn)),
    ...template.ofType('AWS::Events::EventBus').map(b => b.properties.DeadLetterConfig?.Arn),
    ...template.ofType('AWS::Pipes::Pipe').flatMap(p => Object.values<any>(p.properties.SourceParameters ?? {}).map(source => source?.DeadLetterConfig?.Arn)),
  ];
}

/** Whether a queue of the template is a dead-letter queue of a schedule, rule target, bus or pipe (named with `Fn::GetAtt`). */
export function isDeadLetterQueue(queue: TemplateResource, template: TemplateView): boolean {
  return deadLetterArns(template).some(arn => getAttTarget(arn) === queue.logicalId);
}

/**
 * The dead-letter queues of schedules, rule targets, event buses and pipes are encrypted with a customer managed key
 * (`KmsMasterKeyId`, not `alias/aws/sqs`): a dead letter is the event or payload itself. A queue with SQS-managed
 * encryption (`SqsManagedSseEnabled`, the default without a key) has no `KmsMasterKeyId`.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
 */
export const DeadLetterQueueCMK: CmkRule = {
  id: 'DeadLetterQueueCMK',
  resourceTypes: ['AWS::SQS::Queue'],
  info: 'The dead-letter queue of a schedule, rule target, event bus or pipe is not encrypted with a customer managed KMS key (KmsMasterKeyId).',
  explanation: 'A dead letter is the undelivered event or payload itself, kept for up to 14 days (the longest SQS retention). A queue with SQS-managed encryption or the AWS managed key alias/aws/sqs keeps it out of reach of the key policy that protects it at its source.',
  fix: 'Set KmsMasterKeyId to a customer managed key other than the source\'s (a dead letter caused by a disabled key must still be deliverable) whose policy lets the sender use it.',
  fixedBy: 'EncryptedSchedule, EncryptedArchive (their dead-letter queues, on the stack\'s dead-letter key)',
  docs: [
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html',
  ],
  check: (resource, template) => {
    if (!isDeadLetterQueue(resource, template)) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(namesCustomerManagedKey(resource.properties.KmsMasterKeyId));
  },
};
