import { CONTEXT, KEY_ARN } from './aws';
import { LambdaContextLike } from '../../../src/verifier/handler.lambda';

export const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Orders/5b6c7d8e-0000-1111-2222-333344445555';
export const REQUEST_ID = 'a1b2c3d4-request';
export const LOGICAL_ID = 'OrdersVerification1A2B3C4D';
export const SERVICE_TOKEN = 'arn:aws:lambda:eu-west-1:111122223333:function:Orders-encryption-verifier';

/** Resource properties as CloudFormation would deliver them; `overrides` replace (or, with undefined, remove) fields. */
export function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const props: Record<string, unknown> = {
    ServiceToken: SERVICE_TOKEN,
    KeyArn: KEY_ARN,
    VerificationContext: CONTEXT,
    CheckRotation: 'true',
    Resources: [],
    ...overrides,
  };
  for (const [k, v] of Object.entries(props)) if (v === undefined) delete props[k];
  return props;
}

/** A custom-resource event; `overrides` replace (or, with undefined, remove) envelope fields. */
export function cfnEvent(
  requestType: string,
  responseUrl: string,
  props: Record<string, unknown> = properties(),
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    RequestType: requestType,
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: REQUEST_ID,
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::EncryptionVerification',
    ResourceProperties: props,
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `encryption-verification:${KEY_ARN}:previous` }),
    ...(requestType === 'Update' ? { OldResourceProperties: props } : {}),
    ...overrides,
  };
  for (const [k, v] of Object.entries(event)) if (v === undefined) delete event[k];
  return event;
}

/** A Lambda context whose remaining time counts down in real time from `remainingMs`. */
export function lambdaContext(remainingMs = 120_000): LambdaContextLike {
  const end = Date.now() + remainingMs;
  return {
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
  };
}
