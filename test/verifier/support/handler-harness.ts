/*
 * The harness of the verifier handler's tests (handler.test.ts, handler-faults.test.ts): the handler with instant
 * sleeps on its own clock, the loopback CloudFormation endpoint it answers, and the expected response bodies.
 */
import 'aws-sdk-client-mock-jest';
import {
  ALL_RESOURCES,
  CONSTRUCT_PATH,
  KEY_ARN,
  unexpectedCalls,
  resetStrictMocks,
} from './aws';
import { CloudFormationEndpoint } from './cfn-endpoint';
import { LOGICAL_ID, properties, REQUEST_ID, STACK_ID } from './events';
import {
  createHandler,
  HandlerOptions,
  LambdaContextLike,
} from '../../../src/verifier/handler.lambda';
import { parseProperties, VerificationRequest } from '../../../src/verifier/protocol';

/** The id the handler gives the verification of ALL_RESOURCES under CONSTRUCT_PATH with KEY_ARN. Pinned: a change replaces the custom resource in users' stacks. */
export const ALL_RESOURCES_ID = `encryption-verification:${KEY_ARN}:e6dfde0dc627`;
/** The same for no resources. */
export const NO_RESOURCES_ID = `encryption-verification:${KEY_ARN}:0d9e456aa0e3`;
export const PREVIOUS_ID = `encryption-verification:${KEY_ARN}:previous`;
export const INVALID_ID = 'encryption-verification:invalid-request';
export const AWS_MANAGED_RDS_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/aaaabbbb-cccc-dddd-eeee-ffff00001111';
export const HEAD = `encryption verification failed for ${CONSTRUCT_PATH} with key ${KEY_ARN}:`;
export const LOG_STREAM = ' Details in log stream 2025/01/01/[$LATEST]0123456789abcdef.';
export const ALLOWED_TYPES = 'AWS::Scheduler::Schedule, AWS::Events::EventBus, AWS::Events::Archive, AWS::Events::Connection, AWS::RDS::DBInstance, AWS::RDS::DBCluster, '
  + 'AWS::SQS::Queue, AWS::SNS::Topic, AWS::Kinesis::Stream';

export let endpoint: CloudFormationEndpoint;
export let logs: string[];
export let sleeps: number[];
/** The handler's clock: it moves only when the handler sleeps. */
export let clock: number;

/**
 * Registers the hooks every handler test file needs: a loopback CloudFormation endpoint for the file, and before each
 * test strict SDK mocks, an empty log, no sleeps and the clock at 1,000,000; after each, no unconfigured call.
 */
export function useHandlerHarness(): void {
  beforeAll(async () => {
    endpoint = await CloudFormationEndpoint.start();
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    resetStrictMocks();
    endpoint.reset();
    logs = [];
    sleeps = [];
    clock = 1_000_000;
  });
  afterEach(() => {
    // A call nobody configured fails the test even when the handler turned it into a FAILED response.
    expect(unexpectedCalls).toEqual([]);
  });
}

/** The handler with instant sleeps that move its clock, fixed jitter and captured logs. */
export function verifier(options: HandlerOptions = {}) {
  return createHandler({
    sleep: async ms => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    log: line => logs.push(line),
    ...options,
  });
}

/** A Lambda context whose remaining time is read on the handler's clock: `remainingMs` at the start of the test. */
export function clockContext(remainingMs = 120_000): LambdaContextLike {
  const end = clock + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, end - clock), logStreamName: '2025/01/01/[$LATEST]0123456789abcdef' };
}

/** Invokes the handler, asserts that CloudFormation got exactly one answer, and returns its body. */
export async function invoke(event: Record<string, unknown>, context: LambdaContextLike = clockContext(), options: HandlerOptions = {}) {
  await verifier(options)(event, context);
  expect(endpoint.received).toHaveLength(1);
  expect(endpoint.attempts).toBe(1);
  return endpoint.received[0].body;
}

export function body(status: 'SUCCESS' | 'FAILED', physicalResourceId: string, fields: Record<string, unknown> = {}) {
  return { Status: status, PhysicalResourceId: physicalResourceId, StackId: STACK_ID, RequestId: REQUEST_ID, LogicalResourceId: LOGICAL_ID, ...fields };
}

export function allResources(overrides: Record<string, unknown> = {}) {
  return properties({ Resources: ALL_RESOURCES, ...overrides });
}

/** The request of the default properties, for the pure functions. */
export function request(): VerificationRequest {
  const parsed = parseProperties(properties());
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.request;
}
