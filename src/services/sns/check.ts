/*
 * What the deploy-time verifier asks SNS: which key a topic's server-side encryption names.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';

/**
 * The read-only action behind {@link topicKeyIdentifier}; the verifier role may call it on the topic's ARN
 * (resource type `topic`, `arn:${Partition}:sns:${Region}:${Account}:${TopicName}`).
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
 */
export const GET_TOPIC_ATTRIBUTES = 'sns:GetTopicAttributes';

/**
 * The key a topic is encrypted with: `GetTopicAttributes` (which takes the topic ARN) returns it in its attribute map as
 * `KmsMasterKeyId`, "the ID of an AWS-managed customer master key (CMK) for Amazon SNS or a custom CMK" (key id, key
 * ARN, alias name or alias ARN, as it was set), an attribute that "applies only to server-side-encryption": absent when
 * the topic is not encrypted.
 *
 * @see https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
 */
export async function topicKeyIdentifier(client: SNSClient, topicArn: string, abortSignal?: AbortSignal): Promise<string | undefined> {
  const out = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }), { abortSignal });
  return out.Attributes?.KmsMasterKeyId;
}
