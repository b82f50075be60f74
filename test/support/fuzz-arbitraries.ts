import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
