import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AuditTrail, EncryptionKeyOptions } from '../../src';
import { PropValidationError } from '../../src/internal/validation';

/**
 * Mostly `valid`, sometimes `invalid` (one value in `invalidOneIn`), so that enough cases are accepted: the nag/guard
 * check of accepted cases is the slow part of a fuzz run.
 */
export const mostly = mostlyValid(10);

/** Generated key options: alias, rotation and deletion window (valid or not), strict mode, removal. */
export interface KeyOptionsSpec {
  readonly alias?: string;
  readonly rotationDays?: number;
  readonly pendingDays?: number;
  readonly strictMode?: boolean;
  readonly destroy?: boolean;
}

/** Key options for a construct's `keyOptions`, bad one value in `invalidOneIn`. */
export function keyOptionsArbitrary(invalidOneIn: number): fc.Arbitrary<KeyOptionsSpec | undefined> {
  return fc.option(fc.record({
    alias: fc.option(mostly(fc.stringMatching(/^[a-zA-Z0-9/_-]{1,30}$/), fc.constantFrom('aws/reserved', 'alias/aws/x', 'bad alias', '', 'alias/'), invalidOneIn), { nil: undefined }),
    rotationDays: fc.option(mostly(
      fc.integer({ min: 90, max: 2560 }),
      fc.oneof(fc.integer({ min: 0, max: 89 }), fc.integer({ min: 2561, max: 100_000 }), fc.constant(365.5)),
      invalidOneIn,
    ), { nil: undefined }),
    pendingDays: fc.option(mostly(
      fc.integer({ min: 7, max: 30 }),
      fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 31, max: 1000 }), fc.constant(7.5)),
      invalidOneIn,
    ), { nil: undefined }),
    strictMode: fc.option(fc.boolean(), { nil: undefined }),
    destroy: fc.boolean(),
  }, { requiredKeys: [] }), { nil: undefined });
}

/** The `EncryptionKeyOptions` of a generated spec; a valid alias is made unique per case (a batch stack holds 25). */
export function keyOptionsOf(o: KeyOptionsSpec | undefined, id: string): EncryptionKeyOptions | undefined {
  if (!o) return undefined;
  return {
    alias: o.alias === undefined ? undefined : /^(alias\/)?[a-zA-Z0-9:/_-]+$/.test(o.alias) && !/^(alias\/)?aws\//.test(o.alias) ? `${o.alias}-${id}` : o.alias,
    rotationPeriod: o.rotationDays === undefined ? undefined : Duration.days(o.rotationDays),
    pendingWindow: o.pendingDays === undefined ? undefined : Duration.days(o.pendingDays),
    strictMode: o.strictMode,
    removalPolicy: o.destroy ? RemovalPolicy.DESTROY : undefined,
  };
}

/** The audit-trail choices: the default (no prop), the stack-shared trail, none, an existing trail. */
export const auditTrailChoiceArbitrary = fc.option(fc.constantFrom('stackShared', 'none', 'existing'), { nil: undefined });

/** The `AuditTrail` of a generated choice. */
export function auditTrailOf(choice: string | undefined): AuditTrail | undefined {
  switch (choice) {
    case 'stackShared': return AuditTrail.stackShared();
    case 'none': return AuditTrail.none();
    case 'existing': return AuditTrail.fromTrailArn('arn:aws:cloudtrail:eu-west-1:111122223333:trail/organization');
    default: return undefined;
  }
}

/**
 * A generated physical name made unique per case of a batch stack (ids `Case<n>`), keeping its length when it can: a
 * batch of accepted cases shares one stack, where two constructs deploying the same name are (rightly) an error. The
 * single-case stack (`Subject`) keeps the name as generated.
 */
export function uniqueName<T extends string | undefined>(name: T, id: string, maxLength: number, index = ''): T {
  if (name === undefined || id === 'Subject' || !/^Case\d+$/.test(id)) return name;
  const suffix = `c${id.slice(4)}${index}`;
  if (name.length + suffix.length <= maxLength) return `${name}${suffix}` as T;
  return (name.length > suffix.length ? `${name.slice(0, name.length - suffix.length)}${suffix}` : `${name}${suffix}`) as T;
}

