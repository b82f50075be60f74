/*
 * What the deploy-time verifier asks Kinesis Data Streams: whether a stream is encrypted, and with which key.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * The read-only action behind {@link streamEncryption}; the verifier role may call it on the stream's ARN (resource
 * type `stream*`, `arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}`).
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html
 */
export const DESCRIBE_STREAM_SUMMARY = 'kinesis:DescribeStreamSummary';

/** What `DescribeStreamSummary` says of a stream's server-side encryption. */
export interface StreamEncryption {
  /** `EncryptionType`: `KMS` or `NONE`. */
  readonly encryptionType?: string;
  /**
   * `KeyId`: "a globally unique identifier, a fully specified ARN to either an alias or a key, or an alias name
   * prefixed by alias/" (`alias/aws/kinesis` for the key owned by Kinesis Data Streams).
   */
  readonly keyIdentifier?: string;
}

/**
 * A stream's encryption. The call names the stream by its ARN, as the API recommends ("It is recommended that you use
 * the StreamARN input parameter"); it is throttled at 20 transactions per second per account (`LimitExceededException`,
 * retried as throttling).
 *
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StreamDescriptionSummary.html
 */
export async function streamEncryption(client: KinesisClient, streamArn: string, abortSignal?: AbortSignal): Promise<StreamEncryption> {
  const out = await client.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn }), { abortSignal });
  const summary = out.StreamDescriptionSummary;
  return { encryptionType: summary?.EncryptionType, keyIdentifier: summary?.KeyId };
}
