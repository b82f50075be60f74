import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An EventBridge Scheduler schedule encrypts its payload (the target's input) with a customer managed key.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
 */
export const ScheduleCMK: CmkRule = {
  id: 'ScheduleCMK',
  resourceTypes: ['AWS::Scheduler::Schedule'],
  info: 'The EventBridge Scheduler schedule does not encrypt its payload with a customer managed KMS key (KmsKeyArn).',
  explanation: 'Without KmsKeyArn, EventBridge Scheduler encrypts the schedule\'s target input with an AWS owned key: no key policy of yours decides who may read the payload, and no CloudTrail record of yours shows its use.',
  fix: 'Set KmsKeyArn to a customer managed key whose policy lets the schedule\'s creator and execution role use it for this schedule only.',
  fixedBy: 'EncryptedSchedule',
  docs: ['https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html'],
  check: resource => complianceOf(namesCustomerManagedKey(resource.properties.KmsKeyArn)),
};
