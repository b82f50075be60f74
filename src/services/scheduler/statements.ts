/**
 * What KMS must allow for EventBridge Scheduler: the key-policy statements for a schedule's callers and execution
 * role, and for a reader of the schedule (the verifier's `GetSchedule`).
 */
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { accountRoot, keyEnvironment, KeyStatementEnvironment, viaService } from '../kms/environment';

/** Identifiers of an EventBridge Scheduler schedule, for its key-policy statements. */
export interface ScheduleKeyStatementProps extends KeyStatementEnvironment {
  /**
   * ARN of the schedule, `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>`, or a pattern of the
   * group's schedules, `.../schedule/<group>/*` (matched with `StringLike`).
   */
  readonly scheduleArn: string;
  /**
   * The schedule's execution role, which decrypts the payload when the schedule fires.
   *
   * @default - none: give `executionRoleArnPattern`
   */
  readonly executionRole?: iam.IPrincipal;
  /**
   * Instead of one role: the execution roles whose ARN matches this pattern (`aws:PrincipalArn`, `ArnLike`), e.g. every
   * role under an IAM path, `arn:<partition>:iam::<account>:role/<path>/*`.
   *
   * @default - none: give `executionRole`
   */
  readonly executionRoleArnPattern?: string;
}

/** Identifiers for the verifier's read of one encrypted schedule. */
export interface VerifierScheduleReadProps extends KeyStatementEnvironment {
  /** The verifier function's execution role. */
  readonly verifierRole: iam.IPrincipal;
  /** ARN of the schedule the verifier reads with `GetSchedule` (or a `.../schedule/<group>/*` pattern). */
  readonly scheduleArn: string;
}

/**
 * The encryption context Scheduler encrypts a schedule with: `aws:scheduler:schedule:arn` = the schedule ARN.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
 */
const SCHEDULE_CONTEXT_KEY = 'kms:EncryptionContext:aws:scheduler:schedule:arn';

/** Whether the ARN is a pattern of a group's schedules (matched with `StringLike`) rather than one schedule. */
function isPattern(scheduleArn: string): boolean {
  return !Token.isUnresolved(scheduleArn) && scheduleArn.includes('*');
}

/**
 * The principal that creates or updates the schedule (through Scheduler) may describe the key and generate/decrypt
 * data keys for this schedule only, and the execution role may only decrypt its payload. Scheduler encrypts with the
 * schedule's ARN as context and does not support grants.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
 */
export function scheduleStatements(props: ScheduleKeyStatementProps): iam.PolicyStatement[] {
  const e = keyEnvironment(props);
  const viaScheduler = { 'kms:ViaService': viaService('scheduler', e.region), 'kms:CallerAccount': e.account };
  const contextValue = { [SCHEDULE_CONTEXT_KEY]: props.scheduleArn };
  const pattern = isPattern(props.scheduleArn);
  const context = (extra: Record<string, string> = {}): Record<string, Record<string, string>> => (pattern
    ? { StringEquals: extra, StringLike: contextValue } : { StringEquals: { ...extra, ...contextValue } });
  if (!props.executionRole && !props.executionRoleArnPattern) throw new Error('KeyPolicyStatements.schedule: give executionRole or executionRoleArnPattern');
  const executionRoles = props.executionRole
    ? { principals: [props.executionRole], conditions: context() }
    : { principals: [accountRoot(props)], conditions: { ...context(), ArnLike: { 'aws:PrincipalArn': props.executionRoleArnPattern! } } };
  return [
    new iam.PolicyStatement({
      sid: 'SchedulerDescribe',
      principals: [accountRoot(props)],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: viaScheduler },
    }),
    new iam.PolicyStatement({
      sid: 'SchedulerEncrypt',
      principals: [accountRoot(props)],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: context(viaScheduler),
    }),
    new iam.PolicyStatement({
      sid: 'SchedulerExecutionRoleDecrypt',
      principals: executionRoles.principals,
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: executionRoles.conditions,
    }),
  ];
}

/**
 * A reader of one encrypted schedule: `GetSchedule` makes Scheduler decrypt the schedule's payload with the caller's
 * permissions, so the reader may decrypt only through Scheduler, only under this schedule's context.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
 */
export function scheduleReadStatement(props: VerifierScheduleReadProps): iam.PolicyStatement {
  const via = { 'kms:ViaService': viaService('scheduler', keyEnvironment(props).region) };
  return new iam.PolicyStatement({
    sid: 'EncryptionVerifierScheduleRead',
    principals: [props.verifierRole],
    actions: ['kms:Decrypt'],
    resources: ['*'],
    conditions: isPattern(props.scheduleArn)
      ? { StringEquals: via, StringLike: { [SCHEDULE_CONTEXT_KEY]: props.scheduleArn } }
      : { StringEquals: { ...via, [SCHEDULE_CONTEXT_KEY]: props.scheduleArn } },
  });
}
