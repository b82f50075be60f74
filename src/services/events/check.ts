/*
 * What the deploy-time verifier asks EventBridge: which key an event bus, an archive and a connection name, and the
 * tag EventBridge requires on a connection's key.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle), node built-ins, and modules of services/ that import nothing (connection-facts.ts).
 */
/* eslint-disable import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle */
import { DescribeArchiveCommand, DescribeConnectionCommand, DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
/* eslint-enable import/no-extraneous-dependencies */
import { API_DESTINATIONS_TAG_KEY, CONNECTION_FACTS } from './connection-facts';

/** The read-only action behind {@link eventBusKeyIdentifier}; the verifier role may call it on the bus's ARN. */
export const DESCRIBE_EVENT_BUS = 'events:DescribeEventBus';

/**
 * The key an event bus is encrypted with: `DescribeEventBus` returns it as `KmsKeyIdentifier` (key ARN, key id, alias
 * name or alias ARN); absent when the bus uses an AWS owned key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html
 */
export async function eventBusKeyIdentifier(client: EventBridgeClient, busName: string, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await client.send(new DescribeEventBusCommand({ Name: busName }), { abortSignal });
  return out.KmsKeyIdentifier;
}

/** The read-only action behind {@link archiveKeyIdentifier}; the verifier role may call it on the archive's ARN. */
export const DESCRIBE_ARCHIVE = 'events:DescribeArchive';

/**
 * The key an archive is encrypted with: `DescribeArchive` returns it as `KmsKeyIdentifier`; absent when the archive
 * uses an AWS owned key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeArchive.html
 */
export async function archiveKeyIdentifier(client: EventBridgeClient, archiveName: string, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await client.send(new DescribeArchiveCommand({ ArchiveName: archiveName }), { abortSignal });
  return out.KmsKeyIdentifier;
}

/**
 * The read-only action behind {@link connectionKeys}; the verifier role may call it on the connection's IAM ARN
 * (`.../connection/<name>`, without the `/<uuid>` of its `Arn` attribute).
 */
export const DESCRIBE_CONNECTION = 'events:DescribeConnection';

/** What `DescribeConnection` says of a connection's encryption. */
export interface ConnectionKeys {
  /** `KmsKeyIdentifier`: the key of the connection; absent for an AWS owned key. */
  readonly keyIdentifier?: string;
  /** `SecretArn`: the Secrets Manager secret holding the connection's authorization parameters. */
  readonly secretArn?: string;
}

/**
 * The key a connection names and the secret EventBridge keeps its authorization parameters in: `DescribeConnection`
 * returns them as `KmsKeyIdentifier` and `SecretArn`. EventBridge encrypts that secret with the connection's key, so the
 * secret's own key (Secrets Manager `DescribeSecret`) must be the same one.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeConnection.html
 */
export async function connectionKeys(client: EventBridgeClient, connectionName: string, abortSignal?: AbortSignal): Promise<ConnectionKeys> {
  const out = await client.send(new DescribeConnectionCommand({ Name: connectionName }), { abortSignal });
  return { keyIdentifier: out.KmsKeyIdentifier, secretArn: out.SecretArn };
}

/** The tag a connection's customer managed key must carry (connection-facts.ts, which imports nothing). */
export const API_DESTINATIONS_TAG = { key: API_DESTINATIONS_TAG_KEY, value: CONNECTION_FACTS.apiDestinationsTagValue } as const;

/** True when the tags (`kms:ListResourceTags`, all pages) hold {@link API_DESTINATIONS_TAG}. */
export function carriesApiDestinationsTag(tags: ReadonlyArray<{ readonly TagKey?: string; readonly TagValue?: string }>): boolean {
  return tags.some(t => t.TagKey === API_DESTINATIONS_TAG.key && t.TagValue === API_DESTINATIONS_TAG.value);
}
