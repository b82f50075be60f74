import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { eventBusTarget, firehoseTarget, kinesisTarget } from './role-targets';
import { deadLetterQueueOf, FoundKey, optionsOf, queueKey, topicKey, usesRole } from './target-inspection';
import { verifyTarget } from './target-verification';
import { watchChannelKey } from '../audit/audit-key';
import { stackEnvironment } from '../internal/arns';
import { PropValidationError } from '../internal/validation';
import { notSymmetricKey, SYMMETRIC_KEY } from '../key/key-checks';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { RULE_FACTS } from '../services/events/rule-facts';
import { allowFromSources } from '../stack/shared-statements';

/** The warning id for a target or dead-letter queue whose resource policy this app cannot edit. */
export const TARGET_POLICY_NOT_MANAGED_WARNING = 'cdk-encrypted-constructs:rule-target-policy-not-managed';

/** The statement id, in a target queue's or topic's policy, that lists the archive rules delivering to it. */
export const RULE_TARGETS_SID = 'EncryptedArchiveRuleTargets';
/** The statement id, in a dead-letter queue's policy, that lists the archive rules dead-lettering into it. */
export const RULE_DEAD_LETTERS_SID = 'EncryptedArchiveRuleDeadLetters';

/** The rule whose targets are delivered, as the delivery steps see it. */
export interface DeliveringRule {
  readonly rule: events.Rule;
  /** The rule's ARN, built from its bus and name: the `aws:SourceArn` EventBridge presents for its deliveries. */
  readonly ruleArn: string;
  /** The key of the archive (and of its bus, when the archive created it): no target or dead letter may use it. */
  readonly busKey: kms.IKey;
  /**
   * Whether the archive verifies its encryption at deploy time (not `verifyEncryption: false`): then the rule's target
   * queues, topics, streams and buses and its dead-letter queues are verified too (./target-verification.ts).
   */
  readonly verify: boolean;
}

/**
 * Makes the targets of one archive rule deliver on customer managed keys. Each target passes through `encrypted`
 * before aws-cdk-lib's `Rule.addTarget` binds it:
 *
 * - `targets.SqsQueue` and `targets.SnsTopic` (without a role) are bound here, not by aws-cdk-lib: on an encrypted
 *   queue or topic their `bind` lets `events.amazonaws.com` send or publish, and use the key, for any rule of any account
 *   (without the `eventsTargetQueueSameAccount` feature flag the queue policy has no condition at all). Here the queue or
 *   topic policy names this rule (`aws:SourceArn`), and the key gets the statements the SQS and SNS guides document;
 * - every other target is bound by aws-cdk-lib, then its dead-letter queue gets the key statement aws-cdk-lib never
 *   writes (its targets add the queue policy only);
 * - every target's dead-letter queue: standard, in the rule's region, on neither the target's key (it keeps the events
 *   that failed because that key failed) nor the bus key (EventBridge sends it the events it cannot decrypt on the way
 *   to the target), never on an AWS managed key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
 */
export class TargetDelivery {
  private targetCount = 0;

  constructor(public readonly owner: DeliveringRule) {}

  /** The target as the rule binds it: the library's binding for SQS and SNS, aws-cdk-lib's for the others. */
  public encrypted(target: events.IRuleTarget): events.IRuleTarget {
    this.targetCount += 1;
    if (this.targetCount > RULE_FACTS.maxTargets) {
      this.fail('target', `a ${ordinal(this.targetCount)} target`, `a rule takes at most ${RULE_FACTS.maxTargets} targets (EventBridge quota); add another rule for more`);
    }
    if (target instanceof targets.SqsQueue) return this.queueTarget(target);
    if (target instanceof targets.SnsTopic && !usesRole(target)) return this.topicTarget(target);
    if (target instanceof targets.KinesisStream) return kinesisTarget(this, target);
    if (target instanceof targets.FirehoseDeliveryStream || target instanceof targets.KinesisFirehoseStreamV2) return firehoseTarget(this, target);
    if (target instanceof targets.EventBus && optionsOf<targets.EventBusProps>(target, 'EventBus').role === undefined) return eventBusTarget(this, target);
    return this.otherTarget(target);
  }

  /**
   * An SQS queue: the queue policy lets EventBridge send for this rule only, the key (when the queue has one) lets it
   * generate and decrypt data keys, and the target configuration is the one aws-cdk-lib's `SqsQueue` renders.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   */
  private queueTarget(target: targets.SqsQueue): events.IRuleTarget {
    const queue = target.queue;
    const options = optionsOf<targets.SqsQueueProps>(target, 'SqsQueue');
    return this.bindOnce(target, () => {
      this.checkEnvironment('target', queue);
      const key = this.checkKey('target', queue, queueKey(queue));
      this.allowRule(queue, RULE_TARGETS_SID, 'sqs:SendMessage', 'deliver the rule\'s events');
      if (key) {
        this.keyStatements(key, [this.queueKeyStatement()], `the rule ${this.owner.rule.node.path} delivering to the queue ${queue.node.path}`);
        watchChannelKey(this.owner.rule, key);
      }
      verifyTarget(this, queue);
      this.deadLetters(options.deadLetterQueue, queue, key, true);
      return {
        ...targets.bindBaseTargetConfig(options),
        arn: queue.queueArn,
        input: options.message,
        targetResource: queue,
        sqsParameters: options.messageGroupId ? { messageGroupId: options.messageGroupId } : undefined,
      };
    });
  }

