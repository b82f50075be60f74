import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { watchChannelKey } from '../audit/audit-key';
import { IAlertHub, KeyTamperingAlert } from '../audit/tampering-alert';
import { formatArn, stackEnvironment } from '../internal/arns';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { alarmOnRuleDeliveryFailures, allowEventBridgeDeadLetters, SharedAlarmTopic } from '../stack/alarm-topic';
import { registerAlertTopic } from '../stack/alert-routing';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';
import { topicTarget } from '../stack/rule-targets';

/** Where a construct's alert rules deliver: what the construct was given, and what its alerts are about. */
export interface AlertChannelOptions {
  /**
   * A topic the user gave: EventBridge gets a statement on its key (it must be able to use it), and its key is watched.
   * Without one, the stack's alert topic, or the construct's own.
   */
  readonly alertTopic?: sns.ITopic;
  /** The trail that audits the construct's key: the stack's alert hub is used only when there is one. */
  readonly auditTrailArn?: string;
  /** What the alerts are about, e.g. `the deauthorization alerts of EventBridge connection crm` (key descriptions). */
  readonly alerts: string;
  /** What a topic the user gave is for, in a warning listing the statements its key's owner must add. */
  readonly topicPurpose: string;
  /** The display name of the construct's own topic, when it needs one. */
  readonly topicDisplayName: string;
}

/** The topic a construct's alert rules deliver to. */
export interface AlertChannel {
  readonly topic: sns.ITopic;
  /** The stack's alert hub, when the stack audits its keys. */
  readonly hub?: IAlertHub;
}

/**
 * The topic a construct's alerts go to: the one given, else the stack's alert topic (the stack's `KeyTamperingAlert`)
 * when the stack audits its keys, else the construct's own (children `AlertKey` and `AlertTopic`: a key that protects
 * nothing else, since EventBridge's statement on an SNS key cannot be narrowed). The topic is never on the key of the
 * resource whose failure it reports. Every topic the construct creates is one of the app's alert topics
 * (`AlertRouting.routeAll` reaches it).
 */
export function alertChannel(scope: Construct, options: AlertChannelOptions): AlertChannel {
  const environment = stackEnvironment(scope);
  const hub = options.auditTrailArn !== undefined ? KeyTamperingAlert.hubOf(scope) : undefined;
  const given = options.alertTopic;
  if (given?.masterKey) {
    // an encrypted topic: EventBridge must be able to use its key (the topic policy alone is not enough)
    addKeyStatements(scope, given.masterKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }), options.topicPurpose);
  }
  watchChannelKey(scope, given?.masterKey); // the key the alerts travel through is watched (when the stack audits)
  const topic = given ?? hub?.alertTopic;
  if (topic) return { topic, hub };
  const alertKey = new EncryptionKey(scope, 'AlertKey', { protects: options.alerts });
  const own = new sns.Topic(scope, 'AlertTopic', { displayName: options.topicDisplayName, masterKey: alertKey, enforceSSL: true });
  registerAlertTopic(own);
  addKeyStatements(scope, alertKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }), options.topicPurpose);
  return { topic: own, hub };
}

/**
 * Makes the rule deliver to the channel's topic, keeping what it could not deliver in a dead-letter queue, with an
 * alarm on its failed deliveries (child `<rule id>DeliveryFailures`) published through the stack's alarm topic. The
 * stack's alert hub provides the queue when it provides the topic, or when the stack audits; otherwise the construct
 * gets its own (child `AlertDeadLetterQueue`). Every queue is on the stack's dead-letter key, never on the topic's.
 *
 * @param ruleName the rule's deterministic name (the topic's and queue's policies name its ARN)
 * @param what what the rule reports, for the alarm's description
 * @param deadLettersOf who sends to the construct's own dead-letter queue, for its acknowledgement reasons
 * @returns the dead-letter queue
 */
export function deliverAlerts(scope: Construct, channel: AlertChannel, rule: events.Rule, ruleName: string, what: string, deadLettersOf: string): sqs.IQueue {
  const { hub, topic } = channel;
  if (hub && topic === hub.alertTopic) {
    rule.addTarget(hub.alertTarget(rule, ruleName, what));
    return hub.alertDeadLetterQueue;
  }
  // The construct's own dead-letter queue (or the hub's, for a topic the user brings), on the stack's dead-letter key.
  const deadLetterQueue = hub?.alertDeadLetterQueue
    ?? newDeadLetterQueue(scope, 'AlertDeadLetterQueue', { key: SharedAlarmTopic.keyOf(scope), usedBy: deadLettersOf });
  const ruleArn = formatArn(scope, { service: 'events', resource: 'rule', resourceName: ruleName });
  allowEventBridgeDeadLetters(scope, [ruleArn]);
  alarmOnRuleDeliveryFailures(rule, ruleName, what);
  rule.addTarget(topicTarget(topic, ruleArn, deadLetterQueue));
  return deadLetterQueue;
}
