/**
 * Amazon Data Firehose: server-side encryption of a stream and which streams accept direct puts.
 */

/**
 * The `KeyType` of a stream encrypted with a customer managed key (`AWS_OWNED_CMK` is the other). Firehose encrypts
 * with the grant it creates on the key when the stream is created: the stream's producers need no permission on it.
 *
 * @see https://docs.aws.amazon.com/firehose/latest/APIReference/API_DeliveryStreamEncryptionConfigurationInput.html
 */
export const FIREHOSE_CUSTOMER_MANAGED_KEY_TYPE = 'CUSTOMER_MANAGED_CMK';

/**
 * The `DeliveryStreamType` values whose streams read from another service and refuse `PutRecord`/`PutRecordBatch`
 * ("When you configure a Kinesis data stream as the source of a Firehose stream, the Firehose PutRecord and
 * PutRecordBatch operations are disabled"): only `DirectPut` streams take records from producers such as the log
 * delivery service.
 *
 * @see https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html
 * @see https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html#Firehose-CreateDeliveryStream-request-DeliveryStreamType
 */
export const FIREHOSE_DIRECT_PUT = 'DirectPut';
