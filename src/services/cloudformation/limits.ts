/**
 * CloudFormation's per-stack quotas that the library's quota guards hold a synthesized stack to.
 */

/**
 * Per-stack CloudFormation quotas.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export const CLOUDFORMATION_QUOTAS = {
  /**
   * "Template body size in an Amazon S3 object: 1 MB" (the CDK CLI uploads every template to S3). Read as 1,000,000
   * bytes, the smaller reading, as aws-cdk-lib (`TEMPLATE_BODY_MAXIMUM_SIZE`, a warning only) and cfn-lint do.
   */
  templateBytes: 1_000_000,
  /** "Resources: 500" per template: checked by aws-cdk-lib (`@aws-cdk/core:stackResourceLimit`), not here. */
  resources: 500,
  /** "Dynamic references per template: 60" (`{{resolve:...}}`, e.g. a connection's credentials). */
  dynamicReferences: 60,
};
