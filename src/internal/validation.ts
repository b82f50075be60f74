import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Collects a construct's prop errors and throws them together, each naming the construct path, the prop, what was
 * given and what is allowed. Values that are tokens are skipped: they are checked by CloudFormation at deploy time.
 */
export class PropValidator {
  private readonly errors: string[] = [];

  constructor(private readonly scope: IConstruct) {}

  /** Records an error for `prop` unless `ok` holds. */
  public check(ok: boolean, prop: string, given: unknown, allowed: string, quote = true): this {
    if (!ok) {
      this.errors.push(`${prop}: got ${quote ? describe(given) : String(given)}; ${allowed}`);
    }
    return this;
  }

  /** Checks an integer range, skipping undefined and tokens. */
  public range(prop: string, value: number | undefined, min: number, max: number, unit = ''): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    const u = unit ? ` ${unit}` : '';
    return this.check(Number.isInteger(value) && value >= min && value <= max, prop, `${value}${u}`, `must be a whole number from ${min} to ${max}${u}`, false);
  }

  /** Checks a name against a pattern and a maximum length, skipping undefined and tokens. */
  public name(prop: string, value: string | undefined, pattern: RegExp, maxLength: number, allowed: string): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    return this.check(value.length >= 1 && value.length <= maxLength && pattern.test(value), prop, value, `must be 1 to ${maxLength} characters of ${allowed}`);
  }

  /**
   * Checks the props object a JavaScript caller passed: every prop in `required` must be present and pass its shape
   * check, and no prop may be `null` (omit it instead). Returns whether all of that holds; when it does not, the errors
   * are recorded and the caller throws right away (the other checks would read what is missing).
   *
   * @param required each required prop with what is allowed (for the message) and a shape check
   */
  public props(props: unknown, required: { [prop: string]: RequiredProp }): boolean {
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      this.check(false, 'props', props, `must be an object with ${Object.keys(required).join(', ') || 'the construct\'s props'}`, false);
      return false;
    }
    const before = this.errors.length;
    const record = props as { [prop: string]: unknown };
    for (const [prop, value] of Object.entries(record)) {
      if (value === null && !(prop in required)) this.check(false, prop, 'null', 'omit the prop instead (null is not a value)', false);
      else if (!OPAQUE_PROPS.has(prop)) this.nullsWithin(prop, value, 1);
    }
    for (const [prop, { allowed, is }] of Object.entries(required)) {
      const value = record[prop];
      if (value === undefined || value === null) {
        this.check(false, prop, value, `is required: ${allowed}`, false);
      } else if (!is(value)) {
        this.check(false, prop, kindOf(value), `must be ${allowed}`, false);
      }
    }
    return this.errors.length === before;
  }

  /**
   * Records the `null` and `undefined` entries of arrays, and the `null` members of plain objects, inside a prop (e.g.
   * `keyOptions.administrators[0]`): a JavaScript caller's `[null]` would otherwise end in a TypeError deep inside the
   * construct. Only arrays and plain objects are walked (never constructs, tokens or class instances), a few levels deep.
   */
  private nullsWithin(path: string, value: unknown, depth: number): void {
    if (depth > MAX_NULL_DEPTH || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((entry, i) => {
        if (entry === null || entry === undefined) this.check(false, `${path}[${i}]`, describe(entry), 'arrays must not hold null or undefined entries', false);
        else this.nullsWithin(`${path}[${i}]`, entry, depth + 1);
      });
    } else if (Object.getPrototypeOf(value) === Object.prototype) {
      for (const [member, entry] of Object.entries(value)) {
        if (OPAQUE_PROPS.has(member)) continue;
        if (entry === null) this.check(false, `${path}.${member}`, 'null', 'omit the prop instead (null is not a value)', false);
        else this.nullsWithin(`${path}.${member}`, entry, depth + 1);
      }
    }
  }

  /** Throws one error listing every recorded problem, if any. */
  public throwIfInvalid(): void {
    if (this.errors.length === 0) return;
    const lines = this.errors.map(e => `  - ${e}`).join('\n');
    throw new PropValidationError(`invalid props for ${this.scope.node.path}:\n${lines}`);
  }
}

/** How deep `nullsWithin` looks into a prop (props are structs of structs at most a few levels deep). */
const MAX_NULL_DEPTH = 4;

/**
 * Props whose `null`s are values, not mistakes: an EventBridge event pattern matches null with `[null]`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html#eb-filtering-null-values), and a
 * target input is the user's payload.
 */
const OPAQUE_PROPS = new Set(['eventPattern', 'input']);

/** A required prop: what is allowed (for the message) and a shape check JavaScript callers cannot skip. */
export interface RequiredProp {
  readonly allowed: string;
  readonly is: (value: unknown) => boolean;
}

/** A required prop that must be an object with the given methods or properties (a structural check). */
export function requiredObject(allowed: string, ...members: string[]): RequiredProp {
  return {
    allowed,
    is: value => typeof value === 'object' && value !== null && members.every(m => (value as { [m: string]: unknown })[m] !== undefined),
  };
}

/** What a value is, for a message about a value of the wrong kind (never the value itself: it may be a secret). */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return `an object without the expected members (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return String(value);
}

/** The error the library throws for bad input: its message names the construct path and each failing prop. */
export class PropValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropValidationError';
  }
}

/**
 * Throws the library's validation error unless `value` is a string of the given ARN form (or a token, left to
 * CloudFormation). For ARNs given to static factories, where there is no construct path to name.
 *
 * @param where what received the value, e.g. `VerifiedResource.schedule`
 * @param allowed the form in words, e.g. `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>`
 */
export function checkArn(where: string, prop: string, value: unknown, form: RegExp, allowed: string): void {
  if (typeof value === 'string' && (Token.isUnresolved(value) || form.test(value))) return;
  throw new PropValidationError(`invalid ${where}:\n  - ${prop}: got ${JSON.stringify(value)}; must be ${allowed}`);
}
