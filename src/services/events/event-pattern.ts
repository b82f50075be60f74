/**
 * EventBridge event-pattern grammar, checked at synth time so a malformed pattern fails `cdk synth` instead of the
 * deployment.
 *
 * A pattern is a non-empty object. Each field maps either to a nested object of fields (e.g. `detail`) or to a
 * non-empty array of values: strings, numbers, booleans, null, or content filters (objects with exactly one operator
 * key). `$or` maps to a non-empty array of non-empty sub-patterns.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */

/** The content-filter operators EventBridge accepts inside a value array. */
export const CONTENT_FILTERS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'cidr', 'equals-ignore-case', 'wildcard'];

/**
 * The first problem in a resolved event pattern, as `<path>: <what is wrong>`, or undefined when the pattern is valid.
 * Parts that are still CloudFormation intrinsics (deploy-time values) are not checked.
 */
export function eventPatternProblem(pattern: unknown): string | undefined {
  if (!isPlainObject(pattern) || Object.keys(pattern).length === 0) {
    return 'eventPattern: must be a non-empty object of fields';
  }
  return objectProblem(pattern, 'eventPattern');
}

function objectProblem(pattern: { [key: string]: unknown }, path: string): string | undefined {
  if (isIntrinsic(pattern)) return undefined;
  const keys = Object.keys(pattern);
  if (keys.length === 0) return `${path}: a nested object must have at least one field`;
  for (const key of keys) {
    const value = pattern[key];
    const at = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length === 0) return `${at}: must be a non-empty array of sub-patterns`;
      for (const [i, alternative] of value.entries()) {
        if (!isPlainObject(alternative)) return `${at}[${i}]: must be an object of fields`;
        const problem = objectProblem(alternative, `${at}[${i}]`);
        if (problem) return problem;
      }
    } else if (Array.isArray(value)) {
      const problem = valuesProblem(value, at);
      if (problem) return problem;
    } else if (isPlainObject(value)) {
      const problem = objectProblem(value, at);
      if (problem) return problem;
    } else {
      return `${at}: got ${JSON.stringify(value)}; a field must map to an array of values or to a nested object`;
    }
  }
  return undefined;
}

function valuesProblem(values: unknown[], path: string): string | undefined {
  if (values.length === 0) return `${path}: an array of values must not be empty (an empty array matches nothing)`;
  for (const [i, value] of values.entries()) {
    const at = `${path}[${i}]`;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) continue;
    if (!isPlainObject(value)) return `${at}: got ${JSON.stringify(value)}; a value must be a string, number, boolean, null or a content filter`;
    if (isIntrinsic(value)) continue;
    const keys = Object.keys(value);
    if (keys.length !== 1 || !CONTENT_FILTERS.includes(keys[0])) {
      return `${at}: got ${JSON.stringify(value)}; a content filter has exactly one of ${CONTENT_FILTERS.join(', ')}`;
    }
    const operand = operandProblem(keys[0], value[keys[0]]);
    if (operand) return `${at}: ${operand}`;
  }
  return undefined;
}

/** The comparison operators of numeric matching. */
export const NUMERIC_OPERATORS = ['<', '<=', '=', '>', '>='];
/**
 * The bound of a `numeric` operand. The EventBridge User Guide: "Numeric matching works with values that are JSON
 * numbers. It is limited to values between -5.0e9 and +5.0e9 inclusive, with 15 digits of precision, or six digits to
 * the right of the decimal point." Only the range is checked: the guide does not say that more digits are rejected
 * (the open-source matcher aws/event-ruler, `ComparableNumber`, rejects values outside ±5e9 and truncates past the
 * sixth decimal), so precision is left to the user. (Before February 2023 the guide said ±1.0e9.)
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (Numeric matching)
 * @see https://github.com/awsdocs/amazon-eventbridge-user-guide/blob/fc27724b9d74f1e9c75cf88f7f05bcabcd054263/doc_source/eb-event-patterns-content-based-filtering.md (the same sentence, in the guide's last published source)
 */
export const NUMERIC_LIMIT = 5e9;

/**
 * What is wrong with a content filter's operand, or undefined. Operands that are intrinsics are not checked.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
function operandProblem(operator: string, operand: unknown): string | undefined {
  if (isPlainObject(operand) && isIntrinsic(operand)) return undefined;
  switch (operator) {
    case 'exists':
      return typeof operand === 'boolean' ? undefined : '"exists" takes true or false';
    case 'numeric':
      return numericProblem(operand);
    case 'prefix':
    case 'suffix':
      // a string, or { "equals-ignore-case": "..." }
      if (typeof operand === 'string') return undefined;
      if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') return undefined;
      return `"${operator}" takes a string, or { "equals-ignore-case": "<string>" }; got ${JSON.stringify(operand)}`;
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof operand === 'string' ? undefined : `"${operator}" takes a string; got ${JSON.stringify(operand)}`;
    case 'cidr':
      return typeof operand === 'string' && isCidr(operand) ? undefined
        : `"cidr" takes an IPv4 or IPv6 block in CIDR notation such as "10.0.0.0/24" or "2001:db8::/32"; got ${JSON.stringify(operand)}`;
    default:
      return undefined;
  }
}

function numericProblem(operand: unknown): string | undefined {
  const example = '"numeric" takes operator and number pairs such as [">", 0, "<=", 5]';
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) return `${example}; got ${JSON.stringify(operand)}`;
  for (let i = 0; i < operand.length; i += 2) {
    const [op, n] = [operand[i], operand[i + 1]];
    // a deploy-time value (e.g. a CfnParameter) is left to EventBridge
    if ((isPlainObject(op) && isIntrinsic(op)) || (isPlainObject(n) && isIntrinsic(n))) continue;
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.includes(op)) {
      return `${example}; got the operator ${JSON.stringify(op)} (allowed: ${NUMERIC_OPERATORS.join(' ')})`;
    }
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > NUMERIC_LIMIT) {
      return `${example}; got the operand ${JSON.stringify(n)} (a number from -5e9 to 5e9)`;
    }
  }
  return undefined;
}

/** An IPv4 (`a.b.c.d/n`, n ≤ 32) or IPv6 (`x:x::x/n`, n ≤ 128) block. */
function isCidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return prefix <= 32 && address.split('.').every(octet => Number(octet) <= 255);
  }
  if (!/^[0-9A-Fa-f:]+$/.test(address) || prefix > 128) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map(h => (h === '' ? [] : h.split(':')));
  if (groups.some(g => g.some(part => !/^[0-9A-Fa-f]{1,4}$/.test(part)))) return false;
  const count = groups.reduce((sum, g) => sum + g.length, 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

function isPlainObject(value: unknown): value is { [key: string]: any } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A resolved CloudFormation intrinsic (`{ Ref }`, `{ Fn::... }`): a deploy-time value synth cannot check. */
function isIntrinsic(value: { [key: string]: unknown }): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}
