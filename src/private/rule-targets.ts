import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * An SNS rule target that, unlike `aws-events-targets.SnsTopic`, adds NO key-policy statement: that one lets
 * `events.amazonaws.com` use the topic's key without any condition. The library adds its own conditioned statement
 * (`KeyPolicyStatements.topic`) instead. Publishing and dead-lettering are allowed only from the given rule (or rules:
 * `ruleArn` may be a lazily produced list; the rules after the first then pass `addPolicyStatements` false).
 */
export function topicTarget(topic: sns.ITopic, ruleArn: string, deadLetterQueue: sqs.IQueue, addPolicyStatements = true): events.IRuleTarget {
  const events_ = new iam.ServicePrincipal('events.amazonaws.com');
  const fromRule = { ArnEquals: { 'aws:SourceArn': ruleArn } };
  return {
    bind: () => {
      // A rule whose ARN is already among `ruleArn`'s (a lazily listed set of rules) adds no second statement.
      if (addPolicyStatements) {
        topic.addToResourcePolicy(new iam.PolicyStatement({
          principals: [events_], actions: ['sns:Publish'], resources: [topic.topicArn], conditions: fromRule,
        }));
        deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({
          principals: [events_], actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn], conditions: fromRule,
        }));
      }
      return {
        arn: topic.topicArn,
        deadLetterConfig: { arn: deadLetterQueue.queueArn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: Duration.hours(24).toSeconds() },
      };
    },
  };
}