  /**
   * An SNS topic published to by EventBridge's service principal: the topic policy lets EventBridge publish for this
   * rule only; the key (when the topic has one) gets the statement SNS documents for EventBridge, which takes no
   * `aws:SourceArn` or `aws:SourceAccount` ("not supported for EventBridge-to-encrypted topics").
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   */
  private topicTarget(target: targets.SnsTopic): events.IRuleTarget {
    const topic = target.topic;
    const options = optionsOf<targets.SnsTopicProps>(target, 'SnsTopic');
    return this.bindOnce(target, () => {
      this.checkEnvironment('target', topic);
      const key = this.checkKey('target', topic, topicKey(topic));
      this.allowRule(topic, RULE_TARGETS_SID, 'sns:Publish', 'deliver the rule\'s events');
      if (key) {
        this.keyStatements(key, KeyPolicyStatements.topic({ ...stackEnvironment(this.owner.rule), servicePrincipals: ['events.amazonaws.com'] }),
          `the rule ${this.owner.rule.node.path} delivering to the topic ${topic.node.path}`);
        watchChannelKey(this.owner.rule, key);
      }
      verifyTarget(this, topic);
      this.deadLetters(options.deadLetterQueue, topic, key, true);
      return { ...targets.bindBaseTargetConfig(options), arn: topic.topicArn, input: options.message, targetResource: topic };
    });
  }

  /** Any other target: aws-cdk-lib binds it (and adds its dead-letter queue's policy); the library adds the queue's key statement. */
  private otherTarget(target: events.IRuleTarget): events.IRuleTarget {
    return {
      bind: (rule, id) => {
        const config = target.bind(rule, id);
        // a mirror rule aws-cdk-lib creates in another environment is not this rule
        if (rule !== this.owner.rule) return config;
        const arn = config.deadLetterConfig?.arn;
        if (arn !== undefined) this.deadLetters(deadLetterQueueOf(this.owner.rule, target, arn), config.targetResource, undefined, false, arn);
        return config;
      },
    };
  }

  /** A target the library binds itself, for this rule only (a mirror rule in another environment gets aws-cdk-lib's binding). */
  public bindOnce(target: events.IRuleTarget, bind: () => events.RuleTargetConfig): events.IRuleTarget {
    return { bind: (rule, id) => (rule === this.owner.rule ? bind() : target.bind(rule, id)) };
  }

  /**
   * The dead-letter queue of a target: checked, its key given the EventBridge statement scoped to this rule, and (when
   * the library bound the target) its policy given the statement that lets EventBridge send for this rule only.
   *
   * @param targetKey the target's key, which the queue must not share
   * @param writePolicy whether to write the queue policy (aws-cdk-lib's targets write it themselves)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  public deadLetters(queue: sqs.IQueue | undefined, target: IConstruct | undefined, targetKey: kms.IKey | undefined, writePolicy: boolean, arn?: string): void {
    if (!queue) {
      if (arn !== undefined) this.unknownDeadLetterQueue(arn);
      return;
    }
    const prop = `deadLetterQueue of ${target ? `the target ${target.node.path}` : 'a target'}`;
    if (queue.fifo) this.fail(prop, queue.node.path, 'must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue');
    const region = queue.env.region;
    const ruleRegion = Stack.of(this.owner.rule).region;
    if (!Token.isUnresolved(region) && !Token.isUnresolved(ruleRegion) && region !== ruleRegion) {
      this.fail(prop, `a queue in ${region}`, `must be in the rule's region (${ruleRegion}): EventBridge uses a dead-letter queue of the rule's region only`);
    }
    const key = this.checkKey(prop, queue, queueKey(queue));
    if (key && targetKey && key === targetKey) {
      this.fail(prop, queue.node.path, 'must not be encrypted with the target\'s key: it keeps the events EventBridge could not deliver, also when they failed because '
        + 'that key is disabled, and SQS cannot encrypt with a disabled key either; use a queue on another key');
    }
    if (writePolicy) this.allowRule(queue, RULE_DEAD_LETTERS_SID, 'sqs:SendMessage', 'keep the events it could not deliver');
    if (key) {
      this.keyStatements(key, [this.queueKeyStatement()], `the dead-letter queue ${queue.node.path} of the rule ${this.owner.rule.node.path}`);
      watchChannelKey(this.owner.rule, key);
    }
    verifyTarget(this, queue);
  }

  /** A dead-letter queue given by ARN only (a target that is not one of aws-cdk-lib's): its key cannot be seen. */
  private unknownDeadLetterQueue(arn: string): void {
    const statement = this.queueKeyStatement();
    Annotations.of(this.owner.rule).addWarningV2(TARGET_POLICY_NOT_MANAGED_WARNING, [
      `The dead-letter queue ${JSON.stringify(Stack.of(this.owner.rule).resolve(arn))} of a target of ${this.owner.rule.node.path} is not a queue of this app, so its key cannot be seen.`,
      'If it is encrypted with a customer managed key, that key\'s policy must hold this statement, or EventBridge cannot keep the events it fails to deliver:',
      JSON.stringify(Stack.of(this.owner.rule).resolve(statement.toStatementJson()), undefined, 2),
    ].join('\n'));
  }

