import * as path from 'path';
import { CfnResource, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CmkRule } from './rule';
import {
  DeadLetterQueueCMK, EventArchiveCMK, EventBusCMK, EventConnectionCMK, KMSKeyRotation, KMSOpenPrincipal, KMSServicePrincipalConditions, LogGroupCMK, PipeCMK,
  RDSMasterSecretCMK, RDSPerformanceInsightsCMK, RDSStorageCMK, ScheduleCMK,
} from './rules';
import { TemplateView } from './template';

/** The pack's rules, in the order of docs/rule-pack.md and of the guard file. */
export const CMK_RULES: CmkRule[] = [
  ScheduleCMK, EventBusCMK, EventArchiveCMK, EventConnectionCMK, PipeCMK,
  RDSStorageCMK, RDSMasterSecretCMK, RDSPerformanceInsightsCMK,
  LogGroupCMK, DeadLetterQueueCMK,
  KMSKeyRotation, KMSServicePrincipalConditions, KMSOpenPrincipal,
];

/**
 * A cdk-nag pack that finds, in any stack, what this library would put on a customer managed KMS key and is not.
 *
 * Its rules: EventBridge Scheduler schedules, event buses, archives, connections and pipes without a customer managed
 * key; RDS DB instances and clusters whose storage, RDS-managed master secret or Performance Insights is not on one;
 * the log groups RDS exports to and EventBridge rules and pipes deliver to, and the dead-letter queues of schedules,
 * rule targets, buses and pipes, without one; symmetric keys that do not rotate; key-policy statements that let an AWS
 * service use a key without the condition the service documents; and statements that allow every principal. Rule ids
 * are `EncryptedConstructs-<rule>` (docs/rule-pack.md). The package's `rules/encrypted-constructs.guard`
 * (`GUARD_RULES_FILE`) holds the same rules for cfn-guard, for templates not written with the CDK.
 *
 * cdk-nag 3 packs are CDK policy-validation plugins: register the pack with `Validations.of(app).addPlugins(...)`, and
 * acknowledge a finding with `Validations.of(construct).acknowledge({ id, reason })`.
 *
 * @see https://github.com/cdklabs/cdk-nag
 *
 * @example
 * import { App, Validations } from 'aws-cdk-lib';
 * import { EncryptedConstructsChecks } from 'cdk-encrypted-constructs';
 *
 * const app = new App();
 * Validations.of(app).addPlugins(new EncryptedConstructsChecks(app));
 */
export class EncryptedConstructsChecks extends NagPack {
  /**
   * The path of this package's cfn-guard rule file (`rules/encrypted-constructs.guard`): the pack's rules, each
   * named by its rule id without the `EncryptedConstructs-` prefix, for templates not written with the CDK
   * (`cfn-guard validate --rules <this file> --data template.json`).
   */
  public static readonly GUARD_RULES_FILE: string = path.join(__dirname, '..', '..', 'rules', 'encrypted-constructs.guard');

  /** The plugin's name in CDK's policy-validation report. */
  public readonly name: string = 'EncryptedConstructs';

  /** Each stack's template, rendered while one validation runs. */
  private templates = new Map<Stack, TemplateView>();

  /**
   * @param scope the app the pack is registered on (cdk-nag uses it to write acknowledgements into the template when
   * `props.writeSuppressionsToCloudFormation` is set)
   * @param props cdk-nag's pack options: `verbose` adds why and how to fix to each finding
   */
  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'EncryptedConstructs';
  }

  /**
   * Validates a construct tree: every CfnResource under `scope` against the pack's rules.
   *
   * @param scope the app, a stage, a stack or any construct of them
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.templates = new Map();
    try {
      return super.validateScope(scope);
    } finally {
      this.templates = new Map();
    }
  }

  /**
   * Applies the rules for the resource's type to one resource.
   *
   * @param node the resource to check
   */
  protected checkResource(node: CfnResource): void {
    for (const rule of CMK_RULES.filter(r => r.resourceTypes.includes(node.cfnResourceType))) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: `${rule.explanation} Fix: ${rule.fix} (${rule.docs[0]})`,
        level: NagMessageLevel.ERROR,
        node,
        rule: () => {
          const template = this.templateOf(Stack.of(node));
          return rule.check(template.resourceOf(node), template);
        },
      });
    }
  }

  private templateOf(stack: Stack): TemplateView {
    let template = this.templates.get(stack);
    if (!template) {
      template = new TemplateView(stack);
      this.templates.set(stack, template);
    }
    return template;
  }
}
