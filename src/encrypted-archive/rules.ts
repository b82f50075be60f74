import { Lazy, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { EncryptedRuleProps } from './rule-props';
import { TargetDelivery } from './target-delivery';
import { renderEventPattern } from './validation';
import { formatArn } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator } from '../internal/validation';
import { eventPatternProblem } from '../services/events/event-pattern';
import { RULE_FACTS, ruleResourceName } from '../services/events/rule-facts';

/** The archive whose bus the rules are on, as the rules see it. */
export interface RulesBus {
  readonly eventBus: events.IEventBus;
  readonly eventBusName: string;
  /** The key of the archive, and of the bus when the archive created it. */
  readonly encryptionKey: kms.IKey;
  /** The archive's deploy-time verification, unless `verifyEncryption: false`. */
  readonly verification?: Construct;
}

/** A rule on the archive's bus whose targets are delivered on customer managed keys (see `EncryptedArchive.addRule`). */
export function addArchiveRule(bus: Construct & RulesBus, id: string, props: EncryptedRuleProps): events.Rule {
  validateRuleProps(bus, id, props);
  return new ArchiveRule(bus, id, props);
}

/**
 * An `events.Rule` on the archive's bus, with a name fixed before deploy (so the key policies can name its ARN without
 * `Fn::GetAtt`, which would make a key ↔ rule ↔ queue dependency cycle), whose every target passes through
 * {@link TargetDelivery} before aws-cdk-lib binds it.
 *
 * Why override `addTarget` rather than inspect the rendered targets later (an Aspect, or a validation of the L1's
 * `Targets`): `Rule` binds each target the moment it is added (the targets of the props go through `addTarget` too),
 * and aws-cdk-lib's `SqsQueue` and `SnsTopic` write their broad queue, topic and key statements during that bind. Once
 * written, a statement cannot be taken out of a policy, and a validation can only refuse, not mend. Overriding the one
 * method every target passes through is the only point where a target can be bound differently; it also holds for
 * targets added from other languages (jsii calls the same JavaScript method).
 */
class ArchiveRule extends events.Rule {
  private delivery?: TargetDelivery;

  constructor(bus: Construct & RulesBus, id: string, props: EncryptedRuleProps) {
    let generated: string | undefined;
    super(bus, id, {
      eventBus: bus.eventBus,
      eventPattern: props.eventPattern,
      // the generated name depends on this construct's path, known only once it exists
      ruleName: props.ruleName ?? Lazy.string({ produce: () => generated }),
      description: props.description,
      enabled: props.enabled,
    });
    generated = deterministicName(this, RULE_FACTS.nameMaxLength);
    const name = props.ruleName ?? generated;
    const v = new PropValidator(this);
    claimPhysicalName(v, this, 'ruleName', `EventBridge rule on the bus ${bus.eventBusName}`, name);
    v.throwIfInvalid();
    const ruleArn = formatArn(this, { service: 'events', resource: 'rule', resourceName: ruleResourceName(bus.eventBusName, name) });
    this.delivery = new TargetDelivery({ rule: this, ruleArn, busKey: bus.encryptionKey, verify: bus.verification !== undefined });
    for (const target of props.targets ?? []) this.addTarget(target);
  }

  /**
   * Adds a target, with the key-policy and resource-policy statements EventBridge needs to deliver to it (and to its
   * dead-letter queue) on a customer managed key.
   */
  public addTarget(target?: events.IRuleTarget): void {
    if (target === undefined) return;
    super.addTarget(this.delivery!.encrypted(target));
  }
}

/** Every prop error at once, naming the rule's path, the prop, what was given and what is allowed. */
function validateRuleProps(bus: Construct & RulesBus, id: string, props: EncryptedRuleProps): void {
  const v = new PropValidator({ node: { path: `${bus.node.path}/${id}` } } as IConstruct);
  const isObject = (p: unknown) => typeof p === 'object' && p !== null && !Array.isArray(p);
  if (!v.props(props, { eventPattern: { allowed: 'an events.EventPattern (a rule on a custom bus matches events; it cannot run on a schedule)', is: isObject } })) {
    v.throwIfInvalid();
  }
  // JavaScript callers passing events.RuleProps
  const extra = props as unknown as Record<string, unknown>;
  v.check(extra.eventBus === undefined, 'eventBus', 'a bus', 'must not be given: the rule is on the archive\'s bus', false);
  v.check(extra.schedule === undefined, 'schedule', 'a schedule',
    'must not be given: "You can only create scheduled rules using the default event bus" (use EncryptedSchedule for schedules)', false);
  v.check(props.targets === undefined || Array.isArray(props.targets), 'targets', typeof props.targets, 'must be an array of events.IRuleTarget', false);
  v.name('ruleName', props.ruleName, RULE_FACTS.namePattern, RULE_FACTS.nameMaxLength, RULE_FACTS.nameCharacters);
  if (props.description !== undefined && !Token.isUnresolved(props.description)) {
    v.check(props.description.length <= RULE_FACTS.descriptionMaxLength, 'description', `${props.description.length} characters`,
      `must be at most ${RULE_FACTS.descriptionMaxLength} characters`, false);
  }
  const rendered = renderEventPattern(bus, props.eventPattern);
  const problem = eventPatternProblem(rendered);
  const json = JSON.stringify(rendered) ?? '';
  v.check(problem === undefined, 'eventPattern', json.length > 200 ? `${json.slice(0, 197)}...` : json, `must be a valid EventBridge event pattern (${problem})`, false);
  v.check(json.length <= RULE_FACTS.maxEventPatternLength, 'eventPattern', `${json.length} characters of JSON`,
    `must be at most ${RULE_FACTS.maxEventPatternLength} characters of JSON, the most PutRule accepts`, false);
  v.throwIfInvalid();
}
