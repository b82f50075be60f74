import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alertChannel, deliverAlerts } from '../encrypted-resource/alert-delivery';
import { deterministicName } from '../internal/names';
import { CONNECTION_FACTS } from '../services/events/connection-facts';

/** Where a connection's deauthorization alerts go, and the rule that sends them. */
export interface DeauthorizationAlerts {
  readonly topic: sns.ITopic;
  readonly deadLetterQueue: sqs.IQueue;
  readonly rule: events.Rule;
}

/**
 * The rule that sends the connection's deauthorization events to the alert topic, with a dead-letter queue and an
 * alarm on its failed deliveries. With auditing on, the stack's alert hub provides the topic (unless one is given)
 * and the dead-letter queue: one of each per stack, whose policies list every alert rule of the stack in one
 * statement each. Without it, the connection gets its own. The topic is never on the connection's key, whose loss is
 * what the alert reports, and the dead-letter queue never on the topic's key (it is on the stack's dead-letter key).
 */
export function deauthorizationAlerts(scope: Construct, connectionName: string, alertTopic: sns.ITopic | undefined,
  auditTrailArn: string | undefined): DeauthorizationAlerts {
  const channel = alertChannel(scope, {
    alertTopic,
    auditTrailArn,
    alerts: `the deauthorization alerts of EventBridge connection ${connectionName}`,
    topicPurpose: `the deauthorization alert topic of EventBridge connection ${connectionName}`,
    topicDisplayName: 'EventBridge connection deauthorization alerts',
  });

  // A deterministic rule name: the queue's key policy names the rule's ARN, which through Fn::GetAtt would be a cycle.
  const ruleName = `${deterministicName(scope, 57)}-deauth`;
  const rule = new events.Rule(scope, 'DeauthorizationRule', {
    ruleName,
    description: `EventBridge connection ${connectionName} is being or was deauthorized (e.g. its KMS key was disabled, deleted or became unreachable)`,
    eventPattern: {
      source: ['aws.events'],
      detailType: CONNECTION_FACTS.deauthorizationDetailTypes,
      detail: { ConnectionName: [connectionName] },
    },
  });
  const deadLetterQueue = deliverAlerts(scope, channel, rule, ruleName, `A deauthorization alert of EventBridge connection ${connectionName}`,
    'the connection deauthorization rule');
  return { topic: channel.topic, deadLetterQueue, rule };
}
