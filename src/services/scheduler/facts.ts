/**
 * EventBridge Scheduler's limits on a schedule, as documented in the API reference (CreateSchedule, RetryPolicy,
 * FlexibleTimeWindow) and the encryption-at-rest guide.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
 */
export const SCHEDULER_LIMITS = {
  /** Schedule and schedule group names: 1 to 64 of these characters. */
  namePattern: /^[0-9a-zA-Z-_.]+$/,
  nameMaxLength: 64,
  nameCharacters: 'letters, digits, "-", "_" and "."',
  descriptionMaxLength: 512,
  /** The payload (target input) Scheduler encrypts with the customer managed key: at most 256 KB. */
  payloadMaxBytes: 256 * 1024,
  retryAttempts: { min: 0, max: 185 },
  maxEventAgeSeconds: { min: 60, max: 24 * 60 * 60 },
  timeWindowMinutes: { min: 1, max: 1440 },
};
