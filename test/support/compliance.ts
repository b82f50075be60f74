import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged finding: which pack and rule, on which construct. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/** The five cdk-nag packs every construct must pass. */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks(), new ServerlessChecks()];
}

let guard: CfnGuardValidator | undefined;

/**
 * Runs the five cdk-nag v3 packs and the cfn-guard AWS Control Tower rules over a stack and returns every finding
 * that is not acknowledged (with `Validations.of(construct).acknowledge`) on the violating construct or an ancestor.
 *
 * Call it before the first `Template.fromStack` of the same app, or on a stack whose app was not synthesized yet;
 * it synthesizes the app itself.
 */
export function unacknowledgedFindings(stack: Stack): Finding[] {
  const findings: Finding[] = [];
  for (const pack of nagPacks()) {
    const report = pack.validateScope(stack);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ pack: pack.readPackName, rule: violation.ruleName, path: resource.constructPath ?? resource.resourceLogicalId ?? '?', description: violation.description });
      }
    }
  }
  findings.push(...guardFindings(stack));
  return findings;
}

/** cfn-guard Control Tower findings, filtered by acknowledgements on the violating construct or its ancestors. */
export function guardFindings(stack: Stack): Finding[] {
  guard ??= new CfnGuardValidator({ controlTowerRulesEnabled: true });
  const templatePath = writeTemplate(stack);
  const byLogicalId = new Map<string, CfnResource>();
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) byLogicalId.set(stack.resolve(c.logicalId), c);
  }
  const report = guard.validate({ templatePaths: [templatePath] } as any);
  const findings: Finding[] = [];
  for (const violation of report.violations) {
    const rule = violation.ruleName;
    for (const resource of violation.violatingResources) {
      const construct = resource.resourceLogicalId ? byLogicalId.get(resource.resourceLogicalId) : undefined;
      if (construct && isAcknowledged(construct, rule)) continue;
      findings.push({ pack: 'CfnGuard', rule, path: construct?.node.path ?? resource.resourceLogicalId ?? '?', description: violation.description });
    }
  }
  return findings;
}

/** Renders findings one per line, for readable test failures. */
export function formatFindings(findings: Finding[]): string[] {
  return findings.map(f => `${f.pack} ${f.rule} at ${f.path}`);
}

function isAcknowledged(construct: IConstruct, rule: string): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && Object.keys(entry.data).some(id => id === rule || id.endsWith(`::${rule}`))) {
        return true;
      }
    }
  }
  return false;
}

function writeTemplate(stack: Stack): string {
  const stage = Stage.of(stack) as Stage | App;
  const assembly = stage.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const file = path.join(dir, `${stack.artifactId}.template.json`);
  fs.writeFileSync(file, JSON.stringify(artifact.template));
  return file;
}

