/**
 * The forms of the identifiers AWS Organizations documents for accounts and organizations, as a resource policy's
 * principals and `aws:PrincipalOrgID` conditions take them.
 */

/**
 * An organization id: `o-` followed by 10 to 32 lowercase letters or digits ("The regex pattern for an organization ID
 * string requires "o-" followed by from 10 to 32 lowercase letters or digits").
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * An AWS account id: exactly 12 digits ("The regex pattern for an account ID string requires exactly 12 digits").
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
 * @see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
 */
export const ACCOUNT_ID = /^\d{12}$/;
