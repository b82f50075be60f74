import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ConnectionApiDestinationOptions } from './api-destination-options';
import { checkCredentials, isHttpsUrl } from './credentials';
import { EncryptedConnectionProps } from './props';
import { checkEncryptionKey } from '../encrypted-resource/key-checks';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator, requiredObject } from '../internal/validation';
import { CONNECTION_FACTS } from '../services/events/connection-facts';

const ENDPOINT_CHARACTERS = 'made of letters, digits, -()_.!~*\';/?:@&=+$, and %XX escapes (no spaces, non-ASCII, {placeholders} or #fragments)';

/** The checklist of the connection's props; every failing prop is reported in one error (tokens are skipped). */
export function validateConnectionProps(scope: IConstruct, props: EncryptedConnectionProps): void {
  const v = new PropValidator(scope);
  if (props && typeof props === 'object' && props.alertTopic?.masterKey !== undefined && props.alertTopic.masterKey === props.encryptionKey) {
    v.check(false, 'alertTopic', props.alertTopic.node.path, 'must not be encrypted with the connection\'s own key (encryptionKey): its deauthorization alerts '
      + 'would need the key whose loss they report; give a topic on another key, or omit alertTopic', false);
  }
  // JavaScript callers: the props object, the required authorization and no null
  if (!v.props(props, { authorization: requiredObject('an events.Authorization (Authorization.apiKey(), .basic() or .oauth())', '_bind') })) v.throwIfInvalid();
  v.name('connectionName', props.connectionName, CONNECTION_FACTS.namePattern, CONNECTION_FACTS.nameMaxLength, CONNECTION_FACTS.nameAllowed);
  claimPhysicalName(v, scope, 'connectionName', 'EventBridge connection', props.connectionName);
  checkDescription(v, 'description', props.description);
  checkCredentials(scope, v, props);
  checkEncryptionKey(v, scope, props);
  v.throwIfInvalid();
}

/** The checklist of an API destination's options, reported in one error naming the destination's path. */
export function validateApiDestinationOptions(scope: IConstruct, id: string, options: ConnectionApiDestinationOptions): void {
  const path = `${scope.node.path}/${id}`;
  const v = new PropValidator({ node: { path } } as IConstruct);
  if (!v.props(options, {
    endpoint: { allowed: 'an https:// URL', is: e => typeof e === 'string' },
    rateLimitPerSecond: { allowed: 'a whole number of requests per second, at least 1', is: r => typeof r === 'number' },
  })) v.throwIfInvalid();
  if (typeof options.endpoint === 'string' && !Token.isUnresolved(options.endpoint)) {
    v.check(isHttpsUrl(options.endpoint, CONNECTION_FACTS.endpointMaxLength), 'endpoint', options.endpoint, `must be an https:// URL of at most ${CONNECTION_FACTS.endpointMaxLength} characters (EventBridge invokes only HTTPS endpoints) ${ENDPOINT_CHARACTERS}`);
  }
  const rate = options.rateLimitPerSecond;
  if (typeof rate === 'number' && !Token.isUnresolved(rate)) {
    v.check(Number.isInteger(rate) && rate >= 1, 'rateLimitPerSecond', `${rate} per second`,
      `must be a whole number of at least 1 (EventBridge's default quota is ${CONNECTION_FACTS.defaultRateQuota} per second per API destination)`, false);
  }
  checkDescription(v, 'description', options.description);
  v.name('apiDestinationName', options.apiDestinationName, CONNECTION_FACTS.namePattern, CONNECTION_FACTS.nameMaxLength, CONNECTION_FACTS.nameAllowed);
  claimPhysicalName(v, scope, 'apiDestinationName', 'EventBridge API destination', options.apiDestinationName, options.apiDestinationName, path);
  v.throwIfInvalid();
}

function checkDescription(v: PropValidator, prop: string, description: string | undefined): void {
  if (description === undefined || Token.isUnresolved(description)) return;
  v.check(description.length <= CONNECTION_FACTS.descriptionMaxLength, prop, description, `must be at most ${CONNECTION_FACTS.descriptionMaxLength} characters`);
}
