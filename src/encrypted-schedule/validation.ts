import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { expressionProblem, isKnownTimeZone } from './expression';
import { checkEncryptionKey, checkTopicNotOnKey } from '../encrypted-resource/key-checks';
import { EncryptedResourceProps } from '../encrypted-resource/props';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator, requiredObject } from '../internal/validation';
import { SCHEDULER_LIMITS as LIMITS } from '../services/scheduler/facts';

/** The warning id users acknowledge for a dead-letter queue in another region or account than the schedule. */
export const DEAD_LETTER_QUEUE_ELSEWHERE_WARNING = 'cdk-encrypted-constructs:schedule-dead-letter-queue-elsewhere';

/** The warning id users acknowledge for a one-time schedule whose time has passed. */
export const AT_IN_THE_PAST_WARNING = 'cdk-encrypted-constructs:schedule-at-in-the-past';

/** The props `validateScheduleProps` checks (a structural subset of `EncryptedScheduleProps`). */
export interface CheckedScheduleProps extends EncryptedResourceProps {
  readonly schedule: scheduler.ScheduleExpression;
  readonly scheduleName?: string;
  readonly scheduleGroup?: scheduler.IScheduleGroup;
  readonly description?: string;
  readonly timeWindow?: Duration;
  readonly start?: Date;
  readonly end?: Date;
  readonly retryAttempts?: number;
  readonly maxEventAge?: Duration;
  readonly deadLetterQueue?: sqs.IQueue;
  readonly target?: scheduler.IScheduleTarget;
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The checklist of the schedule's props, run before anything is created. Every failing prop is reported in one error
 * naming the construct path; tokens are skipped (CloudFormation checks them at deploy time).
 */
export function validateScheduleProps(scope: IConstruct, props: CheckedScheduleProps): void {
  const v = new PropValidator(scope);
  const { min: retryMin, max: retryMax } = LIMITS.retryAttempts;
  const { min: ageMin, max: ageMax } = LIMITS.maxEventAgeSeconds;
  const { min: windowMin, max: windowMax } = LIMITS.timeWindowMinutes;

  // JavaScript callers: the props object, the required props and no null (TypeScript checks these at compile time)
  const readable = v.props(props, {
    schedule: requiredObject('a scheduler.ScheduleExpression (at(), rate(), cron() or expression())', 'expressionString'),
    target: { allowed: 'a scheduler.IScheduleTarget (e.g. new targets.LambdaInvoke(fn))', is: t => typeof (t as scheduler.IScheduleTarget)?.bind === 'function' },
  });
  if (!readable || props.schedule === undefined || props.schedule === null || typeof props.schedule.expressionString !== 'string') {
    v.throwIfInvalid();
  }

  // the expression and its time zone (an IANA name)
  const expression = props.schedule.expressionString;
  if (!Token.isUnresolved(expression)) {
    const problem = expressionProblem(expression);
    v.check(problem === undefined, 'schedule', expression, problem ?? '');
  }
  const timeZone = props.schedule.timeZone?.timezoneName;
  if (typeof timeZone === 'string' && !Token.isUnresolved(timeZone)) {
    v.check(isKnownTimeZone(timeZone), 'schedule.timeZone', timeZone, 'must be an IANA time-zone name such as Europe/London or Etc/UTC (use TimeZone.EUROPE_LONDON, ...)');
  }
  v.name('scheduleName', props.scheduleName, LIMITS.namePattern, LIMITS.nameMaxLength, LIMITS.nameCharacters);
  v.name('scheduleGroup', props.scheduleGroup?.scheduleGroupName, LIMITS.namePattern, LIMITS.nameMaxLength, LIMITS.nameCharacters);
  if (props.description !== undefined && !Token.isUnresolved(props.description)) {
    v.check(props.description.length <= LIMITS.descriptionMaxLength, 'description', `${props.description.length} characters`,
      `must be at most ${LIMITS.descriptionMaxLength} characters`, false);
  }
  v.range('retryAttempts', props.retryAttempts, retryMin, retryMax);
  v.range('maxEventAge', seconds(props.maxEventAge), ageMin, ageMax, 'seconds');
  v.range('timeWindow', minutes(props.timeWindow), windowMin, windowMax, 'minutes');
  for (const [prop, date] of [['start', props.start], ['end', props.end]] as const) {
    if (date !== undefined) v.check(!Number.isNaN(date.getTime()), prop, 'an invalid Date', 'must be a valid date', false);
  }
  if (props.start && props.end && !Number.isNaN(props.start.getTime()) && !Number.isNaN(props.end.getTime())) {
    v.check(props.start.getTime() < props.end.getTime(), 'start', `${props.start.toISOString()} with end ${props.end.toISOString()}`, 'must be before end', false);
  }
  if (props.deadLetterQueue) {
    v.check(!props.deadLetterQueue.fifo, 'deadLetterQueue', props.deadLetterQueue.node.path,
      'must be a standard queue: EventBridge Scheduler cannot use a FIFO queue as a dead-letter queue');
  }
  checkEncryptionKey(v, scope, props);
  checkTopicNotOnKey(v, 'alarmTopic', props.alarmTopic, props.encryptionKey, "the schedule's alarms (failed invocations, dead letters)");
  // Two schedules of one group with one name: CloudFormation fails on the second (names are unique per group).
  claimPhysicalName(v, scope, 'scheduleName', 'EventBridge Scheduler schedule', props.scheduleName === undefined ? undefined
    : `${props.scheduleGroup?.scheduleGroupName ?? 'default'}/${props.scheduleName}`, props.scheduleName);

  // The target's own retry policy is checked by aws-cdk-lib when it binds (with a plain error), even when the props
  // override it; its own dead-letter queue is used when the prop is not given.
  const targetProps = targetBaseProps(props.target);
  v.range('target.retryAttempts', targetProps?.retryAttempts, retryMin, retryMax);
  v.range('target.maxEventAge', seconds(targetProps?.maxEventAge), ageMin, ageMax, 'seconds');
  if (!props.deadLetterQueue && targetProps?.deadLetterQueue) {
    v.check(!targetProps.deadLetterQueue.fifo, 'target.deadLetterQueue', targetProps.deadLetterQueue.node.path,
      'must be a standard queue: EventBridge Scheduler cannot use a FIFO queue as a dead-letter queue');
  }
  v.throwIfInvalid();
}

/**
 * Checks the bound target input (the payload the key encrypts) against Scheduler's 256 KB limit. Called while the
 * target binds, before the schedule's resource exists. For input with tokens, only the literal parts are counted.
 */
export function validatePayload(scope: IConstruct, input: string | undefined): void {
  if (input === undefined) return;
  const bytes = literalBytes(Stack.of(scope).resolve(input));
  const v = new PropValidator(scope);
  v.check(bytes <= LIMITS.payloadMaxBytes, 'target', `an input of ${bytes} bytes`,
    `the payload (target input) must be at most ${LIMITS.payloadMaxBytes} bytes (256 KB), the most EventBridge Scheduler encrypts`, false);
  v.check(bytes > 0 || Token.isUnresolved(input), 'target', 'an empty input', 'the target input must not be empty (omit it instead)', false);
  v.throwIfInvalid();
}

/**
 * Warns (acknowledgeably) when a one-time `at()` schedule names a time that has already passed: Scheduler accepts it,
 * but it never runs. Only the warning depends on the clock; the template does not.
 */
export function warnIfInThePast(scope: IConstruct, expression: scheduler.ScheduleExpression, now: number = Date.now()): void {
  const text = expression.expressionString;
  if (Token.isUnresolved(text)) return;
  const match = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (!match) return;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const timeZone = expression.timeZone?.timezoneName ?? 'UTC';
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const instant = local - zoneOffset(local, timeZone);
  if (instant >= now) return;
  Annotations.of(scope).addWarningV2(AT_IN_THE_PAST_WARNING, [
    `schedule: ${text} in ${timeZone} is in the past (${new Date(instant).toISOString()}); a one-time schedule whose time has passed never runs.`,
    'Pick a future time, or acknowledge this warning if the schedule is kept only for its record.',
  ].join(' '));
}

/** How far the wall clock of `timeZone` is ahead of UTC around `instant` (ms); 0 for an unknown zone. */
function zoneOffset(instant: number, timeZone: string): number {
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    const part: { [type: string]: number } = {};
    for (const p of format.formatToParts(new Date(instant))) part[p.type] = Number(p.value);
    return Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second) - instant;
  } catch {
    return 0;
  }
}

