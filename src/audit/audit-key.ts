import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { AUDIT_TRAIL_CONTEXT_KEY } from './constants';
import { AuditTrail, KeyAuditTrail } from './key-audit-trail';

/**
 * Applies the audit-trail choice for a construct's key and returns the ARN of the trail that audits it, if any.
 * Precedence: the construct's own choice, then the app-wide context key, then the stack-shared trail.
 */
export function auditKey(scope: IConstruct, key: kms.IKey, choice: AuditTrail | undefined): string | undefined {
  const resolved = choice ?? fromContext(scope);
  switch (resolved.mode) {
    case 'none':
      return undefined;
    case 'existing':
      return resolved.trailArn;
    default: {
      const trail = KeyAuditTrail.of(scope);
      trail.watchKey(key);
      return trail.trailArn;
    }
  }
}

function fromContext(scope: IConstruct): AuditTrail {
  const value: unknown = scope.node.tryGetContext(AUDIT_TRAIL_CONTEXT_KEY);
  if (value === undefined || value === 'stack') return AuditTrail.stackShared();
  if (value === 'none' || value === false) return AuditTrail.none();
  if (typeof value === 'string' && (value.startsWith('arn:') || Token.isUnresolved(value))) return AuditTrail.fromTrailArn(value);
  throw new Error(`context ${AUDIT_TRAIL_CONTEXT_KEY}: got ${JSON.stringify(value)}; allowed are "stack", "none" or an existing trail's ARN`);
}