/** Keys that cannot work, as a construct's `encryptionKey`: every one must end in a validation error naming it. */
export const BAD_KEYS = ['rsa', 'hmac', 'otherRegion', 'aliasArn', 'awsManaged', 'alias', 'noRotation'] as const;
export type BadKey = typeof BAD_KEYS[number];
/**
 * The bad keys a fuzz case draws. A key with rotation off is accepted with `verifyKeyRotation: false` (rightly), and then
 * leaves the user's own key-rotation findings in the template: it is tested in the construct tables instead.
 */
export const badKeyArbitrary: fc.Arbitrary<BadKey> = fc.constantFrom(...BAD_KEYS.filter(k => k !== 'noRotation'));

/** The key of a generated bad-key choice, created under `scope` with ids derived from `id`. */
export function badKeyOf(scope: Construct, id: string, choice: BadKey): kms.IKey {
  switch (choice) {
    case 'rsa': return new kms.Key(scope, `${id}RsaKey`, { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT });
    case 'hmac': return new kms.Key(scope, `${id}HmacKey`, { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC });
    case 'otherRegion': return kms.Key.fromKeyArn(scope, `${id}FarKey`, 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    case 'aliasArn': return kms.Key.fromKeyArn(scope, `${id}AliasArnKey`, 'arn:aws:kms:eu-west-1:111122223333:alias/payloads');
    case 'awsManaged': return kms.Alias.fromAliasName(scope, `${id}ManagedKey`, 'alias/aws/events');
    case 'alias': return new kms.Alias(scope, `${id}Alias`, { aliasName: `alias/fuzz-${id}`, targetKey: new kms.Key(scope, `${id}AliasTarget`, { enableKeyRotation: true }) });
    default: return new kms.Key(scope, `${id}NoRotationKey`);
  }
}

/** Now and then, one optional prop given as `null` by a JavaScript caller (which must be a validation error). */
export function nullPropArbitrary<K extends string>(...props: K[]): fc.Arbitrary<K | undefined> {
  return nullPropOneIn(20, ...props);
}

/** As `nullPropArbitrary`, one case in `oneIn`. */
export function nullPropOneIn<K extends string>(oneIn: number, ...props: K[]): fc.Arbitrary<K | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: fc.constantFrom(...props), weight: 1 });
}

/**
 * `props` with `prop` set to null, when one was drawn. `a.b` sets `b` of the struct `a` to null; a trailing `[]`
 * (`keyOptions.administrators[]`, `readers[]`) puts a null entry into that array instead, as a JavaScript caller's
 * `[null]` would.
 */
