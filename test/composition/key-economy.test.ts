/**
 * Hundreds of schedules on one key: with ScheduleKeyPolicyScope.SCHEDULE_GROUP the key policy holds one set of
 * statements per schedule group, so 200 schedules of one group fit KMS's 32 KB in default and strict mode, and the
 * access paths of the catalog still hold for them.
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

const SCHEDULES = 200;

function platform(strictMode: boolean): { app: App; stack: Stack; key: EncryptionKey } {
  // 200 schedules are ~1,700 resources: past CloudFormation's 500 per stack (and its 1 MB template, and the shared
  // alarm topic's policy past SNS's 30 KB), lifted here to look at the key alone (a real app spreads them over stacks;
  // see docs/encrypted-schedule.md, "Key economy").
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0, [STACK_QUOTA_GUARDS_CONTEXT]: false, 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Platform', { env: TEST_ENV });
  const key = new EncryptionKey(stack, 'GroupKey', { protects: 'the reports group\'s schedules', strictMode, administrators: strictMode ? [] : undefined });
  const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
  const fn = new lambda.Function(stack, 'Target', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
  for (let i = 0; i < SCHEDULES; i++) {
    new EncryptedSchedule(stack, `Report${i}`, {
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1 + (i % 23))),
      target: new targets.LambdaInvoke(fn, { input: scheduler.ScheduleTargetInput.fromObject({ report: i }) }),
      scheduleGroup: group,
      encryptionKey: key,
      keyPolicyScope: ScheduleKeyPolicyScope.SCHEDULE_GROUP,
      // One verifier role holds at most 20 managed policies (about 240 verified resources, fewer as the policies fill
      // up): synthesis would fail on 200 verified schedules in one stack, as it should. Every 20th is verified here.
      verifyEncryption: i % 20 === 0 || i === SCHEDULES - 1,
    });
  }
  return { app, stack, key };
}

describe.each([['default', false], ['strict', true]] as const)('200 schedules of one group on one key (%s mode)', (_mode, strictMode) => {
  const { app, stack, key } = platform(strictMode);
  const world = worldOf(app);

  test('the key policy stays within KMS\'s 32 KB and does not grow with the number of schedules', () => {
    const policy = JSON.stringify(world.properties(world.resource(stack.getLogicalId(key.node.defaultChild as any))).KeyPolicy);
    expect(policy.length).toBeLessThan(MAX_KEY_POLICY_CHARACTERS);
    // one set per group: far below one set per schedule (about 1.5 KB each)
    expect(policy.length).toBeLessThan(6_000);
  });

  test('every access path of the catalog holds for every one of the 200 schedules, and for the key', async () => {
    const results = await prove(world);
    // every schedule has its paths (execution role, target, dead-letter queue, key), not only the verified ones
    for (let i = 0; i < SCHEDULES; i++) expect(results.some(r => r.path.subject.includes(`/Report${i}/`))).toBe(true);
    expect(results.length).toBeGreaterThan(SCHEDULES * 10);
    expect(describeFailures(results)).toBe('');
  });
});
