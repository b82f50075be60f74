import { Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/**
 * Helpers for users who snapshot-test stacks that contain this library's constructs.
 *
 * The library ships a bundled Lambda handler (the encryption verifier). Its asset hash changes whenever the library
 * is upgraded, even when nothing in your infrastructure changes. `LibrarySnapshot.template(stack)` returns the
 * synthesized template with exactly those hashes (and no others: your own assets keep theirs) replaced by a stable
 * placeholder, so a snapshot only changes when the template really changes.
 */
export class LibrarySnapshot {
  /** The text that replaces the library's asset hashes. */
  public static readonly PLACEHOLDER = 'CDK-ENCRYPTED-CONSTRUCTS-ASSET-HASH';

  /**
   * The asset hashes of this library's bundled assets used by the stack (64 hex characters each), sorted.
   */
  public static assetHashes(stack: Stack): string[] {
    const hashes = new Set<string>();
    for (const construct of stack.node.findAll()) {
      if (!LibrarySnapshot.isLibraryFunction(construct) || Stack.of(construct) !== stack) continue;
      const code = stack.resolve((construct.node.defaultChild as lambda.CfnFunction).code);
      for (const match of JSON.stringify(code).matchAll(/[0-9a-f]{64}/g)) hashes.add(match[0]);
    }
    return [...hashes].sort();
  }

  /**
   * The stack's synthesized CloudFormation template (a JSON object) with the library's asset hashes replaced by
   * `LibrarySnapshot.PLACEHOLDER`. Synthesizes the stack's app (or stage) if it was not synthesized yet.
   *
   * @returns the template, as a JSON object (a dict in Python)
   */
  public static template(stack: Stack): any {
    const stage = Stage.of(stack);
    if (!stage) throw new Error(`${stack.node.path}: the stack must belong to an App or a Stage`);
    const template = stage.synth().getStackArtifact(stack.artifactId).template;
    let text = JSON.stringify(template);
    for (const hash of LibrarySnapshot.assetHashes(stack)) text = text.split(hash).join(LibrarySnapshot.PLACEHOLDER);
    return JSON.parse(text);
  }

  private static isLibraryFunction(construct: IConstruct): construct is lambda.Function {
    return construct instanceof lambda.Function && construct.node.scope?.node.id === 'EncryptionVerifier' && construct.node.id === 'Function';
  }

  private constructor() {}
}
