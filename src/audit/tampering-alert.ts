import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { GRANT_EVENT_NAMES, KEY_TAMPERING_EVENT_NAMES } from './constants';
import { lazyArns, TamperingRules } from './tampering-rules';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { formatArn, stackEnvironment } from '../private/arns';
import { newDeadLetterQueue } from '../private/dead-letter-queue';
import { deterministicName } from '../private/names';
import { topicTarget } from '../private/rule-targets';

/**
 * Where a stack's alerts go: the topic, the dead-letter queue for alerts that could not be delivered, and the key that
 * encrypts them. One per stack (the account trail in the stack that holds it, else the stack's `KeyTamperingAlert`),
 * shared by the key-tampering rule and every connection's deauthorization rule of the stack.
 */
export interface IAlertHub extends IConstruct {
  /** The topic that receives key-tampering (and connection deauthorization) alerts. */
  readonly alertTopic: sns.ITopic;
  /**
   * The queue that keeps the alerts EventBridge could not deliver to the topic, for every alert rule of the stack (the
   * key-tampering rule and each connection's deauthorization rule). Its policy lets EventBridge send only on behalf
   * of those rules.
   */
  readonly alertDeadLetterQueue: sqs.IQueue;
  /** The key of the alert topic and of the alert dead-letter queue. */
  readonly alertKey: kms.IKey;
  /** Adds a key to the stack's key-tampering alert (once). */
  watchKey(key: kms.IKey): void;
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

/**
 * Creates, on `scope`, the key-tampering alert of a stack: EventBridge rules on the watched keys' tampering calls (as
 * many as the keys need, see {@link TamperingRules}), an SNS topic encrypted with `key` (unless a topic is given) and a
 * dead-letter queue on `key` for alerts that could not be delivered, which the stack's other alert rules (connections'
 * deauthorization rules) share. Child ids: `AlertTopic`, `AlertDeadLetterQueue`,
 * `KeyTamperingRule` (then `KeyTamperingRule2`, ...). Watch keys with the returned `rules.watch`.
 */
export function createTamperingAlert(scope: Construct, key: kms.IKey, alertTopic?: sns.ITopic,
  removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN): { topic: sns.ITopic; rule: events.Rule; rules: TamperingRules; deadLetterQueue: sqs.Queue } {
  const environment = stackEnvironment(scope);
  const topic = alertTopic ?? new sns.Topic(scope, 'AlertTopic', { displayName: 'KMS key tampering alerts', masterKey: key, enforceSSL: true });
  if (!alertTopic) {
    addKeyStatements(scope, key, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }), 'the key-tampering alert topic');
  }
  // Alerts that cannot be delivered are kept in a dead-letter queue on the same key. One statement per topic, queue and
  // key lets every alert rule deliver (SQS accepts 20 statements per queue policy; see allowFromSources).
  const ruleArn = (name: string) => formatArn(scope, { service: 'events', resource: 'rule', resourceName: name });
  const ruleArns = lazyArns(() => rules.ruleNames.map(ruleArn));
  const deadLetters = newDeadLetterQueue(scope, 'AlertDeadLetterQueue', { key, removalPolicy, usedBy: 'the alert rules of this stack (key tampering, connection deauthorization)' });
  const rules: TamperingRules = new TamperingRules(scope, deterministicName(scope, 64), tamperingPatternCharacters(), (id, ruleName, keyArns) => new events.Rule(scope, id, {
    ruleName,
    description: 'KMS calls that disable, delete or re-permission a key protected by cdk-encrypted-constructs',
    eventPattern: tamperingEventPattern(Lazy.uncachedList({ produce: keyArns }) as unknown as string[]),
    targets: [topicTarget(topic, ruleArn(ruleName), deadLetters)],
  }));
  addKeyStatements(scope, key, [KeyPolicyStatements.queue({ ...environment, principals: [new iam.ServicePrincipal('events.amazonaws.com')], sourceArns: [ruleArns] })],
    'the alert dead-letter queue');
  return { topic, rule: rules.first, rules, deadLetterQueue: deadLetters };
}

/** The characters of the tampering pattern with no key in it, as EventBridge receives it (compact JSON). */
function tamperingPatternCharacters(): number {
  return JSON.stringify(tamperingEventPattern([])).replace('"detailType"', '"detail-type"').length;
}

/**
 * The key-tampering alert of a stack that does not hold the account's audit trail.
 *
 * The trail lives in one stack per account, and every stack alerts on its own keys. Created on first use; its topic
 * and dead-letter queue are encrypted with a key of its own.
 *
 * CloudTrail delivers the KMS management events to EventBridge in the region of the call; any trail of the account
 * that records them in that region (the library's multi-region trail, an organization trail) makes the rule fire.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export class KeyTamperingAlert extends Construct implements IAlertHub {
  /** The construct id of a stack's alert. */
  public static readonly ID = 'KeyTamperingAlert';

  /** The stack's alert hub: the audit trail when the stack holds it, else this stack's `KeyTamperingAlert`. */
  public static hubOf(scope: IConstruct): IAlertHub {
    const stack = Stack.of(scope);
    const trail = stack.node.tryFindChild('KeyAuditTrail');
    if (trail && (trail as unknown as IAlertHub).alertTopic) return trail as unknown as IAlertHub;
    const existing = stack.node.tryFindChild(KeyTamperingAlert.ID);
    return existing instanceof KeyTamperingAlert ? existing : new KeyTamperingAlert(stack, KeyTamperingAlert.ID);
  }

  public readonly alertTopic: sns.ITopic;
  public readonly alertDeadLetterQueue: sqs.IQueue;
  public readonly alertKey: kms.IKey;
  /** The first rule that matches tampering calls on the stack's watched keys (`tamperingRules` lists all of them). */
  public readonly tamperingRule: events.Rule;
  private readonly rules: TamperingRules;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.alertKey = new EncryptionKey(this, 'Key', { protects: 'the key-tampering alerts of this stack' });
    const { topic, rule, rules, deadLetterQueue } = createTamperingAlert(this, this.alertKey);
    this.alertTopic = topic;
    this.alertDeadLetterQueue = deadLetterQueue;
    this.tamperingRule = rule;
    this.rules = rules;
    this.watchKey(this.alertKey);
  }

  /** Every rule of the alert: one per about 17 watched keys (EventBridge's event pattern size). */
  public get tamperingRules(): events.Rule[] {
    return [...this.rules.rules];
  }

  public watchKey(key: kms.IKey): void {
    this.rules.watch(key);
  }
}