export function withNull<P extends object>(props: P, prop: string | undefined): P {
  if (prop === undefined) return props;
  const [head, ...rest] = prop.split('.');
  const record = props as Record<string, any>;
  if (rest.length > 0) return { ...props, [head]: withNull({ ...(record[head] ?? {}) }, rest.join('.')) };
  if (head.endsWith('[]')) {
    const name = head.slice(0, -2);
    return { ...props, [name]: [...(Array.isArray(record[name]) ? record[name] : []), null] };
  }
  return { ...props, [head]: null };
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A weekly maintenance window (`ddd:hh24:mi-ddd:hh24:mi`) or a daily backup window (`hh24:mi-hh24:mi`): mostly a
 * random start and a length of 30 minutes to 2 hours (so they run past midnight and from Sunday into Monday, and
 * now and then overlap each other), one in nine 25 to 35 minutes long, one in `invalidOneIn` malformed.
 */
export function rdsWindowArbitrary(kind: 'maintenance' | 'backup', invalidOneIn: number): fc.Arbitrary<string> {
  const week = kind === 'maintenance';
  const span = week ? 7 * 1440 : 1440;
  const at = (minute: number, capitalize: boolean) => {
    const m = ((minute % span) + span) % span;
    const day = DAYS[Math.floor(m / 1440)];
    const time = `${pad(Math.floor((m % 1440) / 60))}:${pad(m % 60)}`;
    return week ? `${capitalize ? day[0].toUpperCase() + day.slice(1) : day}:${time}` : time;
  };
  const window = (minutes: fc.Arbitrary<number>) => fc.tuple(fc.integer({ min: 0, max: span - 1 }), minutes, fc.boolean())
    .map(([start, length, capitalize]) => `${at(start, capitalize)}-${at(start + length, capitalize)}`);
  const malformed = week
    ? fc.constantFrom('MON:03:00-MON:03:30', 'mun:03:00-mun:03:30', 'mon:23:30-mon:24:00', 'mon:3:00-mon:3:30', 'mon:03:00-mon:03:00', '03:00-03:30', 'monday:03:00-monday:03:30', 'mon:03:00 - mon:03:30')
    : fc.constantFrom('23:30-24:00', '03:60-04:30', '3:00-3:30', '03:00-03:00', 'mon:03:00-mon:03:30', '03:00', '0300-0330');
  return mostly(
    window(fc.oneof({ arbitrary: fc.integer({ min: 30, max: 120 }), weight: 8 }, { arbitrary: fc.integer({ min: 25, max: 35 }), weight: 1 })),
    fc.oneof(malformed, fc.string({ maxLength: 24 })),
    invalidOneIn,
  );
}

/**
 * A DB's maintenance and backup windows (each may be absent), one pair in three placed next to each other: the backup
 * window starting a minute before, at, or a minute after the end of the maintenance window, or ending so at its start,
 * where a rule that gets the edge wrong shows.
 */
export function rdsWindowPairArbitrary(invalidOneIn: number): fc.Arbitrary<{ maintenance?: string; backup?: string }> {
  const independent = fc.record({
    maintenance: fc.option(rdsWindowArbitrary('maintenance', invalidOneIn), { nil: undefined }),
    backup: fc.option(rdsWindowArbitrary('backup', invalidOneIn), { nil: undefined }),
  });
  const time = (minute: number) => {
    const m = ((minute % 1440) + 1440) % 1440;
    return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
  };
  const adjacent = fc.tuple(rdsWindowArbitrary('maintenance', invalidOneIn), fc.integer({ min: 30, max: 90 }), fc.constantFrom(-1, 0, 1), fc.boolean())
    .map(([maintenance, length, shift, after]) => {
      const m = /^\w{3}:(\d\d):(\d\d)-\w{3}:(\d\d):(\d\d)$/.exec(maintenance);
      if (!m) return { maintenance };
      const start = Number(m[1]) * 60 + Number(m[2]);
      const end = Number(m[3]) * 60 + Number(m[4]);
      const backupStart = after ? end + shift : start + shift - length;
      return { maintenance, backup: `${time(backupStart)}-${time(backupStart + length)}` };
    });
  return fc.oneof({ arbitrary: independent, weight: 2 }, { arbitrary: adjacent, weight: 1 });
}

/**
 * The minutes of the week a window covers, or a reason it is not a window RDS accepts: the reference the fuzz suites
 * hold the library's window rules to, written the slow way (minute by minute, formats by lookup) so that it shares no
 * arithmetic with `services/rds/windows.ts`.
 */
export function windowMinutes(kind: 'maintenance' | 'backup', text: string): Set<number> | string {
  const hours = new Map(Array.from({ length: 24 }, (_, h) => [pad(h), h]));
  const minutes = new Map(Array.from({ length: 60 }, (_, m) => [pad(m), m]));
  const days = new Map([...DAYS.map((d, i) => [d, i] as const), ...DAYS.map((d, i) => [d[0].toUpperCase() + d.slice(1), i] as const)]);
  const ends = text.split('-');
  if (ends.length !== 2) return 'format';
  const parse = (end: string): number | undefined => {
    const parts = end.split(':');
    if (parts.length !== (kind === 'maintenance' ? 3 : 2)) return undefined;
    const [d, h, m] = kind === 'maintenance' ? parts : ['mon', ...parts];
    if (!days.has(d) || !hours.has(h) || !minutes.has(m)) return undefined;
    return days.get(d)! * 1440 + hours.get(h)! * 60 + minutes.get(m)!;
  };
  const [start, end] = ends.map(parse);
  if (start === undefined || end === undefined) return 'format';
  const covered = new Set<number>();
  const span = kind === 'maintenance' ? 7 * 1440 : 1440;
  for (let m = start; m % span !== end; m++) covered.add(m % span);
  if (covered.size < 30) return 'length';
  if (kind === 'maintenance') return covered;
  // a backup window recurs every day of the week
  const week = new Set<number>();
  for (let day = 0; day < 7; day++) covered.forEach(m => week.add(day * 1440 + m));
  return week;
}

/**
 * Which of a DB's windows RDS would refuse, by the reference above: each prop with its reason (format, length, or
 * overlap, named on the backup window; a backup window names the maintenance window it must not overlap in
 * `against`). Undefined windows are fine.
 */
export function windowProblems(windows: { prop: string; kind: 'maintenance' | 'backup'; value: string | undefined; against?: string }[]): Map<string, string> {
  const problems = new Map<string, string>();
  const covered = new Map<string, Set<number>>();
  for (const w of windows) {
    if (w.value === undefined) continue;
    const minutes = windowMinutes(w.kind, w.value);
    if (typeof minutes === 'string') problems.set(w.prop, minutes);
    else covered.set(w.prop, minutes);
  }
  for (const w of windows) {
    const backup = covered.get(w.prop);
    const maintenance = w.against === undefined ? undefined : covered.get(w.against);
    if (backup && maintenance && [...backup].some(m => maintenance.has(m))) problems.set(w.prop, 'overlap');
  }
  return problems;
}

/**
 * Builds a construct whose windows `problems` judged (see `windowProblems`), holding the library to that reference
 * both ways: accepted, no window may have a problem; refused, every window prop the error names must have one. Any
 * disagreement is thrown as a plain error, which fails the fuzz run with the case.
 */
export function buildJudgingWindows<T>(problems: Map<string, string>, windowProps: string[], make: () => T): T {
  let built: T;
  try {
    built = make();
  } catch (error) {
    if (error instanceof PropValidationError) {
      const named = [...error.message.matchAll(/^ {2}- (.+?): got /gm)].map(m => m[1]).filter(prop => windowProps.includes(prop));
      const wrongly = named.filter(prop => !problems.has(prop));
      if (wrongly.length > 0) throw new Error(`refused ${wrongly.join(', ')}, which RDS accepts:\n${error.message}`);
    }
    throw error;
  }
  if (problems.size > 0) throw new Error(`accepted windows RDS refuses: ${[...problems].map(([prop, why]) => `${prop} (${why})`).join(', ')}`);
  return built;
}

/** What `mostlyValid` returns: mostly `valid`, sometimes `invalid` (one case in `invalidOneIn`). */
export type Mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>, invalidOneIn?: number) => fc.Arbitrary<T | U>;

/** Mostly `valid`, one case in `invalidOneIn` (the suite's default, overridable per prop) `invalid`. */
export function mostlyValid(defaultOneIn: number): Mostly {
  return <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>, invalidOneIn = defaultOneIn) =>
    fc.oneof({ arbitrary: valid, weight: invalidOneIn - 1 }, { arbitrary: invalid, weight: 1 }) as fc.Arbitrary<T | U>;
}

/**
 * A whole number from `min` to `max`, or (through `pick`) one that is negative, out of range, fractional, huge or
 * not a number at all; `edges` are the suite's own bad constants.
 */
export function anyWholeNumber(pick: Mostly, edges: (min: number, max: number) => number[] = (min, max) => [min - 1, max + 1, 1e21, Number.NaN, Number.POSITIVE_INFINITY]) {
  return (min: number, max: number, invalidOneIn?: number) => pick(
    fc.integer({ min, max }),
    fc.oneof(
      fc.integer({ min: -1000, max: min - 1 }),
      fc.integer({ min: max + 1, max: max * 10 + 1000 }),
      fc.double({ min, max, noNaN: true }).filter(n => !Number.isInteger(n)),
      fc.constantFrom(...edges(min, max)),
    ),
    invalidOneIn,
  );
}
