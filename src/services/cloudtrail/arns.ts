/**
 * CloudTrail ARN forms, for the `aws:cloudtrail:arn` encryption context of a trail's log files.
 */

/**
 * `StringLike` pattern of every trail of an account, in any region: `arn:<partition>:cloudtrail:*:<account>:trail/*`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html#awscloudtrail-resources-for-iam-policies
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
export function accountTrailsArnPattern(partition: string, account: string): string {
  return `arn:${partition}:cloudtrail:*:${account}:trail/*`;
}
