import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { allowFromSources } from './shared-statements';

/** The statement id, in a topic's and a dead-letter queue's policy, that lists the library's alert rules. */
export const ALERT_RULES_SID = 'EncryptedConstructsAlertRules';

/**
 * An SNS rule target that, unlike `aws-events-targets.SnsTopic`, adds NO key-policy statement: that one lets
 * `events.amazonaws.com` use the topic's key without any condition. The library adds its own conditioned statement
 * (`KeyPolicyStatements.topic`) instead. Publishing and dead-lettering are allowed only from the library's rules that
 * target this topic or queue: ONE statement in the topic's policy and ONE in the queue's policy list every such rule's
 * ARN in `aws:SourceArn`, so a stack's shared alert topic and dead-letter queue (one per stack, used by the
 * key-tampering rule and every connection's deauthorization rule) do not grow one statement per rule. SQS accepts 20
 * statements and 8,192 bytes per queue policy: the policies' sizes are checked at synth (`guardStackQuotas`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function topicTarget(topic: sns.ITopic, ruleArn: string, deadLetterQueue: sqs.IQueue): events.IRuleTarget {
  const events_ = new iam.ServicePrincipal('events.amazonaws.com');
  return {
    bind: () => {
      allowFromSources(topic, { sid: ALERT_RULES_SID, principal: events_, action: 'sns:Publish' }, [ruleArn]);
      allowFromSources(deadLetterQueue, { sid: ALERT_RULES_SID, principal: events_, action: 'sqs:SendMessage' }, [ruleArn]);
      return {
        arn: topic.topicArn,
        deadLetterConfig: { arn: deadLetterQueue.queueArn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: Duration.hours(24).toSeconds() },
      };
    },
  };
}
