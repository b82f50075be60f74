/*
 * The contract between the EncryptionVerification custom resource and its handler, and the request half of the
 * CloudFormation custom-resource protocol: reading the event, validating the resource properties, the physical id.
 * The answer on ResponseURL is in ./response.ts.
 *
 * Bundled into the verifier Lambda: import only node built-ins here.
 */
import { createHash } from 'node:crypto';

/**
 * The only encryption-context key the verifier uses. The key-policy and IAM statements of the verifier role allow
 * GenerateDataKey and Decrypt only under this key (see `VERIFICATION_CONTEXT_KEY` in src/key/statements.ts, which a
 * test keeps equal to this one: the handler bundle cannot import aws-cdk-lib).
 */
export const VERIFICATION_CONTEXT_KEY = 'cdk-encrypted-constructs:verification';

/** Prefix of every physical resource id the handler hands back. */
export const PHYSICAL_ID_PREFIX = 'encryption-verification';

// ---------------------------------------------------------------------------------------------------------------------
// The resource properties, as CloudFormation delivers them (every scalar is a string).
// ---------------------------------------------------------------------------------------------------------------------

/** An EventBridge Scheduler schedule whose `KmsKeyArn` must name the key. */
export interface ScheduleToVerify {
  readonly Type: 'AWS::Scheduler::Schedule';
  readonly Name: string;
  readonly GroupName: string;
}

/** An event bus whose `KmsKeyIdentifier` must name the key. */
export interface EventBusToVerify {
  readonly Type: 'AWS::Events::EventBus';
  readonly Name: string;
}

/** An archive whose `KmsKeyIdentifier` must name the key. */
export interface ArchiveToVerify {
  readonly Type: 'AWS::Events::Archive';
  readonly Name: string;
}

/** A connection whose `KmsKeyIdentifier` and whose Secrets Manager secret must name the key, which must carry the tag. */
export interface ConnectionToVerify {
  readonly Type: 'AWS::Events::Connection';
  readonly Name: string;
}

/** A DB instance whose storage (and, when expected, master secret and Performance Insights) must use the key. */
export interface DbInstanceToVerify {
  readonly Type: 'AWS::RDS::DBInstance';
  readonly Identifier: string;
  readonly ExpectMasterUserSecret: 'true' | 'false';
  readonly ExpectPerformanceInsights: 'true' | 'false';
}

/** A DB cluster whose storage (and, when expected, master secret and Performance Insights) must use the key. */
export interface DbClusterToVerify {
  readonly Type: 'AWS::RDS::DBCluster';
  readonly Identifier: string;
  readonly ExpectMasterUserSecret: 'true' | 'false';
  readonly ExpectPerformanceInsights: 'true' | 'false';
}

/** An SQS queue whose `KmsMasterKeyId` must name the key; SQS's `GetQueueAttributes` takes the queue URL. */
export interface QueueToVerify {
  readonly Type: 'AWS::SQS::Queue';
  readonly QueueUrl: string;
}

/** An SNS topic whose `KmsMasterKeyId` must name the key. */
export interface TopicToVerify {
  readonly Type: 'AWS::SNS::Topic';
  readonly TopicArn: string;
}

/** A Kinesis data stream whose encryption must be `KMS` with the key. */
export interface StreamToVerify {
  readonly Type: 'AWS::Kinesis::Stream';
  readonly StreamArn: string;
}

/** One resource whose key binding the verifier checks. */
export type ResourceToVerify = ScheduleToVerify | EventBusToVerify | ArchiveToVerify | ConnectionToVerify | DbInstanceToVerify | DbClusterToVerify
| QueueToVerify | TopicToVerify | StreamToVerify;

/** The `ResourceProperties` of the custom resource: what the construct renders and the handler reads. */
export interface VerificationProperties {
  readonly ServiceToken: string;
  /** The full ARN of the key that must protect the resources. */
  readonly KeyArn: string;
  /** Exactly one entry: `{ [VERIFICATION_CONTEXT_KEY]: <construct path> }`. */
  readonly VerificationContext: Readonly<Record<string, string>>;
  /** `"true"` when automatic key rotation must be enabled. */
  readonly CheckRotation: 'true' | 'false';
  /** What to check the key binding of; may be empty. */
  readonly Resources: readonly ResourceToVerify[];
  /** Overall budget in seconds; default: the function's remaining time minus a safety margin. */
  readonly TimeoutSeconds?: string;
}

/** The resource types the handler knows, for messages. */
export const RESOURCE_TYPES: readonly ResourceToVerify['Type'][] = [
  'AWS::Scheduler::Schedule',
  'AWS::Events::EventBus',
  'AWS::Events::Archive',
  'AWS::Events::Connection',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Kinesis::Stream',
];

