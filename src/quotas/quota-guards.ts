import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { CLOUDFORMATION_QUOTAS } from '../services/cloudformation/limits';
import { EVENTBRIDGE_QUOTAS } from '../services/events/limits';
import { IAM_QUOTAS } from '../services/iam/limits';
import { kmsKeyArnCharacters } from '../services/kms/arns';
import { SNS_QUOTAS } from '../services/sns/limits';
import { SQS_QUOTAS } from '../services/sqs/limits';

/** A deploy-time value (`Fn::GetAtt`, `Ref`, ...) in a rendered document, counted at this many characters. */
export const TOKEN_CHARACTERS = 128;

const INTRINSIC = /\{"(Fn::GetAtt|Ref|Fn::Join|Fn::Select|Fn::Split|Fn::Sub|Fn::ImportValue)":(\[[^\]]*\]|"[^"]*")\}/g;

/**
 * A rendered (resolved) CloudFormation value as JSON without white space, deploy-time values at their likely size:
 * `estimate` may size an intrinsic (given as its JSON), else it counts {@link TOKEN_CHARACTERS}.
 */
function renderedCharacters(resolved: unknown, estimate: (intrinsic: string) => number | undefined = () => undefined): number {
  return JSON.stringify(resolved).replace(INTRINSIC, intrinsic => 'x'.repeat(estimate(intrinsic) ?? TOKEN_CHARACTERS)).length;
}

/** Sizes `{"Fn::GetAtt":[<a key of this stack>,"Arn"]}` as the quoted key ARN it becomes; other intrinsics are left unsized. */
function keyArnEstimate(stack: Stack): (intrinsic: string) => number | undefined {
  let keys: Set<string> | undefined;
  return intrinsic => {
    const getAtt = /^\{"Fn::GetAtt":\["([^"]+)","Arn"\]\}$/.exec(intrinsic);
    if (!getAtt) return undefined;
    keys ??= new Set(stack.node.findAll().filter((c): c is kms.CfnKey => c instanceof kms.CfnKey && Stack.of(c) === stack).map(k => stack.resolve(k.logicalId)));
    return keys.has(getAtt[1]) ? kmsKeyArnCharacters(stack) + 2 : undefined;
  };
}

/**
 * Characters of one value in a rendered document (JSON, deploy-time values sized as the quota guards size them): what a
 * key's ARN adds to an event pattern, for instance.
 */
export function valueCharacters(scope: IConstruct, value: unknown): number {
  return renderedCharacters(Stack.of(scope).resolve(value), keyArnEstimate(Stack.of(scope)));
}

