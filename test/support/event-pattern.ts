/**
 * An EventBridge event-pattern matcher for the tests of the library's rules, covering the operators the library uses:
 * exact values, `exists`, `anything-but`, `prefix` and `$or`, over nested objects and arrays (a field that is an array
 * in the event matches when any element matches; a pattern array matches when any of its values does).
 * EventBridge's own matcher runs only in AWS (TestEventPattern API); this one follows the documented semantics.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Record<string, unknown>[]).some(alternative => matchesPattern(alternative, event));
    const actual = event[key];
    if (Array.isArray(expected)) return matchesValues(expected, actual);
    if (expected !== null && typeof expected === 'object') {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some(v => v !== null && typeof v === 'object' && matchesPattern(expected as Record<string, unknown>, v as Record<string, unknown>));
    }
    throw new Error(`pattern field ${key} must be an array or an object, got ${JSON.stringify(expected)}`);
  });
}

function matchesValues(expected: unknown[], actual: unknown): boolean {
  return expected.some(rule => {
    if (rule !== null && typeof rule === 'object') return matchesOperator(rule as Record<string, unknown>, actual);
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some(v => v === rule);
  });
}

function matchesOperator(rule: Record<string, unknown>, actual: unknown): boolean {
  const [operator, operand] = Object.entries(rule)[0];
  const values = actual === undefined ? [] : Array.isArray(actual) ? actual : [actual];
  switch (operator) {
    case 'exists':
      return operand ? values.length > 0 : values.length === 0;
    case 'anything-but': {
      // "anything-but" matches a present value that is none of the listed ones.
      const excluded = Array.isArray(operand) ? operand : [operand];
      return values.length > 0 && values.every(v => !excluded.includes(v));
    }
    case 'prefix':
      return values.some(v => typeof v === 'string' && v.startsWith(String(operand)));
    default:
      throw new Error(`operator ${operator} is not modelled by the test matcher`);
  }
}