// ---------------------------------------------------------------------------------------------------------------------
// Parsed and validated request.
// ---------------------------------------------------------------------------------------------------------------------

/** A validated Create or Update request. */
export interface VerificationRequest {
  readonly keyArn: string;
  /** The verification encryption context (one entry). */
  readonly context: Readonly<Record<string, string>>;
  /** The value of the one context entry: the construct path. */
  readonly contextValue: string;
  readonly checkRotation: boolean;
  readonly resources: readonly ResourceToVerify[];
  /** Overall budget from the properties, if any. */
  readonly timeoutSeconds?: number;
}

/** The CloudFormation fields of the event the handler needs to answer. */
export interface RequestEnvelope {
  readonly requestType?: string;
  readonly responseUrl?: string;
  readonly stackId?: string;
  readonly requestId?: string;
  readonly logicalResourceId?: string;
  readonly physicalResourceId?: string;
  readonly resourceProperties?: unknown;
}

/** The result of validating the resource properties. */
export type ParseResult =
  | { readonly ok: true; readonly request: VerificationRequest }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Reads the envelope fields of a custom-resource event without trusting its shape. */
export function readEnvelope(event: unknown): RequestEnvelope {
  const e = isRecord(event) ? event : {};
  return {
    requestType: stringOrUndefined(e.RequestType),
    responseUrl: stringOrUndefined(e.ResponseURL),
    stackId: stringOrUndefined(e.StackId),
    requestId: stringOrUndefined(e.RequestId),
    logicalResourceId: stringOrUndefined(e.LogicalResourceId),
    physicalResourceId: stringOrUndefined(e.PhysicalResourceId),
    resourceProperties: e.ResourceProperties,
  };
}

