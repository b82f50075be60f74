/*
 * The EncryptionVerification custom-resource handler: parses the CloudFormation event, runs the checks inside a
 * deadline and answers CloudFormation exactly once. The checks themselves live in ./checks.
 *
 * Bundled by projen (esbuild) into assets/verifier/handler.lambda/index.js; @aws-sdk/* stays external (the Lambda
 * runtime provides it).
 */
/* eslint-disable import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
/* eslint-enable import/no-extraneous-dependencies */
import { CheckOutcome, createSession, errorMessage, errorName, runChecks, truncate, VerifierClients } from './checks';
import {
  CloudFormationResponse,
  defaultSleep,
  describeResource,
  envelopeProblems,
  INVALID_REQUEST_PHYSICAL_ID,
  parseProperties,
  physicalResourceId,
  readEnvelope,
  RequestEnvelope,
  sendResponse,
  VerificationRequest,
} from './protocol';

/** Time kept back from the function's remaining time to answer CloudFormation. */
export const SAFETY_MARGIN_MS = 5_000;
/** Upper bound of the Reason (CloudFormation allows 4 KB for the whole reason). */
export const MAX_REASON_LENGTH = 3_500;
/** Upper bound of `Data.Report`. */
export const MAX_REPORT_LENGTH = 1_000;

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
  /** Named in the Reason, so the reader finds the details. */
  readonly logStreamName?: string;
  getRemainingTimeInMillis(): number;
}

/** What tests (or another runtime) may replace. Defaults are the real thing. */
export interface HandlerOptions {
  /** Builds the AWS clients; called once per Create/Update. @default lazily built clients from the SDK environment */
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
  readonly reason?: string;
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
  const clients = options.clients ?? lazyClients;
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
        reason: truncate(`unexpected error during encryption verification: ${errorName(error)}: ${errorMessage(error)}`, MAX_REASON_LENGTH),
        physicalResourceId: envelope.physicalResourceId ?? INVALID_REQUEST_PHYSICAL_ID,
      };
    }

    const response: CloudFormationResponse = {
      Status: decision.status,
      ...(decision.reason !== undefined ? { Reason: decision.reason } : {}),
      PhysicalResourceId: decision.physicalResourceId,
      StackId: envelope.stackId,
      RequestId: envelope.requestId,
      LogicalResourceId: envelope.logicalResourceId,
      ...(decision.data ? { Data: decision.data } : {}),
    };
    log(JSON.stringify({
      level: decision.status === 'SUCCESS' ? 'INFO' : 'ERROR',
      requestType: envelope.requestType,
      stackId: envelope.stackId,
      logicalResourceId: envelope.logicalResourceId,
      keyArn: decision.request?.keyArn,
      context: decision.request?.contextValue,
      resources: decision.request?.resources.map(describeResource),
      checks: decision.outcomes?.map(o => `${o.passed ? 'PASS' : 'FAIL'} ${o.name}`),
      status: decision.status,
      reason: decision.reason,
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
          reason: `malformed request: unknown RequestType ${JSON.stringify(envelope.requestType ?? null)}; expected Create, Update or Delete`,
          physicalResourceId: fallbackId,
        };
    }

    const parsed = parseProperties(envelope.resourceProperties);
    const problems = [...envelopeProblems(envelope), ...(parsed.ok ? [] : parsed.problems)];
    if (!parsed.ok || problems.length > 0) {
      return { status: 'FAILED', reason: truncate(`malformed request: ${problems.join('; ')}`, MAX_REASON_LENGTH), physicalResourceId: fallbackId };
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
        reason: `verification timed out after 0 s: the function had ${context.getRemainingTimeInMillis()} ms left, less than the ${SAFETY_MARGIN_MS / 1000} s kept to answer CloudFormation; raise the function timeout`,
        physicalResourceId: failedId,
        request,
      };
    }

    const controller = new AbortController();
    const pending = new Set<string>();
    const session = createSession(clients(), request, { deadline: now() + budgetMs, now, sleep, random, signal: controller.signal });
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
        reason: truncate(`verification timed out after ${formatSeconds(budgetMs)} s for ${request.contextValue} with key ${request.keyArn}; still running: ${still.join(', ') || 'none'}. `
          + 'Raise TimeoutSeconds or the function timeout, or look in the function\'s log for a call that hangs', MAX_REASON_LENGTH),
        physicalResourceId: failedId,
        request,
      };
    }

    const failed = outcomes.filter(o => !o.passed);
    if (failed.length > 0) {
      return { status: 'FAILED', reason: failureReason(request, failed, outcomes.length, context.logStreamName), physicalResourceId: failedId, request, outcomes };
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

/** Clients from the standard SDK environment (region, credentials), each built on first use. */
function lazyClients(): VerifierClients {
  let kms: KMSClient | undefined;
  let scheduler: SchedulerClient | undefined;
  let events: EventBridgeClient | undefined;
  let secretsManager: SecretsManagerClient | undefined;
  let rds: RDSClient | undefined;
  return {
    get kms() { return kms ??= new KMSClient({}); },
    get scheduler() { return scheduler ??= new SchedulerClient({}); },
    get events() { return events ??= new EventBridgeClient({}); },
    get secretsManager() { return secretsManager ??= new SecretsManagerClient({}); },
    get rds() { return rds ??= new RDSClient({}); },
  };
}

/** The Reason of a failed verification: every failed check, as many as fit, each with its fix. */
export function failureReason(request: VerificationRequest, failed: readonly CheckOutcome[], total: number, logStreamName?: string): string {
  const head = `encryption verification failed for ${request.contextValue} with key ${request.keyArn}: ${failed.length} of ${total} checks failed.`;
  const tail = logStreamName ? ` Details in log stream ${logStreamName}.` : '';
  const room = MAX_REASON_LENGTH - tail.length - 40; // 40: room for "(+N more failed checks)"
  let text = head;
  let shown = 0;
  for (const outcome of failed) {
    const item = ` (${shown + 1}) [${outcome.name}] ${outcome.detail}`;
    if (text.length + item.length > room) break;
    text += item;
    shown++;
  }
  if (shown < failed.length) text += ` (+${failed.length - shown} more failed checks)`;
  return truncate(text + tail, MAX_REASON_LENGTH);
}

/** `Data.Report` of a successful verification. */
export function successReport(request: VerificationRequest, outcomes: readonly CheckOutcome[]): string {
  const parts = outcomes.map(o => `${o.name}: ${o.detail}`);
  return truncate(`${outcomes.length} checks passed for ${request.contextValue}: ${parts.join('; ')}`, MAX_REPORT_LENGTH);
}

function formatSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(1)));
}
