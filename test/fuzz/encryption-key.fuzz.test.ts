import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { EncryptionKey } from '../../src';
import { fuzzProps } from '../support/fuzz';

const aliasArb = fc.oneof(
  fc.constant(undefined),
  fc.stringMatching(/^[a-zA-Z0-9/_-]{1,30}$/),
  fc.constantFrom('aws/reserved', 'alias/aws/x', 'bad alias', '', 'alias/ok-name'),
);

test('EncryptionKey: random props end in a clean template or a validation error naming the prop', () => {
  const outcome = fuzzProps(
    fc.record({
      protects: fc.string({ minLength: 1, maxLength: 40 }),
      alias: aliasArb,
      rotationDays: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
      pendingDays: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
      strictMode: fc.option(fc.boolean(), { nil: undefined }),
      destroy: fc.boolean(),
    }),
    (stack, id, p) => {
      new EncryptionKey(stack, id, {
        protects: p.protects,
        alias: p.alias === undefined ? undefined : `${p.alias}${id}`.replace(/^$/, ''),
        rotationPeriod: p.rotationDays === undefined ? undefined : Duration.days(p.rotationDays),
        pendingWindow: p.pendingDays === undefined ? undefined : Duration.days(p.pendingDays),
        strictMode: p.strictMode,
        removalPolicy: p.destroy ? RemovalPolicy.DESTROY : undefined,
      });
    },
  );
  expect(outcome.rejected).toBeGreaterThan(0);
  expect(outcome.accepted).toBeGreaterThan(0);
  expect(outcome.propsNamed).toEqual(expect.arrayContaining(['rotationPeriod', 'pendingWindow', 'alias']));
});
