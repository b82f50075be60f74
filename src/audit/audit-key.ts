import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { AUDIT_TRAIL_CONTEXT_KEY } from './constants';
import { AuditTrail, checkTrailArn, KeyAuditTrail } from './key-audit-trail';
import { KeyTamperingAlert } from './tampering-alert';
import { PropValidationError } from '../private/validation';

/**
 * Applies the audit-trail choice for a construct's key and returns the ARN of the trail that audits it, if any.
 * Precedence: the construct's own choice, then the app-wide context key, then the account's library trail.
 * Unless the choice is `none`, the key joins its stack's key-tampering alert.
 */
export function auditKey(scope: IConstruct, key: kms.IKey, choice: AuditTrail | undefined): string | undefined {
  const resolved = choice ?? fromContext(scope);
  switch (resolved.mode) {
    case 'none':
      return undefined;
    case 'existing':
      KeyTamperingAlert.hubOf(scope).watchKey(key);
      return resolved.trailArn;
    default: {
      const trail = KeyAuditTrail.of(scope);
      trail._checkRecords(scope);
      KeyTamperingAlert.hubOf(scope).watchKey(key);
      return trail.trailArn;
    }
  }
}

function fromContext(scope: IConstruct): AuditTrail {
  const value: unknown = scope.node.tryGetContext(AUDIT_TRAIL_CONTEXT_KEY);
  if (value === undefined || value === 'account' || value === 'stack') return AuditTrail.accountShared();
  if (value === 'none' || value === false) return AuditTrail.none();
  if (typeof value === 'string' && (value.startsWith('arn:') || Token.isUnresolved(value))) {
    checkTrailArn(`context ${AUDIT_TRAIL_CONTEXT_KEY}`, value);
    return AuditTrail.fromTrailArn(value);
  }
  throw new PropValidationError(`context ${AUDIT_TRAIL_CONTEXT_KEY}: got ${JSON.stringify(value)}; allowed are "account", "none" or an existing trail's ARN (arn:<partition>:cloudtrail:<region>:<account>:trail/<name>)`);
}


