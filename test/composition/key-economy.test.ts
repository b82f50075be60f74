/**
 * Hundreds of schedules on one key: with ScheduleKeyPolicyScope.SCHEDULE_GROUP the key policy holds one set of
 * statements per schedule group, so it does not grow with the schedules: the key policy of 40 schedules of one group is
 * the key policy of 20, character for character, in default and strict mode (then so is that of 200 or 2,000), and the
 * access paths of the catalog hold for every one of the 40. (40, not hundreds: the proof costs the test command about
 * 0.1 s per schedule.)
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { EncryptedSchedule, EncryptionKey, ScheduleKeyPolicyScope } from '../../src';
import { MAX_KEY_POLICY_CHARACTERS } from '../../src/key/key-policy';
import { STACK_QUOTA_GUARDS_CONTEXT } from '../../src/quotas/quota-guards';
import { describeFailures, prove, worldOf } from '../access/proof';
import { TEST_ENV } from '../support/fixtures';

const SCHEDULES = 40;

function platform(strictMode: boolean, schedules: number): { app: App; stack: Stack; key: EncryptionKey } {
  // 40 schedules are ~350 resources; hundreds would pass CloudFormation's 500 per stack (and its 1 MB template, and the
  // shared alarm topic's policy SNS's 30 KB): the limit is lifted here to look at the key alone (a real app spreads
  // them over stacks; see docs/encrypted-schedule.md, "Key economy").
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0, [STACK_QUOTA_GUARDS_CONTEXT]: false, 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Platform', { env: TEST_ENV });
  const key = new EncryptionKey(stack, 'GroupKey', { protects: 'the reports group\'s schedules', strictMode, administrators: strictMode ? [] : undefined });
  const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
  const fn = new lambda.Function(stack, 'Target', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
  for (let i = 0; i < schedules; i++) {
    new EncryptedSchedule(stack, `Report${i}`, {
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1 + (i % 23))),
      target: new targets.LambdaInvoke(fn, { input: scheduler.ScheduleTargetInput.fromObject({ report: i }) }),
      scheduleGroup: group,
      encryptionKey: key,
      keyPolicyScope: ScheduleKeyPolicyScope.SCHEDULE_GROUP,
      // One verifier role holds at most 20 managed policies (about 240 verified resources, fewer as the policies fill
      // up): synthesis would fail on hundreds of verified schedules in one stack, as it should. Every 10th is verified here.
      verifyEncryption: i % 10 === 0 || i === schedules - 1,
    });
  }
  return { app, stack, key };
}

describe.each([['default', false], ['strict', true]] as const)('%s mode: schedules of one group on one key', (_mode, strictMode) => {
  const { app, stack, key } = platform(strictMode, SCHEDULES);
  const world = worldOf(app);
  const keyPolicy = (w: typeof world, s: Stack, k: EncryptionKey) => JSON.stringify(w.properties(w.resource(s.getLogicalId(k.node.defaultChild as any))).KeyPolicy);

  test('the key policy does not grow with the number of schedules: 40 schedules, the key policy of 20, within KMS\'s 32 KB', () => {
    const policy = keyPolicy(world, stack, key);
    const half = platform(strictMode, SCHEDULES / 2);
    expect(policy).toEqual(keyPolicy(worldOf(half.app), half.stack, half.key));
    expect(policy.length).toBeLessThan(MAX_KEY_POLICY_CHARACTERS);
    // one set per group: far below one set per schedule (about 1.5 KB each)
    expect(policy.length).toBeLessThan(6_000);
  });

  test('every access path of the catalog holds for every one of the 40 schedules, and for the key', async () => {
    const results = await prove(world);
    // every schedule has its paths (execution role, target, dead-letter queue, key), not only the verified ones
    for (let i = 0; i < SCHEDULES; i++) expect(results.some(r => r.path.subject.includes(`/Report${i}/`))).toBe(true);
    expect(results.length).toBeGreaterThan(SCHEDULES * 10);
    expect(describeFailures(results)).toBe('');
  });
});
