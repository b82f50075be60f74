/**
 * Amazon S3 default encryption: which `SSEAlgorithm` values use a KMS key.
 */

/**
 * The default-encryption algorithms that encrypt new objects with a KMS key: `aws:kms` (SSE-KMS) and `aws:kms:dsse`
 * (DSSE-KMS). Without `KMSMasterKeyID` they use the AWS managed key `aws/s3`. `AES256` is SSE-S3 (keys S3 owns).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-serversideencryptionbydefault.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
export const S3_KMS_ALGORITHMS: readonly string[] = ['aws:kms', 'aws:kms:dsse'];