/** Problems with the envelope itself (everything but ResponseURL, which the caller handles: nobody to answer). */
export function envelopeProblems(envelope: RequestEnvelope): string[] {
  const problems: string[] = [];
  for (const [field, value] of [
    ['StackId', envelope.stackId],
    ['RequestId', envelope.requestId],
    ['LogicalResourceId', envelope.logicalResourceId],
  ] as const) {
    if (!value) problems.push(`${field} is missing`);
  }
  return problems;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * Validates the resource properties against the contract. Every problem is reported, not just the first.
 */
export function parseProperties(properties: unknown): ParseResult {
  const problems: string[] = [];
  if (!isRecord(properties)) {
    return { ok: false, problems: ['ResourceProperties is missing or not an object'] };
  }

  const keyArn = properties.KeyArn;
  if (typeof keyArn !== 'string' || keyArn === '') {
    problems.push('KeyArn is missing');
  } else if (!KEY_ARN.test(keyArn)) {
    problems.push(`KeyArn must be a full key ARN (arn:<partition>:kms:<region>:<account>:key/<key-id>), got ${quote(keyArn)}`);
  }

  const context = properties.VerificationContext;
  let contextValue = '';
  if (!isRecord(context)) {
    problems.push(`VerificationContext must be an object with exactly one entry, ${quote(VERIFICATION_CONTEXT_KEY)}: <construct path>`);
  } else {
    const entries = Object.entries(context);
    if (entries.length !== 1) {
      problems.push(`VerificationContext must have exactly one entry (${quote(VERIFICATION_CONTEXT_KEY)}), got ${entries.length}: ${quote(Object.keys(context).join(', '))}`);
    } else {
      const [key, value] = entries[0];
      if (key !== VERIFICATION_CONTEXT_KEY) {
        problems.push(`VerificationContext key must be ${quote(VERIFICATION_CONTEXT_KEY)} (the only key the verifier role may use), got ${quote(key)}`);
      }
      if (typeof value !== 'string' || value === '') {
        problems.push('VerificationContext value must be a non-empty string (the construct path)');
      } else {
        contextValue = value;
      }
    }
  }

  const checkRotation = parseFlag(properties.CheckRotation, 'CheckRotation', problems);

  const resources: ResourceToVerify[] = [];
  const rawResources = properties.Resources ?? [];
  if (!Array.isArray(rawResources)) {
    problems.push('Resources must be a list');
  } else {
    rawResources.forEach((raw: unknown, index: number) => {
      const resource = parseResource(raw, `Resources[${index}]`, problems);
      if (resource) resources.push(resource);
    });
  }

  let timeoutSeconds: number | undefined;
  if (properties.TimeoutSeconds !== undefined) {
    const n = typeof properties.TimeoutSeconds === 'number' ? properties.TimeoutSeconds : Number(properties.TimeoutSeconds);
    if (properties.TimeoutSeconds === '' || !Number.isFinite(n) || n <= 0) {
      problems.push(`TimeoutSeconds must be a positive number of seconds, got ${quote(String(properties.TimeoutSeconds))}`);
    } else {
      timeoutSeconds = n;
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: {
      keyArn: keyArn as string,
      context: { [VERIFICATION_CONTEXT_KEY]: contextValue },
      contextValue,
      checkRotation: checkRotation === true,
      resources,
      timeoutSeconds,
    },
  };
}

function parseResource(raw: unknown, where: string, problems: string[]): ResourceToVerify | undefined {
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object with a Type`);
    return undefined;
  }
  const before = problems.length;
  const text = (field: string): string => {
    const value = raw[field];
    if (typeof value !== 'string' || value === '') {
      problems.push(`${where} (${String(raw.Type)}) is missing ${field}`);
      return '';
    }
    return value;
  };
  let resource: ResourceToVerify | undefined;
  switch (raw.Type) {
    case 'AWS::Scheduler::Schedule':
      resource = { Type: raw.Type, Name: text('Name'), GroupName: text('GroupName') };
      break;
    case 'AWS::Events::EventBus':
    case 'AWS::Events::Archive':
    case 'AWS::Events::Connection':
      resource = { Type: raw.Type, Name: text('Name') };
      break;
    case 'AWS::RDS::DBInstance':
    case 'AWS::RDS::DBCluster': {
      const identifier = text('Identifier');
      const secret = parseFlag(raw.ExpectMasterUserSecret, `${where}.ExpectMasterUserSecret`, problems);
      const pi = parseFlag(raw.ExpectPerformanceInsights, `${where}.ExpectPerformanceInsights`, problems);
      resource = {
        Type: raw.Type,
        Identifier: identifier,
        ExpectMasterUserSecret: secret ? 'true' : 'false',
        ExpectPerformanceInsights: pi ? 'true' : 'false',
      };
      break;
    }
    case 'AWS::SQS::Queue':
      resource = { Type: raw.Type, QueueUrl: text('QueueUrl') };
      break;
    case 'AWS::SNS::Topic':
      resource = { Type: raw.Type, TopicArn: text('TopicArn') };
      break;
    case 'AWS::Kinesis::Stream':
      resource = { Type: raw.Type, StreamArn: text('StreamArn') };
      break;
    default:
      problems.push(`${where} has unknown Type ${quote(String(raw.Type))}; allowed: ${RESOURCE_TYPES.join(', ')}`);
      return undefined;
  }
  return problems.length === before ? resource : undefined;
}

function parseFlag(value: unknown, name: string, problems: string[]): boolean | undefined {
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  problems.push(`${name} must be "true" or "false", got ${value === undefined ? 'nothing' : quote(String(value))}`);
  return undefined;
}

/** A stable label of a resource, used in ids, messages and logs. */
export function describeResource(resource: ResourceToVerify): string {
  switch (resource.Type) {
    case 'AWS::Scheduler::Schedule':
      return `schedule ${resource.GroupName}/${resource.Name}`;
    case 'AWS::Events::EventBus':
      return `event bus ${resource.Name}`;
    case 'AWS::Events::Archive':
      return `archive ${resource.Name}`;
    case 'AWS::Events::Connection':
      return `connection ${resource.Name}`;
    case 'AWS::RDS::DBInstance':
      return `DB instance ${resource.Identifier}`;
    case 'AWS::RDS::DBCluster':
      return `DB cluster ${resource.Identifier}`;
    case 'AWS::SQS::Queue':
      return `queue ${resource.QueueUrl}`;
    case 'AWS::SNS::Topic':
      return `topic ${resource.TopicArn}`;
    case 'AWS::Kinesis::Stream':
      return `stream ${resource.StreamArn}`;
  }
}

/**
 * The physical resource id: the key ARN plus a short hash of the construct path and the sorted resource identifiers.
 * It stays the same across updates unless the verified key or the verified resources change.
 */
export function physicalResourceId(request: VerificationRequest): string {
  // Identifiers only: what is checked of a resource (ExpectX, CheckRotation, TimeoutSeconds) does not change the id.
  const ids = request.resources.map(r => `${r.Type}:${describeResource(r)}`);
  const material = JSON.stringify([request.contextValue, [...new Set(ids)].sort()]);
  const hash = createHash('sha256').update(material).digest('hex').slice(0, 12);
  return `${PHYSICAL_ID_PREFIX}:${request.keyArn}:${hash}`;
}

/** The id answered when the request is too malformed to compute one; Delete handles it like any other. */
export const INVALID_REQUEST_PHYSICAL_ID = `${PHYSICAL_ID_PREFIX}:invalid-request`;

// ---------------------------------------------------------------------------------------------------------------------

/** True for a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 197)}...` : value);
}
