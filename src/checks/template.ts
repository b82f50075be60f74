import { CfnResource, Stack } from 'aws-cdk-lib';

/** One resource as its stack's synthesized template holds it. */
export interface TemplateResource {
  /** The resource's logical id in the template. */
  readonly logicalId: string;
  /** The CloudFormation resource type, e.g. `AWS::SQS::Queue`. */
  readonly type: string;
  /** Its `Properties`, overrides applied and tokens resolved to CloudFormation intrinsics (`{}` when it has none). */
  readonly properties: Record<string, any>;
}

/**
 * A stack's resources as its template holds them: property overrides applied and tokens resolved to `Ref`,
 * `Fn::GetAtt` and `Fn::Join`. This is what a cfn-guard rule reads, so the pack's rules read it too rather than the
 * L1 properties (which miss overrides such as `addPropertyOverride`). Each resource is rendered on first use.
 */
export class TemplateView {
  private readonly resources = new Map<string, CfnResource>();
  private readonly rendered = new Map<string, TemplateResource>();

  constructor(private readonly stack: Stack) {
    for (const construct of stack.node.findAll()) {
      if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
        this.resources.set(stack.resolve(construct.logicalId), construct);
      }
    }
  }

  /** The template's view of one of the stack's L1 resources. */
  public resourceOf(node: CfnResource): TemplateResource {
    return this.resource(this.stack.resolve(node.logicalId))!;
  }

  /** The resource with this logical id, if the template has it. */
  public resource(logicalId: string): TemplateResource | undefined {
    const cached = this.rendered.get(logicalId);
    if (cached) return cached;
    const node = this.resources.get(logicalId);
    if (!node) return undefined;
    const template = this.stack.resolve((node as any)._toCloudFormation()) as { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
    const [entry] = Object.values(template.Resources);
    const resource = { logicalId, type: entry.Type, properties: entry.Properties ?? {} };
    this.rendered.set(logicalId, resource);
    return resource;
  }

  /** Every resource of the template of this type. */
  public ofType(type: string): TemplateResource[] {
    return [...this.resources.entries()].filter(([, node]) => node.cfnResourceType === type).map(([logicalId]) => this.resource(logicalId)!);
  }
}

/** The logical id a value names with `Fn::GetAtt` (`{ "Fn::GetAtt": [id, attribute] }`), if it does. */
export function getAttTarget(value: unknown): string | undefined {
  const getAtt = (value as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/**
 * The logical ids an ARN value names: with `Fn::GetAtt`, or with a `Ref` among the parts of an `Fn::Join` (the form
 * aws-cdk-lib writes for an ARN built from a name, e.g. a log group target of an EventBridge rule). A bare `Ref` is
 * not an ARN for the resources the pack follows (a log group's `Ref` is its name).
 */
export function arnReferences(value: unknown): string[] {
  const object = value as Record<string, any> | undefined;
  if (!object || typeof object !== 'object') return [];
  const ids: string[] = [];
  const getAtt = getAttTarget(object);
  if (getAtt) ids.push(getAtt);
  const join = object['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    for (const part of join[1]) if (typeof part?.Ref === 'string') ids.push(part.Ref);
  }
  return ids;
}

/** A value that is one item or a list of them, as a list (IAM and CloudFormation allow both). */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
