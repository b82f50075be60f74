import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * IAM quotas the library's own output can exceed, checked at synth so that synthesis fails with the quota, the count
 * and the fix instead of the deploy failing. (CloudFormation's 500 resources per stack is checked by aws-cdk-lib; a
 * key policy's 32 KB by `addKeyStatements`.)
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

/** A deploy-time value (`Fn::GetAtt`, `Ref`, ...) in a rendered document, counted at this many characters. */
const TOKEN_CHARACTERS = 128;

/** The size IAM counts for a policy document: its JSON without white space, deploy-time values at their likely size. */
export function policyCharacters(scope: IConstruct, document: unknown): number {
  const rendered = JSON.stringify(Stack.of(scope).resolve(document));
  return rendered.replace(/\{"(Fn::GetAtt|Ref|Fn::Join|Fn::Select|Fn::Split|Fn::Sub|Fn::ImportValue)":(\[[^\]]*\]|"[^"]*")\}/g, 'x'.repeat(TOKEN_CHARACTERS)).length;
}

/** Fails synthesis when a managed policy the library writes passes IAM's 6,144 characters. */
export function guardManagedPolicySize(policy: iam.ManagedPolicy, fix: string): void {
  policy.node.addValidation({
    validate: () => {
      const size = policyCharacters(policy, policy.document);
      return size <= IAM_QUOTAS.managedPolicyCharacters ? [] : [
        `the managed policy ${policy.node.path} would be about ${size} characters; IAM accepts at most ${IAM_QUOTAS.managedPolicyCharacters} `
        + `(quota "managed policy size", not adjustable). ${fix}`,
      ];
    },
  });
}

/**
 * Fails synthesis when a role the library creates would carry more managed policies than IAM can attach (20), and warns
 * past the default quota (10), which an account must raise first.
 */
export function guardManagedPoliciesPerRole(role: iam.Role, count: () => number, fix: string): void {
  role.node.addValidation({
    validate: () => {
      const n = count();
      return n <= IAM_QUOTAS.managedPoliciesPerRoleMaximum ? [] : [
        `the role ${role.node.path} would carry ${n} managed policies; IAM attaches at most ${IAM_QUOTAS.managedPoliciesPerRoleMaximum} per role `
        + `(quota "managed policies per role": ${IAM_QUOTAS.managedPoliciesPerRoleDefault} by default, adjustable to ${IAM_QUOTAS.managedPoliciesPerRoleMaximum}). ${fix}`,
      ];
    },
  });
}
