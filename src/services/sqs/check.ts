/*
 * What the deploy-time verifier asks SQS: which key a queue's server-side encryption names.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The read-only action behind {@link queueEncryption}; the verifier role may call it on the queue's ARN
 * (`arn:<partition>:sqs:<region>:<account>:<queue name>`), though the call names the queue by its URL.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
 */
export const GET_QUEUE_ATTRIBUTES = 'sqs:GetQueueAttributes';

/** What `GetQueueAttributes` says of a queue's server-side encryption. */
export interface QueueEncryption {
  /**
   * `KmsMasterKeyId`: the KMS key of SSE-KMS, as it was set (key id, key ARN, alias name or alias ARN; `alias/aws/sqs`
   * for the AWS managed key); absent when the queue is not encrypted with a KMS key.
   */
  readonly keyIdentifier?: string;
  /** `SqsManagedSseEnabled` is `true`: SSE-SQS, encryption with SQS owned keys (one option per queue). */
  readonly sqsManaged: boolean;
}

/**
 * The key a queue is encrypted with. `GetQueueAttributes` takes the queue URL and the attribute names, and returns
 * `KmsMasterKeyId` ("the ID of an AWS managed customer master key (CMK) for Amazon SQS or a custom CMK") and
 * `SqsManagedSseEnabled` ("whether the queue is using SSE-SQS encryption using SQS owned encryption keys. Only one
 * server-side encryption option is supported per queue"). The API reference does not say what a queue without SSE-KMS
 * returns for `KmsMasterKeyId`: an absent attribute is read as "no KMS key" (docs/known-limits.md).
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html#sqs-sse-key-terms
 */
export async function queueEncryption(client: SQSClient, queueUrl: string, abortSignal?: AbortSignal): Promise<QueueEncryption> {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['KmsMasterKeyId', 'SqsManagedSseEnabled'] }), { abortSignal });
  const attributes = out.Attributes ?? {};
  return { keyIdentifier: attributes.KmsMasterKeyId, sqsManaged: attributes.SqsManagedSseEnabled === 'true' };
}
