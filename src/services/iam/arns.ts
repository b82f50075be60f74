/**
 * IAM ARN forms the library writes into key policies: the account root (the principal that stands for the account).
 */

/**
 * ARN of an account's root, `arn:<partition>:iam::<account>:root`: as a key-policy principal, it delegates to the
 * account's IAM policies.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function accountRootArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
}
