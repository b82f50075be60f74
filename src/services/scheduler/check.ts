/*
 * What the deploy-time verifier asks EventBridge Scheduler: which key a schedule names.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';

/** The read-only action behind {@link scheduleKeyIdentifier}; the verifier role may call it on the schedule's ARN. */
export const GET_SCHEDULE = 'scheduler:GetSchedule';

/**
 * The key a schedule is encrypted with: `GetSchedule` returns it as `KmsKeyArn`, a key ARN; absent when the schedule
 * uses an AWS owned key. On a schedule with a customer managed key, Scheduler decrypts the payload with the caller's
 * permissions, so the caller needs `kms:Decrypt` through Scheduler for the schedule's encryption context.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html
 */
export async function scheduleKeyIdentifier(
  client: SchedulerClient,
  scheduleName: string,
  groupName: string,
  abortSignal?: AbortSignal,
): Promise<string | undefined> {
  const out = await client.send(new GetScheduleCommand({ Name: scheduleName, GroupName: groupName }), { abortSignal });
  return out.KmsKeyArn;
}
