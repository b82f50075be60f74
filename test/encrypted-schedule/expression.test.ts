import { expressionProblem, isKnownTimeZone } from '../../src/encrypted-schedule/expression';

describe('Scheduler schedule expressions', () => {
  test.each<[string, string, string]>([
    ['minutes out of range', 'cron(60 2 * * ? *)', 'cron minutes "60": allowed: 0-59'],
    ['hours out of range', 'cron(0 24 * * ? *)', 'cron hours "24": allowed: 0-23'],
    ['day-of-month 0', 'cron(0 2 0 * ? *)', 'cron day-of-month "0": allowed: 1-31'],
    ['day-of-month 32', 'cron(0 2 32 * ? *)', 'cron day-of-month "32": allowed: 1-31'],
    ['month 13', 'cron(0 2 ? 13 MON *)', 'cron month "13": allowed: 1-12 or JAN-DEC'],
    ['an unknown month name', 'cron(0 2 1 JANUARY ? *)', 'cron month "JANUARY": allowed'],
    ['day-of-week 8', 'cron(0 2 ? * 8 *)', 'cron day-of-week "8": allowed: 1-7 or SUN-SAT'],
    ['year 2200', 'cron(0 2 * * ? 2200)', 'cron year "2200": allowed: 1970-2199'],
    ['a step of 0', 'cron(0/0 2 * * ? *)', 'cron minutes "0/0": allowed'],
    ['"*" in both day fields', 'cron(0 2 * * * *)', 'cron day-of-month and day-of-week cannot both be given: one of them must be "?"'],
    ['values in both day fields', 'cron(0 2 1 * MON *)', 'cron day-of-month and day-of-week cannot both be given'],
    ['"?" where it is not allowed', 'cron(? 2 * * ? *)', 'cron minutes "?": allowed'],
    ['five fields', 'cron(0 2 * * ?)', 'a cron expression has 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year), got 5'],
    ['a rate of 0', 'rate(0 minutes)', 'a rate must be a positive number of minutes, hours or days (rate(0 ...) never runs)'],
    ['a rate in seconds', 'rate(30 seconds)', 'a rate is rate(<whole number> <minute(s)|hour(s)|day(s)>)'],
    ['a fractional rate', 'rate(1.5 hours)', 'a rate is rate(<whole number>'],
    ['a date that does not exist', 'at(2030-02-30T10:00:00)', '2030-02-30T10:00:00 is not a date and time that exists'],
    ['an hour that does not exist', 'at(2030-02-01T24:00:00)', '2030-02-01T24:00:00 is not a date and time that exists'],
    ['a date without a time', 'at(2030-02-01)', 'a one-time schedule is at(yyyy-mm-ddThh:mm:ss)'],
  ])('rejects %s', (_name, expression, message) => {
    expect(expressionProblem(expression)).toContain(message);
  });

  test.each<[string, string]>([
    ['the edges of every cron field', 'cron(59 23 31 12 ? 2199)'],
    ['the lower edges', 'cron(0 0 1 1 ? 1970)'],
    ['names, ranges, lists and steps', 'cron(0/15 8-17 ? JAN-MAR,DEC MON-FRI *)'],
    ['the last day of the month and the nearest weekday', 'cron(0 2 L * ? *)'],
    ['a weekday near the 15th', 'cron(0 2 15W * ? *)'],
    ['the second Monday', 'cron(0 2 ? * 2#2 *)'],
    ['the last Friday', 'cron(0 2 ? * 6L *)'],
    ['"*" in one day field with "?" in the other', 'cron(0 2 ? * * *)'],
    ['a rate of 1 minute', 'rate(1 minute)'],
    ['a rate in days', 'rate(7 days)'],
    ['29 February of a leap year', 'at(2028-02-29T23:59:59)'],
  ])('accepts %s', (_name, expression) => {
    expect(expressionProblem(expression)).toBeUndefined();
  });

  test.each([['Europe/London', true], ['Etc/UTC', true], ['America/Argentina/Buenos_Aires', true], ['Europe/Londres', false], ['GMT+25', false], ['', false]])(
    'time zone %j is an IANA name: %s', (zone, known) => {
      expect(isKnownTimeZone(zone as string)).toBe(known);
    });
});
