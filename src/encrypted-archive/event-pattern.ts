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
    if (keys[0] === 'exists' && typeof value.exists !== 'boolean') return `${at}: "exists" takes true or false`;
    if (keys[0] === 'numeric' && (!Array.isArray(value.numeric) || value.numeric.length === 0)) {
      return `${at}: "numeric" takes a non-empty array such as [">", 0, "<=", 5]`;
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is { [key: string]: any } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A resolved CloudFormation intrinsic (`{ Ref }`, `{ Fn::... }`): a deploy-time value synth cannot check. */
function isIntrinsic(value: { [key: string]: unknown }): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}
