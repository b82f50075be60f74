import { NagRuleCompliance } from 'cdk-nag';
import { acceptedConditionKeys, allowStatements, allowsKeyUsage, KeyPolicyStatement, restrictingConditionKeys, servicePrincipals } from '../key-policy';
import { PATTERNS } from '../patterns';
import { CmkRule, complianceOf } from '../rule';
import { asList, getAttTarget, TemplateResource, TemplateView } from '../template';

/**
 * The documented exception: EventBridge delivering to an encrypted SNS topic, for which SNS states that
 * `aws:SourceAccount` and `aws:SourceArn` in the key policy are not supported. A statement qualifies when its only
 * principal is `events.amazonaws.com`, it has no condition, its actions are among these, and its key encrypts an SNS
 * topic of the same template (`KmsMasterKeyId` names the key with `Fn::GetAtt`).
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export const SNS_DELIVERY_ACTIONS = ['kms:GenerateDataKey', 'kms:GenerateDataKey*', 'kms:Decrypt'];

function isSnsDeliveryStatement(statement: KeyPolicyStatement): boolean {
  return servicePrincipals(statement).every(p => typeof p === 'string' && PATTERNS.ec_events_service_principal.test(p))
    && statement.Condition === undefined
    && statement.NotAction === undefined
    && asList(statement.Action).every(a => SNS_DELIVERY_ACTIONS.includes(a as string));
}

/** Whether an SNS topic of the template is encrypted with this key. */
export function encryptsTopic(key: TemplateResource, template: TemplateView): boolean {
  return template.ofType('AWS::SNS::Topic').some(topic => getAttTarget(topic.properties.KmsMasterKeyId) === key.logicalId);
}

/** Whether each service principal of the statement finds one of its accepted condition keys among the statement's. */
function carriesServiceConditions(statement: KeyPolicyStatement): boolean {
  const keys = restrictingConditionKeys(statement);
  return servicePrincipals(statement).every(principal => keys.some(key => acceptedConditionKeys(principal).test(key)));
}

/**
 * A key-policy statement that lets an AWS service principal use the key (`ec_key_usage_action`, or `NotAction`)
 * carries a condition the service documents for keeping it to the right resources: a confused-deputy key
 * (`aws:SourceArn`, `aws:SourceAccount`), the encryption context the service sends, or `kms:ViaService`
 * (`SERVICE_CONDITIONS`). Without one, the service may use the key on behalf of any resource of any account that
 * names it. Any operator but `Null` counts, `...IfExists` included: some services document no promise to send the key
 * on every call (a known limit, docs/rule-pack.md).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 */
export const KMSServicePrincipalConditions: CmkRule = {
  id: 'KMSServicePrincipalConditions',
  resourceTypes: ['AWS::KMS::Key'],
  info: 'The key policy lets an AWS service use the key without a condition that keeps it to your resources (aws:SourceArn, aws:SourceAccount, the service\'s encryption context or kms:ViaService).',
  explanation: 'A service principal acts for every customer of the service: a statement that lets it encrypt or decrypt with the key, with no condition on the source resource, account or encryption context, lets anyone who can name the key in a resource of that service have the service use it (the confused deputy problem).',
  fix: 'Add the condition the service documents (see the table in docs/rule-pack.md): aws:SourceArn or aws:SourceAccount for the calling resource, or its kms:EncryptionContext:<key>, or kms:ViaService.',
  fixedBy: 'KeyPolicyStatements (the statements every construct adds, each with the narrowest condition its service supports)',
  docs: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
  ],
  check: (key, template) => {
    const statements = allowStatements(key.properties).filter(s => servicePrincipals(s).length > 0 && allowsKeyUsage(s));
    if (statements.length === 0) return NagRuleCompliance.COMPLIANT;
    const onTopic = encryptsTopic(key, template);
    return complianceOf(statements.every(s => carriesServiceConditions(s) || (onTopic && isSnsDeliveryStatement(s))));
  },
};
