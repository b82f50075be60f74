/**
 * The ARN form of a Secrets Manager secret, for the `SecretARN` encryption-context conditions of key policies.
 */

/**
 * ARN (or `StringLike` pattern) of a secret, `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`. The
 * ARN of a secret ends in `-` and six random characters, so a condition on a secret's name ends in `*`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html#awssecretsmanager-resources-for-iam-policies
 */
export function secretArn(e: { partition: string; region: string; account: string }, secretName: string): string {
  return `arn:${e.partition}:secretsmanager:${e.region}:${e.account}:secret:${secretName}`;
}
