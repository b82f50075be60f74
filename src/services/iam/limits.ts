/**
 * IAM quotas the library's own output can reach (its managed policies and the roles they attach to).
 */

/**
 * IAM quotas the library's own output can exceed, checked at synth so that synthesis fails with the quota, the count
 * and the fix instead of the deploy failing. (CloudFormation's 500 resources per stack is checked by aws-cdk-lib; a
 * key policy's 32 KB by `addKeyStatements`; the per-stack quotas by `guardStackQuotas`.)
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const IAM_QUOTAS = {
  /** "Managed policy size: 6,144 characters" (white space does not count). */
  managedPolicyCharacters: 6_144,
  /** "Managed policies attached to an IAM role: 10" by default, adjustable up to 20. */
  managedPoliciesPerRoleDefault: 10,
  managedPoliciesPerRoleMaximum: 20,
};
