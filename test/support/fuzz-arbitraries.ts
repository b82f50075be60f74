import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AuditTrail, EncryptionKeyOptions } from '../../src';

/**
 * Mostly `valid`, sometimes `invalid` (one value in `invalidOneIn`), so that enough cases are accepted: the nag/guard
 * check of accepted cases is the slow part of a fuzz run.
 */
export const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>, invalidOneIn = 10) =>
  fc.oneof({ arbitrary: valid, weight: invalidOneIn - 1 }, { arbitrary: invalid, weight: 1 });

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
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 19 }, { arbitrary: fc.constantFrom(...props), weight: 1 });
}

/** `props` with `prop` set to null, when one was drawn. */
export function withNull<P extends object>(props: P, prop: string | undefined): P {
  return prop === undefined ? props : { ...props, [prop]: null };
}