/** UTF-8 bytes of the literal parts of a resolved value (a string, or an `Fn::Join` of strings and intrinsics). */
function literalBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.reduce<number>((sum, part) => sum + literalBytes(part), 0) + Buffer.byteLength(separator, 'utf8') * Math.max(0, parts.length - 1);
  }
  return 0;
}

/** The props an `aws-scheduler-targets` target was built with (its dead-letter queue and retry policy), if it is one. */
function targetBaseProps(target: scheduler.IScheduleTarget | undefined): targets.ScheduleTargetBaseProps | undefined {
  if (!(target instanceof targets.ScheduleTargetBase)) return undefined;
  const base: unknown = (target as unknown as { baseProps?: unknown }).baseProps;
  return typeof base === 'object' && base !== null ? base as targets.ScheduleTargetBaseProps : undefined;
}

function seconds(duration: Duration | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const value = duration.toSeconds({ integral: false });
  return Token.isUnresolved(value) ? undefined : value;
}

function minutes(duration: Duration | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const value = duration.toMinutes({ integral: false });
  return Token.isUnresolved(value) ? undefined : value;
}

/**
 * Warns (acknowledgeably) when the dead-letter queue is in another region or account than the schedule. The Scheduler
 * guide documents neither (it is silent, so this is not an error), and neither can work as the construct sets it up:
 * the execution role may use the queue's key only through SQS in the schedule's region (`kms:ViaService`), and a
 * queue of another account must allow the role in its own queue and key policies, which this stack cannot edit. A
 * dead letter that cannot be delivered is lost without a word.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export function warnIfDeadLetterQueueElsewhere(scope: IConstruct, queue: sqs.IQueue): void {
  const stack = Stack.of(scope);
  const where = (value: string | undefined, own: string) => value !== undefined && !Token.isUnresolved(value) && !Token.isUnresolved(own) && value !== own ? value : undefined;
  const region = where(queue.env?.region, stack.region);
  const account = where(queue.env?.account, stack.account);
  if (region === undefined && account === undefined) return;
  const elsewhere = [region && `region ${region}`, account && `account ${account}`].filter(Boolean).join(' and ');
  Annotations.of(scope).addWarningV2(DEAD_LETTER_QUEUE_ELSEWHERE_WARNING, [
    `The dead-letter queue ${queue.node.path} is in ${elsewhere}, not the schedule's (${stack.region}, ${stack.account}).`,
    'EventBridge Scheduler documents no dead-letter queue outside the schedule\'s region and account, and the execution role may use the queue\'s key',
    `only through SQS in ${stack.region}: failed payloads may be lost. Use a queue of this region and account, or acknowledge this warning once you have`,
    'proved delivery (the queue\'s and its key\'s policies must allow the execution role).',
  ].join(' '));
}