/** The size IAM counts for a policy document: its JSON without white space, deploy-time values at their likely size. */
export function policyCharacters(scope: IConstruct, document: unknown): number {
  return renderedCharacters(Stack.of(scope).resolve(document));
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

/**
 * Fails synthesis when the event pattern of a rule the library creates passes EventBridge's default 2,048 characters
 * (deploy-time key ARNs counted at their documented length, other deploy-time values at 128 characters).
 */
export function guardEventPatternSize(rule: events.Rule, fix: string): void {
  rule.node.addValidation({
    validate: () => {
      const stack = Stack.of(rule);
      const characters = renderedCharacters(stack.resolve((rule.node.defaultChild as events.CfnRule).eventPattern), keyArnEstimate(stack));
      return characters <= EVENTBRIDGE_QUOTAS.eventPatternCharacters ? [] : [
        `the event pattern of the rule ${rule.node.path} would be about ${characters} characters; EventBridge accepts at most `
        + `${EVENTBRIDGE_QUOTAS.eventPatternCharacters} by default (quota "event pattern size"; see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). ${fix}`,
      ];
    },
  });
}

/**
 * The context key that turns the per-stack quota guards off (`false`), for synthesis-only looks at stacks no account
 * could deploy (a benchmark, a test of one key under hundreds of constructs), like aws-cdk-lib's
 * `@aws-cdk/core:stackResourceLimit` = 0.
 */
export const STACK_QUOTA_GUARDS_CONTEXT = 'cdk-encrypted-constructs:stackQuotaGuards';

/** The stacks already guarded (one guard per stack). */
const guardedStacks = new WeakSet<Stack>();

/**
 * Guards the per-stack quotas of the stack of `scope` (once per stack; every library construct calls it). Synthesis
 * fails, naming the quota, the count and the fix, when the stack's template would pass:
 *
 * - checked with the construct validations (skipped by `app.synth({ skipValidation: true })`): every SNS topic policy
 *   (100 statements, 30 KB) and SQS queue policy (20 statements, 8 KB) of the stack, the library's or not (these
 *   quotas are not adjustable), resolving only those resources;
 * - checked on the template file as written, right after aws-cdk-lib writes it (at no extra resolution cost; skipped
 *   when validations were): the template's size (1 MB) and its dynamic references (60).
 *
 * CloudFormation's 500 resources per stack is aws-cdk-lib's own check (`TooManyResourcesInStack`); IAM managed
 * policies, key policies and the library's rule event patterns are checked where the library writes them. Context
 * {@link STACK_QUOTA_GUARDS_CONTEXT} `false` turns these per-stack guards off.
 */
export function guardStackQuotas(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (guardedStacks.has(stack)) return;
  const enabled = scope.node.tryGetContext(STACK_QUOTA_GUARDS_CONTEXT);
  if (enabled === false || enabled === 'false') return;
  guardedStacks.add(stack);
  new StackQuotaGuard(stack);
}

/**
 * The template-file half of {@link guardStackQuotas}: a construct beside the stack (a child of its stage, created after
 * the stack, so aws-cdk-lib synthesizes the stack's template before this one runs), which reads the written template.
 * Its validation half is the stack's own validation.
 *
 * Why `attachCustomSynthesis` (exported by aws-cdk-lib, not through jsii, and documented as meant for AWS's own
 * libraries): it is the one hook that runs after the template file exists. Checking the size at validation instead
 * means resolving the whole stack a second time, measured at 300-420 ms on 500-resource stacks (20-30 % of their
 * synthesis), against 1-2 ms to read the file here. If aws-cdk-lib drops it, the compiler says so.
 */
class StackQuotaGuard extends Construct {
  private validated = false;

  constructor(private readonly stack: Stack) {
    // The stack's artifact id, not Names.uniqueId: a stack whose id is `Default` has no unique id (aws-cdk-lib leaves
    // `Default` out of it) and would make the library throw where aws-cdk-lib accepts the stack.
    super(Stage.of(stack) ?? stack.node.root, `EncryptedConstructsQuotaGuard${stack.artifactId}`);
    stack.node.addValidation({
      validate: () => {
        this.validated = true;
        return resourcePolicyErrors(stack);
      },
    });
    attachCustomSynthesis(this, {
      onSynthesize: session => {
        // Validations skipped (app.synth({ skipValidation: true })): so is this check.
        if (!this.validated) return;
        this.validated = false;
        const errors = templateErrors(fs.readFileSync(path.join(session.outdir, this.stack.templateFile), 'utf8'));
        if (errors.length > 0) {
          throw new Error(`Validation failed with the following errors:\n  ${errors.map(e => `[${this.stack.node.path}] ${e}`).join('\n  ')}`);
        }
      },
    });
  }
}

/** What the template file as written breaks: its size in bytes and its dynamic references. */
export function templateErrors(template: string): string[] {
  const errors: string[] = [];
  const bytes = Buffer.byteLength(template, 'utf8');
  if (bytes > CLOUDFORMATION_QUOTAS.templateBytes) {
    errors.push(`the template is ${bytes} bytes; CloudFormation accepts at most ${CLOUDFORMATION_QUOTAS.templateBytes} `
      + '(quota "template body size in an Amazon S3 object": 1 MB). Split the stack (move some constructs to another stack or a '
      + 'nested stack), or set the stack\'s suppressTemplateIndentation to write the template without indentation.');
  }
  const references = template.match(/\{\{resolve:/g)?.length ?? 0;
  if (references > CLOUDFORMATION_QUOTAS.dynamicReferences) {
    errors.push(`the template holds ${references} dynamic references ({{resolve:...}}, e.g. one per connection credential); CloudFormation `
      + `accepts at most ${CLOUDFORMATION_QUOTAS.dynamicReferences} per template (quota "dynamic references per template"). `
      + 'Split the stack: move some connections (or other resources with secret values) to another stack.');
  }
  return errors;
}

/** What the stack's topic policies and queue policies break. */
function resourcePolicyErrors(stack: Stack): string[] {
  const errors: string[] = [];
  for (const resource of stack.node.findAll()) {
    if (!(resource instanceof CfnResource) || Stack.of(resource) !== stack) continue;
    if (resource instanceof sns.CfnTopicPolicy) {
      errors.push(...policyErrors(resource, resource.policyDocument, 'SNS topic policy', SNS_QUOTAS.topicPolicyStatements, SNS_QUOTAS.topicPolicyBytes,
        'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html#sns-policy-quotas',
        'Too many alarms or alert rules share the topic (the library lists each one\'s ARN): give some constructs their own alarmTopic, or move some to another stack.'));
    } else if (resource instanceof sqs.CfnQueuePolicy) {
      errors.push(...policyErrors(resource, resource.policyDocument, 'SQS queue policy', SQS_QUOTAS.queuePolicyStatements, SQS_QUOTAS.queuePolicyBytes,
        'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html',
        'Too many rules or buses share the queue (the library lists each one\'s ARN): give some constructs their own dead-letter queue, or move some (e.g. connections) to another stack.'));
    }
  }
  return errors;
}

function policyErrors(resource: CfnResource, document: unknown, what: string, maxStatements: number, maxBytes: number, doc: string, fix: string): string[] {
  const resolved = Stack.of(resource).resolve(document);
  const statements = Array.isArray(resolved?.Statement) ? resolved.Statement.length : 1;
  const bytes = renderedCharacters(resolved);
  const errors: string[] = [];
  if (statements > maxStatements) {
    errors.push(`the ${what} ${pathOf(resource)} would hold ${statements} statements; at most ${maxStatements} are accepted (quota "statements"; see ${doc}). ${fix}`);
  }
  if (bytes > maxBytes) {
    errors.push(`the ${what} ${pathOf(resource)} would be about ${bytes} bytes; at most ${maxBytes} are accepted (quota "bytes"; see ${doc}). ${fix}`);
  }
  return errors;
}

/** A resource's construct path, without the trailing `/Resource` of an L2's main resource. */
function pathOf(resource: CfnResource): string {
  return resource.node.id === 'Resource' ? resource.node.scope!.node.path : resource.node.path;
}
