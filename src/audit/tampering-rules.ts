import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { guardEventPatternSize, valueCharacters } from '../quotas/quota-guards';
import { EVENTBRIDGE_QUOTAS } from '../services/events/limits';
import { kmsKeyArnCharacters } from '../services/kms/arns';

/**
 * Creates one rule of a stack's key-tampering alert: `id` and `ruleName` are its child id and name, `keyArns` the ARNs
 * of the keys it watches (complete only at synthesis, when every key has been added).
 */
export type TamperingRuleFactory = (id: string, ruleName: string, keyArns: () => string[]) => events.Rule;

/**
 * The rules of a stack's key-tampering alert: as many as the watched keys need, so that every rule's event pattern
 * stays within EventBridge's event pattern size (2,048 characters by default, adjustable; the library never assumes a
 * raised quota). Each key ARN is listed once, in one rule, so a stack may watch hundreds of keys; a rule holds about 17 (eu-west-1 ARNs).
 *
 * The first rule keeps the child id `KeyTamperingRule` and its name; the next ones are `KeyTamperingRule2`, ... named
 * `<name of the first, shortened>-2`, .... Keys go to rules in the order they are watched, so adding a key never moves
 * another key to another rule.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export class TamperingRules {
  /** The rules, first one first. */
  public readonly rules: events.Rule[] = [];
  private readonly keys: kms.IKey[][] = [];
  private readonly sizes: number[] = [];
  private readonly names: string[] = [];

  /**
   * @param scope the alert (the audit trail or a stack's `KeyTamperingAlert`)
   * @param firstRuleName the name of the first rule (64 characters at most)
   * @param fixedCharacters the length of the rule's pattern with no key ARN in it
   * @param create makes one rule
   */
  constructor(private readonly scope: IConstruct, firstRuleName: string, private readonly fixedCharacters: number,
    private readonly create: TamperingRuleFactory) {
    this.addRule(firstRuleName);
  }

  /** The names of every rule, first one first (for the statements that let them deliver). */
  public get ruleNames(): string[] {
    return [...this.names];
  }

  /** The first rule. */
  public get first(): events.Rule {
    return this.rules[0];
  }

  /** Watches a key (once, by object or by known ARN): in the last rule, or in a new rule when its pattern would pass the size it may take. */
  public watch(key: kms.IKey): void {
    const same = (k: kms.IKey) => k === key || (!Token.isUnresolved(key.keyArn) && k.keyArn === key.keyArn);
    if (this.keys.some(group => group.some(same))) return;
    // ,"<arn>" in the pattern's ARN list, sized as the stack's quota guard sizes it
    const stack = Stack.of(this.scope);
    const added = 1 + (key instanceof kms.Key && Stack.of(key) === stack ? kmsKeyArnCharacters(stack) + 2 : valueCharacters(this.scope, key.keyArn));
    let last = this.rules.length - 1;
    if (this.keys[last].length > 0 && this.sizes[last] + added > MAX_PATTERN_CHARACTERS) {
      this.addRule(`${this.names[0].slice(0, 64 - `-${this.rules.length + 1}`.length)}-${this.rules.length + 1}`);
      last++;
    }
    this.keys[last].push(key);
    this.sizes[last] += added;
  }

  private addRule(ruleName: string): void {
    const index = this.rules.length;
    this.keys.push([]);
    this.sizes.push(this.fixedCharacters);
    this.names.push(ruleName);
    const keys = this.keys[index];
    const rule = this.create(index === 0 ? 'KeyTamperingRule' : `KeyTamperingRule${index + 1}`, ruleName, () => keys.map(k => k.keyArn));
    guardEventPatternSize(rule, 'The key-tampering alert splits its keys over rules by their ARNs\' length: report this as a bug of cdk-encrypted-constructs.');
    this.rules.push(rule);
  }
}

/**
 * The characters one rule's pattern may take: EventBridge's quota less a tenth, because the quota counts the pattern
 * as EventBridge receives it, which CloudFormation serializes (we count compact JSON) and which holds deploy-time key
 * ARNs (we count their documented format, which may differ by a few characters in partitions yet to come).
 */
const MAX_PATTERN_CHARACTERS = Math.floor(EVENTBRIDGE_QUOTAS.eventPatternCharacters * 0.9);

/** A lazily produced condition value: one ARN as a string, several as a list (so one rule renders as before). */
export function lazyArns(produce: () => string[]): string {
  return Lazy.uncachedAny({
    produce: () => {
      const arns = produce();
      return arns.length === 1 ? arns[0] : arns;
    },
  }) as unknown as string;
}
