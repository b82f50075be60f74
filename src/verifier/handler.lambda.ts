/*
 * The EncryptionVerification custom-resource handler: parses the CloudFormation event, runs the checks inside a
 * deadline and answers CloudFormation exactly once. The checks live in ./checks.ts, the words of the answer in
 * ./reason.ts, the request and the response of the protocol in ./protocol.ts and ./response.ts.
 *
 * Bundled by projen (esbuild) into assets/verifier/handler.lambda/index.js; @aws-sdk/* stays external (the Lambda
 * runtime provides it).
 */
/* eslint-disable import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
/* eslint-enable import/no-extraneous-dependencies */
import { runChecks } from './checks';
import { CheckOutcome } from './outcomes';
import { describeResource, envelopeProblems, INVALID_REQUEST_PHYSICAL_ID, parseProperties, physicalResourceId, readEnvelope, RequestEnvelope, VerificationRequest } from './protocol';
import { failureReason, fitted, formatSeconds, successReport } from './reason';
import { CloudFormationResponse, defaultSleep, reasonRoom, sendResponse } from './response';
import { errorMessage, errorName } from './retry';
import { createSession, VerifierClients } from './session';

/** Time kept back from the function's remaining time to answer CloudFormation. */
export const SAFETY_MARGIN_MS = 5_000;
/**
 * How long before the verification deadline errors that settle stop being retried (a quarter of the budget when that
 * is shorter): the last attempt, and the calls of the same check that follow it, answer before the deadline, so a
 * check that still fails is reported with its own reason rather than as a timeout. With the function's 120 s, such
 * errors are retried for up to 110 s: KMS and IAM changes "can take several minutes"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/accessing-kms.html#programming-eventual-consistency).
 */
export const SETTLE_RESERVE_MS = 5_000;

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
  /** Named in the Reason, so the reader finds the details. */
  readonly logStreamName?: string;
  getRemainingTimeInMillis(): number;
}

/** What tests (or another runtime) may replace. Defaults are the real thing. */
export interface HandlerOptions {
  /** Builds the AWS clients; called once per Create/Update. @default `createClients()`: the SDK environment, one attempt per call */
  readonly clients?: () => VerifierClients;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random */
  readonly random?: () => number;
  /** Writes one log line. @default console.log */
  readonly log?: (line: string) => void;
  /** Answers CloudFormation. @default PUT to ResponseURL with up to 3 attempts */
  readonly respond?: (responseUrl: string, response: CloudFormationResponse) => Promise<void>;
}

/** The handler's decision before it is sent. */
interface Decision {
  readonly status: 'SUCCESS' | 'FAILED';
  /** Writes the Reason within `maxBytes`: the room the rest of the response leaves (see {@link reasonRoom}). */
  readonly reason?: (maxBytes: number) => string;
  readonly physicalResourceId: string;
  readonly data?: Record<string, string>;
  readonly request?: VerificationRequest;
  readonly outcomes?: readonly CheckOutcome[];
}

