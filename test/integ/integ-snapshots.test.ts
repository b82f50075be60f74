/**
 * The acceptance tests' apps cannot rot: each `integ.*.ts` app is synthesized offline, with a fixed account, region and
 * clock, and every stack it holds (the test stack and the IntegTest's assertion stack) is compared to its snapshot.
 * Asset hashes are normalized by test/support/asset-hash-serializer.ts. Deploying them is `npx projen integ:deploy`.
 */
import { readdirSync } from 'fs';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { IntegAppOptions } from './integ-support';
import { TEST_ENV } from '../support/fixtures';

/** A clock in the future, so the one-time schedules are valid and their expression is stable. */
const FIXED_NOW = new Date('2030-01-01T00:00:00Z');
const OPTIONS: IntegAppOptions = { env: TEST_ENV, now: FIXED_NOW };

const INTEG_APPS = readdirSync(__dirname).filter(f => /^integ\..+\.ts$/.test(f)).sort();

test('every construct has an integ app, plus the archive\'s dead-letter, bus-logging and event-delivery apps and the strict-mode composition', () => {
  expect(INTEG_APPS).toEqual([
    'integ.encrypted-archive-dead-letters.ts',
    'integ.encrypted-archive.ts',
    'integ.encrypted-bus-logging.ts',
    'integ.encrypted-connection.ts',
    'integ.encrypted-event-delivery.ts',
    'integ.encrypted-rds-cluster.ts',
    'integ.encrypted-rds-instance.ts',
    'integ.encrypted-schedule.ts',
    'integ.strict-composition.ts',
  ]);
});

describe.each(INTEG_APPS)('%s', (file) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(`./${file}`) as { build: (app: App, options: IntegAppOptions) => IntegTest };
  const app = new App();
  build(app, OPTIONS);
  const assembly = app.synth();

  test('holds its test stack and the assertion stack, with an explicit environment', () => {
    expect(assembly.stacks.length).toBe(2);
    for (const stack of assembly.stacks) expect(stack.environment).toMatchObject({ account: TEST_ENV.account, region: TEST_ENV.region });
    expect(assembly.stacks.some(s => /DeployAssert/.test(s.stackName))).toBe(true);
  });

  test('synthesizes with no error annotation', () => {
    const errors = assembly.stacks.flatMap(s => s.messages).filter(m => m.level === 'error');
    expect(errors).toEqual([]);
  });

  test.each(assembly.stacks.map(s => s.stackName))('template of %s matches its snapshot', (stackName) => {
    expect(withoutSalt(assembly.getStackByName(stackName).template)).toMatchSnapshot();
  });
});

/**
 * integ-tests-alpha gives every assertion custom resource a `salt` property of `Date.now()` at synthesis, so that the
 * assertions run again on each deployment. It is the only clock-dependent value: replaced by a placeholder.
 */
function withoutSalt(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSalt);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'salt' && typeof v === 'string' ? 'SALT' : withoutSalt(v)]));
}