  /**
   * The statement SQS documents for an AWS service that sends to an encrypted queue (`events.amazonaws.com`,
   * `kms:GenerateDataKey` and `kms:Decrypt`), checked against this rule's ARN whenever EventBridge presents one.
   *
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted
   */
  private queueKeyStatement(): iam.PolicyStatement {
    return KeyPolicyStatements.queue({
      ...stackEnvironment(this.owner.rule),
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      sourceArns: [this.owner.ruleArn],
    });
  }

  /** Statements for a key: written on a key of this stack, printed in the followable warning for any other. */
  public keyStatements(key: kms.IKey, statements: iam.PolicyStatement[], purpose: string): void {
    addKeyStatements(this.owner.rule, key, statements, purpose);
  }

  /**
   * Lets EventBridge act on the queue or topic for this rule only (`aws:SourceArn`): ONE statement per queue or topic
   * and purpose lists every archive rule (SQS accepts 20 statements per queue policy). For a queue or topic this app
   * does not define, a warning prints the statement its owner must add.
   */
  private allowRule(holder: sqs.IQueue | sns.ITopic, sid: string, action: string, what: string): void {
    const principal = new iam.ServicePrincipal('events.amazonaws.com');
    if (allowFromSources(holder, { sid, principal, action }, [this.owner.ruleArn])) return;
    const resource = 'topicArn' in holder ? holder.topicArn : holder.queueArn;
    const statement = new iam.PolicyStatement({
      sid, principals: [principal], actions: [action], resources: [resource], conditions: { ArnEquals: { 'aws:SourceArn': this.owner.ruleArn } },
    });
    const stack = Stack.of(this.owner.rule);
    Annotations.of(this.owner.rule).addWarningV2(TARGET_POLICY_NOT_MANAGED_WARNING, [
      `${JSON.stringify(stack.resolve(resource))} is not defined in this app, so its policy cannot be edited here.`,
      `Its owner must add this statement to its policy, or EventBridge cannot ${what} (${this.owner.rule.node.path}):`,
      JSON.stringify(stack.resolve(statement.toStatementJson()), undefined, 2),
    ].join('\n'));
  }

  /** The queue, topic or stream must be in the rule's account and region: the statements name deliveries within one. */
  public checkEnvironment(prop: string, resource: IConstruct & { env: { account: string; region: string } }): void {
    const stack = Stack.of(this.owner.rule);
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    if (differs(resource.env.account, stack.account) || differs(resource.env.region, stack.region)) {
      this.fail(prop, `${resource.node.path} in ${resource.env.account}/${resource.env.region}`,
        `must be in the archive's account and region (${stack.account}/${stack.region}): the rule delivers to targets of its own account and region; `
        + 'to reach another account, target that account\'s event bus and add the rule there');
    }
  }

  /**
   * The customer managed key a target or dead-letter queue is encrypted with, after refusing the keys it cannot be: an
   * AWS managed key where EventBridge delivers as `events.amazonaws.com` (which an AWS managed key's policy does not allow
   * and nobody can add; a role-based target may use one: `awsManagedAllowed`), and the bus key (its policy lets
   * EventBridge use it only under this bus's context).
   *
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
   */
  public checkKey(prop: string, resource: IConstruct, found: FoundKey, options: { awsManagedAllowed?: boolean } = {}): kms.IKey | undefined {
    if (found.awsManaged !== undefined && !options.awsManagedAllowed) {
      this.fail(prop, `${resource.node.path} on the AWS managed key ${found.awsManaged}`,
        'must be encrypted with a customer managed key (or SSE-SQS for a queue): EventBridge delivers as its service principal events.amazonaws.com, '
        + 'which the policy of an AWS managed key does not allow and which nobody can add to it, so every delivery would fail');
    }
    const notSymmetric = found.key && notSymmetricKey(found.key);
    if (notSymmetric) {
      this.fail(prop, `${resource.node.path} on ${notSymmetric}`, `must be encrypted with ${SYMMETRIC_KEY}: SQS, SNS and Kinesis encrypt with symmetric keys only`);
    }
    if (found.key && found.key === this.owner.busKey) {
      this.fail(prop, `${resource.node.path} on the archive's key`,
        'must not be encrypted with the key of the bus and archive: that key lets EventBridge use it only under this bus\'s encryption context, '
        + 'and a queue or topic on it would need a statement without it; use another key');
    }
    return found.key;
  }

  public fail(prop: string, given: string, allowed: string): never {
    throw new PropValidationError(`invalid target for ${this.owner.rule.node.path}:\n  - ${prop}: got ${given}; ${allowed}`);
  }
}

function ordinal(n: number): string {
  return `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;
}
