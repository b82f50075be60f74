/**
 * SNS quotas on the topic policies the library writes to (the stack's alarm topic lists each publisher).
 */

/**
 * SNS topic policy quotas: "Bytes 30 kb", "Statements 100". "30 kb" is read as 30,000 bytes, the smaller reading.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html#sns-policy-quotas
 */
export const SNS_QUOTAS = { topicPolicyBytes: 30_000, topicPolicyStatements: 100 };
