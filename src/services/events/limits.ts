/**
 * EventBridge quotas the library's own rules must stay within.
 */

/**
 * The default "Event pattern size" of an EventBridge rule, in characters (adjustable; the library never assumes a
 * raised quota).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const EVENTBRIDGE_QUOTAS = { eventPatternCharacters: 2_048 };
