import { allowStatements, isOpenPrincipal, restrictingConditionKeys } from '../key-policy';
import { PATTERNS } from '../patterns';
import { CmkRule, complianceOf } from '../rule';

/**
 * No key-policy statement allows everyone (`"Principal": "*"` or `{"AWS": "*"}`) unless a condition keeps it to an
 * account, an organization or named principals (`ec_account_condition_keys`, under an operator that is neither `Null`
 * nor `...IfExists`: those pass a request that lacks the key).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
 */
export const KMSOpenPrincipal: CmkRule = {
  id: 'KMSOpenPrincipal',
  resourceTypes: ['AWS::KMS::Key'],
  info: 'The key policy allows every principal ("*") without a condition that keeps it to an account, an organization or named principals.',
  explanation: 'A key policy is the primary control of who may use a key: a statement for "*" lets principals of any AWS account use it (as far as their own IAM policies let them), unless a condition such as kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID or aws:PrincipalArn keeps it to yours.',
  fix: 'Name the principals, or add a StringEquals (or ArnEquals) condition on kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalArn.',
  fixedBy: 'EncryptionKey (names its principals; strict mode leaves the account root administration only)',
  docs: ['https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html'],
  check: ({ properties }) => complianceOf(allowStatements(properties)
    .filter(isOpenPrincipal)
    .every(statement => restrictingConditionKeys(statement, true).some(key => PATTERNS.ec_account_condition_keys.test(key)))),
};
