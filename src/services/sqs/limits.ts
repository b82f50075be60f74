/**
 * SQS quotas on the queue policies the library writes to (the dead-letter queues list each sender).
 */

/**
 * SQS queue policy quotas: "Bytes 8,192", "Statements 20".
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
 */
export const SQS_QUOTAS = { queuePolicyBytes: 8_192, queuePolicyStatements: 20 };
