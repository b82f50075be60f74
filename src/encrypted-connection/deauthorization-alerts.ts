import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { watchChannelKey } from '../audit/audit-key';
import { KeyTamperingAlert } from '../audit/tampering-alert';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { CONNECTION_FACTS } from '../services/events/connection-facts';
import { alarmOnRuleDeliveryFailures, allowEventBridgeDeadLetters, SharedAlarmTopic } from '../stack/alarm-topic';
import { registerAlertTopic } from '../stack/alert-routing';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';
import { topicTarget } from '../stack/rule-targets';

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
  const environment = stackEnvironment(scope);
  // The stack's alert hub unless auditing is off.
  const hub = auditTrailArn !== undefined ? KeyTamperingAlert.hubOf(scope) : undefined;
  // A topic the user brings, encrypted: EventBridge must be able to use its key (the topic policy alone is not enough).
  const topicKey = alertTopic?.masterKey;
  if (topicKey) {
    addKeyStatements(scope, topicKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }),
      `the deauthorization alert topic of EventBridge connection ${connectionName}`);
  }
  watchChannelKey(scope, topicKey); // the key the alerts travel through is watched (when the stack audits)
  let topic = alertTopic ?? hub?.alertTopic;
  if (!topic) {
    const alertKey = new EncryptionKey(scope, 'AlertKey', { protects: `the deauthorization alerts of EventBridge connection ${connectionName}` });
    const own = new sns.Topic(scope, 'AlertTopic', { displayName: 'EventBridge connection deauthorization alerts', masterKey: alertKey, enforceSSL: true });
    registerAlertTopic(own);
    topic = own;
    addKeyStatements(scope, alertKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }), 'the deauthorization alert topic');
  }

  // A deterministic rule name: the queue's key policy names the rule's ARN, which through Fn::GetAtt would be a cycle.
  const ruleName = `${deterministicName(scope, 57)}-deauth`;
  const ruleArn = formatArn(scope, { service: 'events', resource: 'rule', resourceName: ruleName });
  const rule = new events.Rule(scope, 'DeauthorizationRule', {
    ruleName,
    description: `EventBridge connection ${connectionName} is being or was deauthorized (e.g. its KMS key was disabled, deleted or became unreachable)`,
    eventPattern: {
      source: ['aws.events'],
      detailType: CONNECTION_FACTS.deauthorizationDetailTypes,
      detail: { ConnectionName: [connectionName] },
    },
  });
  const what = `A deauthorization alert of EventBridge connection ${connectionName}`;
  if (hub && topic === hub.alertTopic) {
    rule.addTarget(hub.alertTarget(rule, ruleName, what));
    return { topic, deadLetterQueue: hub.alertDeadLetterQueue, rule };
  }
  // The connection's own dead-letter queue (or the hub's, for a topic the user brings), on the stack's dead-letter key.
  const deadLetterQueue = hub?.alertDeadLetterQueue
    ?? newDeadLetterQueue(scope, 'AlertDeadLetterQueue', { key: SharedAlarmTopic.keyOf(scope), usedBy: 'the connection deauthorization rule' });
  allowEventBridgeDeadLetters(scope, [ruleArn]);
  alarmOnRuleDeliveryFailures(rule, ruleName, what);
  rule.addTarget(topicTarget(topic, ruleArn, deadLetterQueue));
  return { topic, deadLetterQueue, rule };
}
