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

  /** Throws one error listing every recorded problem, if any. */
  public throwIfInvalid(): void {
    if (this.errors.length === 0) return;
    const lines = this.errors.map(e => `  - ${e}`).join('\n');
    throw new PropValidationError(`invalid props for ${this.scope.node.path}:\n${lines}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return 'undefined';
  return String(value);
}

/** The error the library throws for bad input: its message names the construct path and each failing prop. */
export class PropValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropValidationError';
  }
}