/** Builds a handler; `handler` below is the one the Lambda runs. */
export function createHandler(options: HandlerOptions = {}): (event: unknown, context: LambdaContextLike) => Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log ?? ((line: string) => console.log(line));
  const clients = options.clients ?? (() => createClients());
  const respond = options.respond ?? ((url: string, response: CloudFormationResponse) => sendResponse(url, response, { sleep }));

  return async (event, context) => {
    const started = now();
    const envelope = readEnvelope(event);
    if (!envelope.responseUrl) {
      log(JSON.stringify({ level: 'ERROR', message: 'the event has no ResponseURL: nobody to answer', requestType: envelope.requestType, logicalResourceId: envelope.logicalResourceId }));
      throw new Error('invalid custom-resource event: ResponseURL is missing, so CloudFormation cannot be answered');
    }

    let decision: Decision;
    try {
      decision = await decide(envelope, context);
    } catch (error) {
      decision = {
        status: 'FAILED',
        reason: fitted(`unexpected error during encryption verification: ${errorName(error)}: ${errorMessage(error)}`, context.logStreamName),
        physicalResourceId: envelope.physicalResourceId ?? INVALID_REQUEST_PHYSICAL_ID,
      };
    }

    const fields: CloudFormationResponse = {
      Status: decision.status,
      PhysicalResourceId: decision.physicalResourceId,
      StackId: envelope.stackId,
      RequestId: envelope.requestId,
      LogicalResourceId: envelope.logicalResourceId,
      ...(decision.data ? { Data: decision.data } : {}),
    };
    const response: CloudFormationResponse = decision.reason ? { ...fields, Reason: decision.reason(reasonRoom(fields)) } : fields;
    // The Reason may be shortened: this line holds in full every failed check's detail or, without checks, the reason.
    const failed = decision.outcomes?.filter(o => !o.passed) ?? [];
    const fullReason = failed.length === 0 ? decision.reason?.(Number.POSITIVE_INFINITY) : undefined;
    log(JSON.stringify({
      level: decision.status === 'SUCCESS' ? 'INFO' : 'ERROR',
      requestType: envelope.requestType,
      stackId: envelope.stackId,
      logicalResourceId: envelope.logicalResourceId,
      keyArn: decision.request?.keyArn,
      context: decision.request?.contextValue,
      resources: decision.request?.resources.map(describeResource),
      checks: decision.outcomes?.map(o => `${o.passed ? 'PASS' : 'FAIL'} ${o.name}`),
      failures: failed.length > 0 ? failed.map(o => ({ check: o.name, detail: o.detail })) : undefined,
      status: decision.status,
      reason: response.Reason,
      fullReason: fullReason !== response.Reason ? fullReason : undefined,
      durationMs: now() - started,
    }));

    try {
      await respond(envelope.responseUrl, response);
    } catch (error) {
      // Nothing else can answer: fail the invocation so Lambda's own retry gets another chance.
      log(JSON.stringify({ level: 'ERROR', message: 'could not answer CloudFormation', error: `${errorName(error)}: ${errorMessage(error)}` }));
      throw error;
    }
  };

  async function decide(envelope: RequestEnvelope, context: LambdaContextLike): Promise<Decision> {
    const fallbackId = envelope.physicalResourceId ?? INVALID_REQUEST_PHYSICAL_ID;
    switch (envelope.requestType) {
      case 'Delete':
        // Nothing was created: Delete succeeds without any AWS call, whatever the properties say.
        return { status: 'SUCCESS', physicalResourceId: fallbackId };
      case 'Create':
      case 'Update':
        break;
      default:
        return {
          status: 'FAILED',
          reason: fitted(`malformed request: unknown RequestType ${JSON.stringify(envelope.requestType ?? null)}; expected Create, Update or Delete`, context.logStreamName),
          physicalResourceId: fallbackId,
        };
    }

    const parsed = parseProperties(envelope.resourceProperties);
    const problems = [...envelopeProblems(envelope), ...(parsed.ok ? [] : parsed.problems)];
    if (!parsed.ok || problems.length > 0) {
      return { status: 'FAILED', reason: fitted(`malformed request: ${problems.join('; ')}`, context.logStreamName), physicalResourceId: fallbackId };
    }

    const request = parsed.request;
    const id = physicalResourceId(request);
    // A failed Update keeps the old id (nothing to replace); a failed Create still gets an id that Delete accepts.
    const failedId = envelope.requestType === 'Update' && envelope.physicalResourceId ? envelope.physicalResourceId : id;

    const remaining = context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    const budgetMs = Math.max(0, Math.min(remaining, request.timeoutSeconds !== undefined ? request.timeoutSeconds * 1000 : Infinity));
    if (budgetMs <= 0) {
      return {
        status: 'FAILED',
        reason: fitted(`verification timed out after 0 s: the function had ${context.getRemainingTimeInMillis()} ms left, `
          + `less than the ${SAFETY_MARGIN_MS / 1000} s kept to answer CloudFormation; raise the function timeout`, context.logStreamName),
        physicalResourceId: failedId,
        request,
      };
    }

    const controller = new AbortController();
    const pending = new Set<string>();
    const deadline = now() + budgetMs;
    const settleUntil = deadline - Math.min(SETTLE_RESERVE_MS, budgetMs / 4);
    const session = createSession(clients(), request, { deadline, settleUntil, now, sleep, random, signal: controller.signal });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), budgetMs);
    });
    let outcomes: CheckOutcome[] | undefined;
    try {
      outcomes = await Promise.race([runChecks(session, pending), timedOut]);
    } finally {
      clearTimeout(timer);
    }

    if (!outcomes) {
      controller.abort();
      const still = [...pending];
      return {
        status: 'FAILED',
        reason: fitted(`verification timed out after ${formatSeconds(budgetMs)} s for ${request.contextValue} with key ${request.keyArn}; still running: ${still.join(', ') || 'none'}. `
          + 'Raise TimeoutSeconds or the function timeout, or look in the function\'s log for a call that hangs', context.logStreamName),
        physicalResourceId: failedId,
        request,
      };
    }

    const failed = outcomes.filter(o => !o.passed);
    if (failed.length > 0) {
      const reason = (maxBytes: number) => failureReason(request, failed, outcomes.length, maxBytes, context.logStreamName);
      return { status: 'FAILED', reason, physicalResourceId: failedId, request, outcomes };
    }
    return {
      status: 'SUCCESS',
      physicalResourceId: id,
      data: { KeyArn: request.keyArn, ChecksPassed: String(outcomes.length), Report: successReport(request, outcomes) },
      request,
      outcomes,
    };
  }
}

/** The Lambda entry point. */
export const handler = createHandler();

/** What {@link createClients} takes besides the SDK environment: tests give a region, credentials and a fake transport. */
export type ClientSettings = Pick<KMSClientConfig, 'region' | 'credentials' | 'requestHandler'>;

/**
 * The clients of one invocation, from the standard SDK environment (region, credentials) and `settings`, each built on
 * first use. Every client makes one attempt per call (`maxAttempts: 1`, whatever `settings` or the environment say):
 * the checks' `callWithRetry` is the only retry layer, so the attempts a Reason reports are the requests made. With the
 * SDK's default of 3 attempts inside the handler's 10, one call under repeated 503s made up to 30 requests.
 */
export function createClients(settings: ClientSettings = {}): VerifierClients {
  const config = { ...settings, maxAttempts: 1 };
  let kms: KMSClient | undefined;
  let scheduler: SchedulerClient | undefined;
  let events: EventBridgeClient | undefined;
  let secretsManager: SecretsManagerClient | undefined;
  let rds: RDSClient | undefined;
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  let kinesis: KinesisClient | undefined;
  return {
    get kms() { return kms ??= new KMSClient(config); },
    get scheduler() { return scheduler ??= new SchedulerClient(config); },
    get events() { return events ??= new EventBridgeClient(config); },
    get secretsManager() { return secretsManager ??= new SecretsManagerClient(config); },
    get rds() { return rds ??= new RDSClient(config); },
    get sqs() { return sqs ??= new SQSClient(config); },
    get sns() { return sns ??= new SNSClient(config); },
    get kinesis() { return kinesis ??= new KinesisClient(config); },
  };
}
