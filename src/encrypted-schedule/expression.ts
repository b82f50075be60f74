/**
 * EventBridge Scheduler's schedule-expression grammar, checked at synth time so that a schedule that can never be
 * created fails `cdk synth` rather than the deployment.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html#scheduler-CreateSchedule-request-ScheduleExpression
 */

/** One cron field: its name, its range, the names it accepts for values (months, week days) and its extra symbols. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
  /** Special characters beyond `, - * /` (`?`, `L`, `W`, `#`). */
  readonly special: string;
}

/**
 * The six fields of a Scheduler cron expression: minutes, hours, day-of-month, month, day-of-week, year.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export const CRON_FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59, special: '' },
  { name: 'hours', min: 0, max: 23, special: '' },
  { name: 'day-of-month', min: 1, max: 31, special: '?LW' },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], special: '' },
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], special: '?L#' },
  { name: 'year', min: 1970, max: 2199, special: '' },
];

/** The units of a `rate()` expression. */
export const RATE_UNITS = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'];

/** What is wrong with a literal schedule expression, or undefined when it is valid. */
export function expressionProblem(expression: string): string | undefined {
  const match = /^(at|rate|cron)\((.*)\)$/s.exec(expression);
  if (!match) return 'must be an at(...), rate(...) or cron(...) expression (use scheduler.ScheduleExpression)';
  const [, kind, body] = match;
  if (kind === 'rate') return rateProblem(body);
  if (kind === 'at') return atProblem(body);
  return cronProblem(body);
}

function rateProblem(body: string): string | undefined {
  const parts = /^(\d+) ([a-z]+)$/.exec(body);
  if (!parts || !RATE_UNITS.includes(parts[2])) return 'a rate is rate(<whole number> <minute(s)|hour(s)|day(s)>)';
  if (Number(parts[1]) < 1) return 'a rate must be a positive number of minutes, hours or days (rate(0 ...) never runs)';
  return undefined;
}

function atProblem(body: string): string | undefined {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!parts) return 'a one-time schedule is at(yyyy-mm-ddThh:mm:ss)';
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && hour <= 23 && minute <= 59 && second <= 59;
  return exists ? undefined : `${body} is not a date and time that exists`;
}

function cronProblem(body: string): string | undefined {
  const fields = body.split(' ');
  if (fields.length !== 6) return `a cron expression has 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
  for (const [i, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[i], field);
    if (problem) return `cron ${field.name} "${fields[i]}": ${problem}`;
  }
  if (fields[2] !== '?' && fields[4] !== '?') {
    return 'cron day-of-month and day-of-week cannot both be given: one of them must be "?"';
  }
  return undefined;
}

function cronFieldProblem(text: string, field: CronField): string | undefined {
  const range = `allowed: ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ''}, "," "-" "*" "/"${[...field.special].map(c => ` "${c}"`).join('')}`;
  if (text === '*' || (text === '?' && field.special.includes('?'))) return undefined;
  for (const item of text.split(',')) {
    if (!itemValid(item, field)) return range;
  }
  return undefined;
}

function itemValid(item: string, field: CronField): boolean {
  const value = (v: string) => {
    const upper = v.toUpperCase();
    const named = field.names?.indexOf(upper) ?? -1;
    const n = named >= 0 ? named + field.min : /^\d+$/.test(v) ? Number(v) : NaN;
    return n >= field.min && n <= field.max;
  };
  if (field.special.includes('L') && item === 'L') return true;
  if (field.name === 'day-of-month' && /^(\d+W|LW)$/.test(item)) return item === 'LW' || value(item.slice(0, -1));
  if (field.name === 'day-of-week' && /^[^#]+L$/.test(item)) return value(item.slice(0, -1));
  if (field.special.includes('#') && item.includes('#')) {
    const [day, nth] = item.split('#');
    return value(day) && /^[1-5]$/.test(nth);
  }
  const [start, step, ...rest] = item.split('/');
  if (rest.length > 0) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (start === '*') return true;
  const [from, to, ...more] = start.split('-');
  if (more.length > 0) return false;
  return value(from) && (to === undefined || value(to));
}

/**
 * Whether a time zone is an IANA time-zone name this runtime knows (Scheduler's `ScheduleExpressionTimezone` takes
 * IANA names). A zone Node.js does not know is reported; an unknown runtime (no `Intl`) accepts every zone.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html#scheduler-CreateSchedule-request-ScheduleExpressionTimezone
 */
export function isKnownTimeZone(timeZone: string): boolean {
  if (typeof Intl === 'undefined' || typeof Intl.DateTimeFormat !== 'function') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
