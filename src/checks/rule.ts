import { NagRuleCompliance } from 'cdk-nag';
import { PATTERNS } from './patterns';
import { TemplateResource, TemplateView } from './template';

/**
 * One rule of the pack, kept as cdk-nag keeps its own: an id, what a finding says and why, the AWS documentation it
 * rests on, and a small pure check. The check reads the resource as the template holds it (`TemplateView`), so that
 * it sees what the rule of the same name in `rules/encrypted-constructs.guard` sees.
 */
export interface CmkRule {
  /** The rule's id: `EncryptedConstructs-<id>` in cdk-nag, `<id>` in the guard file. */
  readonly id: string;
  /** The resource types the rule checks. */
  readonly resourceTypes: string[];
  /** What a finding says (cdk-nag's `info`). */
  readonly info: string;
  /** Why the rule exists (cdk-nag's `explanation`). */
  readonly explanation: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** The library construct that fixes a finding, in the words of the docs page. */
  readonly fixedBy: string;
  /** The AWS documentation the rule rests on. */
  readonly docs: string[];
  /** Whether the resource complies. */
  check(resource: TemplateResource, template: TemplateView): NagRuleCompliance;
}

/**
 * Whether a key property names a customer managed key: it is set, and, when it is a literal, neither empty nor an AWS
 * managed key's alias (`alias/aws/...`). A reference (`Ref`, `Fn::GetAtt`, an imported value) is taken as a customer
 * managed key: what it names is known only at deploy time.
 */
export function namesCustomerManagedKey(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'string') return true;
  return value !== '' && !PATTERNS.ec_aws_managed_key.test(value);
}

/** `COMPLIANT` or `NON_COMPLIANT`. */
export function complianceOf(compliant: boolean): NagRuleCompliance {
  return compliant ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
