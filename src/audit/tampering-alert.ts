import { Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { GRANT_EVENT_NAMES, KEY_TAMPERING_EVENT_NAMES } from './constants';
import { TamperingRules } from './tampering-rules';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { PropValidationError } from '../internal/validation';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { allowEventBridgeDeadLetters, alarmOnRuleDeliveryFailures, SharedAlarmTopic } from '../stack/alarm-topic';
import { registerAlertTopic } from '../stack/alert-routing';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';
import { topicTarget } from '../stack/rule-targets';

/**
 * Where a stack's alerts go: the topic, the dead-letter queue for alerts that could not be delivered, and their keys.
 * One per stack (the stack's `KeyTamperingAlert`, also in the stack that holds the account trail), shared by the
 * key-tampering rules and every connection's deauthorization rule of the stack.
 *
 * An alert never travels through the key whose failure it reports, and a dead letter never through the key of the
 * destination it could not reach: the topic has a key of its own (`alertKey`, which protects nothing else), and the
 * dead-letter queue is on the stack's dead-letter key (`deadLetterKey`, the shared alarm topic's key). Each alert rule
 * has an alarm on its failed deliveries, published through the dead-letter key.
 */
export interface IAlertHub extends IConstruct {
  /** The topic that receives key-tampering (and connection deauthorization) alerts. */
  readonly alertTopic: sns.ITopic;
  /**
   * The queue that keeps the alerts EventBridge could not deliver to the topic, for every alert rule of the stack (the
   * key-tampering rules and each connection's deauthorization rule). Its policy lets EventBridge send only on behalf
   * of those rules. Encrypted with `deadLetterKey`, never with the alert topic's key.
   */
  readonly alertDeadLetterQueue: sqs.IQueue;
  /** The key of the alert topic (the topic's own key when a topic was given). */
  readonly alertKey: kms.IKey;
  /** The key of the alert dead-letter queue: the stack's alarm and dead-letter key. */
  readonly deadLetterKey: kms.IKey;
  /** Adds a key to the stack's key-tampering alert (once). */
  watchKey(key: kms.IKey): void;
  /**
   * Makes a rule deliver to the alert topic, dead-lettering into the alert dead-letter queue, with an alarm on its
   * failed deliveries.
   *
   * @param ruleName the rule's deterministic name (its ARN is named in the topic's and queue's policies)
   * @param what what the rule reports, for the alarm's description
   */
  alertTarget(rule: events.Rule, ruleName: string, what: string): events.IRuleTarget;
}

/**
 * The event pattern of the key-tampering alert: the KMS calls, recorded by CloudTrail, that disable, delete or
 * re-permission one of the watched keys. Grant calls count only when no AWS service made them: RDS, EBS and Secrets
 * Manager create and retire grants routinely for the resources a key protects (CloudTrail then records the service in
 * `userIdentity.invokedBy`, or `userIdentity.type` `AWSService`), and an alert that fires in normal operation is an
 * alert nobody reads.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/ct-creategrant.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://github.com/aws/event-ruler#or-relationship (`$or` beside other fields: all of them AND one branch)
 */
export function tamperingEventPattern(keyArns: string[]): events.EventPattern {
  // The key ARNs once, beside the $or (each listed twice, in both branches, a dozen keys filled EventBridge's 2,048).
  return {
    source: ['aws.kms'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      resources: { ARN: keyArns },
      $or: [
        { eventName: KEY_TAMPERING_EVENT_NAMES },
        { eventName: GRANT_EVENT_NAMES, userIdentity: { invokedBy: [{ exists: false }], type: [{ 'anything-but': ['AWSService'] }] } },
      ],
    },
  };
}

/** The characters of the tampering pattern with no key in it, as EventBridge receives it (compact JSON). */
function tamperingPatternCharacters(): number {
  return JSON.stringify(tamperingEventPattern([])).replace('"detailType"', '"detail-type"').length;
}

/** Options of a stack's key-tampering alert. */
export interface KeyTamperingAlertOptions {
  /**
   * Where the stack's alerts go. It may not be encrypted with a key it reports on; its key, if any, is watched too.
   *
   * @default - a new topic on a key of its own that protects nothing else
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * What happens to the alert's key and dead-letter queue when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The key-tampering alert of a stack, and its alert hub: every stack that holds a library key has one (the stack that
 * holds the account trail too).
 *
 * EventBridge rules on the watched keys' tampering calls (as many as the keys need, see {@link TamperingRules}) deliver
 * to an SNS topic encrypted with a key of its own (`Key`, which protects nothing but that topic: its EventBridge
 * statement cannot be narrowed, see `KeyPolicyStatements.topic`), unless a topic is given. Alerts that cannot be
 * delivered go to a dead-letter queue on the stack's dead-letter key (the shared alarm topic's key), and each rule has
 * an alarm on its failed deliveries published through that key: so tampering with the alert topic's key is still
 * heard, and tampering with the dead-letter key is reported through the alert topic. Child ids: `Key`, `AlertTopic`,
 * `AlertDeadLetterQueue`, `KeyTamperingRule` (then `KeyTamperingRule2`, ...) and `KeyTamperingRuleDeliveryFailures`.
 *
 * CloudTrail delivers the KMS management events to EventBridge in the region of the call; any trail of the account
 * that records them in that region (the library's multi-region trail, an organization trail) makes the rule fire.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export class KeyTamperingAlert extends Construct implements IAlertHub {
  /** The construct id of a stack's alert. */
  public static readonly ID = 'KeyTamperingAlert';

  /** The stack's alert hub: the stack's `KeyTamperingAlert`, created on first call. */
  public static hubOf(scope: IConstruct): IAlertHub {
    return KeyTamperingAlert.of(scope);
  }

  /**
   * The key-tampering alert of the stack of `scope`, created on first call with these options. A later call may not
   * give another topic: the options shape the alert once.
   */
  public static of(scope: IConstruct, options?: KeyTamperingAlertOptions): KeyTamperingAlert {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(KeyTamperingAlert.ID);
    if (existing instanceof KeyTamperingAlert) {
      if (options?.alertTopic !== undefined && options.alertTopic !== existing.alertTopic) {
        throw new PropValidationError(`${stack.node.path}/${KeyTamperingAlert.ID}: alertTopic: the stack's alert hub already exists with another topic; `
          + 'create the KeyAuditTrail with its alertTopic before the stack\'s first encrypted construct');
      }
      return existing;
    }
    return new KeyTamperingAlert(stack, KeyTamperingAlert.ID, options ?? {});
  }

  public readonly alertTopic: sns.ITopic;
  public readonly alertDeadLetterQueue: sqs.IQueue;
  public readonly alertKey: kms.IKey;
  public readonly deadLetterKey: kms.IKey;
  /** The first rule that matches tampering calls on the stack's watched keys (`tamperingRules` lists all of them). */
  public readonly tamperingRule: events.Rule;
  private readonly rules: TamperingRules;

  private constructor(scope: Construct, id: string, options: KeyTamperingAlertOptions) {
    super(scope, id);
    const removalPolicy = options.removalPolicy ?? RemovalPolicy.RETAIN;
    const environment = stackEnvironment(this);
    if (options.alertTopic) {
      this.alertTopic = options.alertTopic;
      this.alertKey = options.alertTopic.masterKey!;
    } else {
      const key = new EncryptionKey(this, 'Key', { protects: 'the key-tampering and deauthorization alerts of this stack', removalPolicy });
      this.alertKey = key;
      const topic = new sns.Topic(this, 'AlertTopic', { displayName: 'KMS key tampering alerts', masterKey: key, enforceSSL: true });
      registerAlertTopic(topic);
      this.alertTopic = topic;
    }
    if (this.alertTopic.masterKey) {
      addKeyStatements(this, this.alertTopic.masterKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }), 'the alert topic');
    }
    this.deadLetterKey = SharedAlarmTopic.keyOf(this);
    this.alertDeadLetterQueue = newDeadLetterQueue(this, 'AlertDeadLetterQueue', {
      key: this.deadLetterKey, removalPolicy, usedBy: 'the alert rules of this stack (key tampering, connection deauthorization)',
    });

    this.rules = new TamperingRules(this, deterministicName(this, 64), tamperingPatternCharacters(), (ruleId, ruleName, keyArns) => {
      const rule = new events.Rule(this, ruleId, {
        ruleName,
        description: 'KMS calls that disable, delete, re-tag or re-permission a key protected by cdk-encrypted-constructs',
        eventPattern: tamperingEventPattern(Lazy.uncachedList({ produce: keyArns }) as unknown as string[]),
      });
      rule.addTarget(this.alertTarget(rule, ruleName, 'A key-tampering alert'));
      return rule;
    });
    this.tamperingRule = this.rules.first;
    if (this.alertTopic.masterKey) this.watchKey(this.alertTopic.masterKey);
    this.watchKey(this.deadLetterKey);
  }

  /** Every rule of the alert: one per about 17 watched keys (EventBridge's event pattern size). */
  public get tamperingRules(): events.Rule[] {
    return [...this.rules.rules];
  }

  /**
   * Adds a key to the key-tampering alert of the app that watches it (once in the app, so each tampering call alerts
   * once): a key defined in a stack is watched by that stack's alert (created there if needed), where CloudTrail records
   * the calls that tamper with it; an imported key by the alert of the first stack that watches its ARN.
   */
  public watchKey(key: kms.IKey): void {
    const watcher = watcherOf(this, key);
    if (watcher === this) this.rules.watch(key);
    else watcher.watchKey(key);
  }

  public alertTarget(rule: events.Rule, ruleName: string, what: string): events.IRuleTarget {
    const ruleArn = formatArn(this, { service: 'events', resource: 'rule', resourceName: ruleName });
    allowEventBridgeDeadLetters(this, [ruleArn]);
    alarmOnRuleDeliveryFailures(rule, ruleName, what);
    return topicTarget(this.alertTopic, ruleArn, this.alertDeadLetterQueue);
  }
}

/** Per app: the alert that watches each imported key, by its ARN (keys defined in a stack are watched there). */
const IMPORTED_KEY_WATCHERS = new WeakMap<IConstruct, Map<string, KeyTamperingAlert>>();

/** The one alert of the app that watches `key`, asked by `alert`. */
function watcherOf(alert: KeyTamperingAlert, key: kms.IKey): KeyTamperingAlert {
  if (key instanceof kms.Key) {
    return Stack.of(key) === Stack.of(alert) ? alert : KeyTamperingAlert.of(key);
  }
  if (Token.isUnresolved(key.keyArn)) return alert; // known at deploy time only: cannot be compared, watched where used
  const root = alert.node.root;
  let watchers = IMPORTED_KEY_WATCHERS.get(root);
  if (!watchers) IMPORTED_KEY_WATCHERS.set(root, watchers = new Map());
  const first = watchers.get(key.keyArn);
  if (first) return first;
  watchers.set(key.keyArn, alert);
  return alert;
}
