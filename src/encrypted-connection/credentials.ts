import { Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { PropValidator } from '../internal/validation';
import { CONNECTION_FACTS } from '../services/events/connection-facts';

/**
 * How a connection's credentials are checked before they reach the template.
 *
 * `events.Authorization` is opaque: its factories close over the values and render them in `_bind()` (a pure
 * function that builds a fresh object). The construct calls it once, resolves the result, and checks:
 * every secret (API key value, password, OAuth client secret, secret HTTP parameters) is a Secrets Manager dynamic
 * reference, `{{resolve:secretsmanager:...}}` — never a plain-text value, an SSM SecureString reference (which
 * `AWS::Events::Connection` does not resolve) or a CloudFormation parameter/attribute; and the plain fields are within
 * EventBridge's limits (OAuth endpoint HTTPS, client id present, ...).
 */

/** A secret in the template must be exactly one Secrets Manager dynamic reference. */
const DYNAMIC_REFERENCE = /^\{\{resolve:secretsmanager:[^{}]+\}\}$/;
/** Stands in for a CloudFormation reference inside a joined string (it never holds plain text of the template). */
const REFERENCE = '\u0000';

const ALLOWED_SECRET = 'must be a SecretValue that resolves to a Secrets Manager dynamic reference, '
  + 'e.g. SecretValue.secretsManager(\'crm/api-key\') or secret.secretValue (anything else would put the credential in the template or fail to resolve)';

/** The parameters of a connection, as the construct receives them. */
export interface ConnectionCredentials {
  readonly authorization: events.Authorization;
  readonly headerParameters?: { [key: string]: events.HttpParameter };
  readonly queryStringParameters?: { [key: string]: events.HttpParameter };
  readonly bodyParameters?: { [key: string]: events.HttpParameter };
}

/**
 * Records every problem with the connection's credentials in the validator. The messages never contain a secret's
 * value: a plain-text secret is described as such, without being shown.
 */
export function checkCredentials(scope: IConstruct, v: PropValidator, credentials: ConnectionCredentials): void {
  // a missing authorization is reported by the required-props check
  const bound = credentials.authorization === undefined || credentials.authorization === null ? undefined : bindAuthorization(credentials.authorization);
  if (bound === undefined) {
    // nothing to render
  } else if (typeof bound === 'string') {
    v.check(false, 'authorization', `an Authorization that cannot be rendered (${bound})`,
      `use events.Authorization.apiKey(), .basic() or .oauth() with every secret given as a SecretValue: ${ALLOWED_SECRET}`, false);
  } else {
    checkAuthorization(scope, v, bound);
  }
  for (const [prop, parameters] of Object.entries({
    headerParameters: credentials.headerParameters,
    queryStringParameters: credentials.queryStringParameters,
    bodyParameters: credentials.bodyParameters,
  })) {
    const rendered = Object.entries(parameters ?? {}).map(([name, p]) => renderParameter(name, p));
    checkParameters(scope, v, prop, rendered, prop === 'headerParameters' ? 'header' : prop === 'queryStringParameters' ? 'query' : 'body');
  }
}

interface BoundAuthorization {
  readonly authorizationType: string;
  readonly authParameters: any;
}

interface RenderedParameter {
  readonly key: string;
  readonly value: unknown;
  readonly isValueSecret: boolean;
}

function bindAuthorization(authorization: events.Authorization): BoundAuthorization | string {
  if (!authorization || typeof (authorization as any)._bind !== 'function') return 'not an events.Authorization';
  try {
    const bound = (authorization as any)._bind() as BoundAuthorization;
    if (!bound || typeof bound.authorizationType !== 'string' || typeof bound.authParameters !== 'object') return 'it rendered nothing';
    return bound;
  } catch (e) {
    // e.g. a JavaScript caller passed a string where a SecretValue belongs: `x.unsafeUnwrap is not a function`
    return e instanceof Error ? e.message : String(e);
  }
}

function renderParameter(name: string, parameter: events.HttpParameter): RenderedParameter {
  if (!parameter || typeof (parameter as any)._render !== 'function') return { key: name, value: undefined, isValueSecret: false };
  try {
    return (parameter as any)._render(name) as RenderedParameter;
  } catch {
    return { key: name, value: undefined, isValueSecret: true };
  }
}

function checkAuthorization(scope: IConstruct, v: PropValidator, bound: BoundAuthorization): void {
  const p = bound.authParameters ?? {};
  switch (bound.authorizationType) {
    case 'API_KEY': {
      const a = p.apiKeyAuthParameters ?? {};
      checkCredentialText(v, 'authorization.apiKeyName', a.apiKeyName);
      checkSecret(scope, v, 'authorization.apiKeyValue', a.apiKeyValue);
      break;
    }
    case 'BASIC': {
      const a = p.basicAuthParameters ?? {};
      checkPlain(v, 'authorization.username', a.username, CONNECTION_FACTS.credentialMaxLength);
      if (typeof a.username === 'string' && !Token.isUnresolved(a.username)) {
        v.check(!a.username.includes(':'), 'authorization.username', a.username, 'must not contain ":" (Basic authorization joins username and password with it)');
        v.check(!/[\x00-\x08\x0A-\x1F\x7F]/.test(a.username), 'authorization.username', a.username, 'must not contain control characters');
      }
      checkSecret(scope, v, 'authorization.password', a.password);
      break;
    }
    case 'OAUTH_CLIENT_CREDENTIALS': {
      const a = p.oAuthParameters ?? {};
      checkHttpsUrl(v, 'authorization.authorizationEndpoint', a.authorizationEndpoint);
      checkCredentialText(v, 'authorization.clientId', a.clientParameters?.clientId);
      checkSecret(scope, v, 'authorization.clientSecret', a.clientParameters?.clientSecret);
      const http = a.oAuthHttpParameters ?? {};
      checkParameters(scope, v, 'authorization.headerParameters', http.headerParameters ?? [], 'header');
      checkParameters(scope, v, 'authorization.queryStringParameters', http.queryStringParameters ?? [], 'query');
      checkParameters(scope, v, 'authorization.bodyParameters', http.bodyParameters ?? [], 'body');
      break;
    }
    default:
      v.check(false, 'authorization', bound.authorizationType, 'must be API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS (events.Authorization.apiKey(), .basic() or .oauth())');
  }
}

function checkParameters(scope: IConstruct, v: PropValidator, prop: string, parameters: RenderedParameter[], kind: 'header' | 'query' | 'body'): void {
  const headers = kind === 'header';
  for (const parameter of parameters) {
    const name = `${prop}.${parameter.key}`;
    if (!Token.isUnresolved(parameter.key)) {
      const ok = parameter.key.length >= 1 && parameter.key.length <= CONNECTION_FACTS.parameterMaxLength
        && (!headers || CONNECTION_FACTS.headerNamePattern.test(parameter.key))
        && (kind !== 'query' || CONNECTION_FACTS.queryKeyPattern.test(parameter.key));
      v.check(ok, prop, parameter.key, headers
        ? `parameter names must be 1 to ${CONNECTION_FACTS.parameterMaxLength} characters valid in an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~)`
        : kind === 'query' ? `parameter names must be 1 to ${CONNECTION_FACTS.parameterMaxLength} characters without control characters`
          : `parameter names must be 1 to ${CONNECTION_FACTS.parameterMaxLength} characters`);
    }
    if (parameter.isValueSecret) {
      checkSecret(scope, v, name, parameter.value);
    } else {
      checkPlain(v, name, parameter.value, CONNECTION_FACTS.parameterMaxLength);
      const value = parameter.value;
      if (typeof value === 'string' && !Token.isUnresolved(value) && value.length > 0) {
        if (headers) v.check(CONNECTION_FACTS.headerValuePattern.test(value), name, value, `header values must be ${CONNECTION_FACTS.headerValueAllowed}`);
        if (kind === 'query') v.check(CONNECTION_FACTS.queryValuePattern.test(value), name, value, 'query-string values must not contain control characters other than LF and CR');
      }
    }
  }
}

/** An API key name or OAuth client id: the API reference's pattern (no ":" and no control characters). */
function checkCredentialText(v: PropValidator, prop: string, value: unknown): void {
  checkPlain(v, prop, value, CONNECTION_FACTS.credentialMaxLength);
  if (typeof value !== 'string' || Token.isUnresolved(value) || value.length === 0 || value.length > CONNECTION_FACTS.credentialMaxLength) return;
  v.check(CONNECTION_FACTS.credentialPattern.test(value), prop, value, `must be ${CONNECTION_FACTS.credentialAllowed}`);
}

/** A non-secret string: present and within EventBridge's length limit (tokens are checked at deploy time). */
function checkPlain(v: PropValidator, prop: string, value: unknown, maxLength: number): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  v.check(typeof value === 'string' && value.length >= 1 && value.length <= maxLength, prop, value, `must be a string of 1 to ${maxLength} characters`);
}

function checkHttpsUrl(v: PropValidator, prop: string, value: unknown): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  v.check(isHttpsUrl(value, CONNECTION_FACTS.endpointMaxLength), prop, value, `must be an https:// URL of at most ${CONNECTION_FACTS.endpointMaxLength} characters, made of letters, digits, `
    + '-()_.!~*\';/?:@&=+$, and %XX escapes (no spaces, non-ASCII, {placeholders} or #fragments)');
}

/**
 * Whether a value is a literal `https://host...` URL within the length limit, made only of the characters the
 * EventBridge API accepts in an endpoint (no spaces, no non-ASCII, no `{placeholder}`, no `#fragment`).
 */
export function isHttpsUrl(value: unknown, maxLength: number): boolean {
  return typeof value === 'string' && value.length <= maxLength && /^https:\/\/[^\s/?#]+[^\s]*$/.test(value)
    && CONNECTION_FACTS.endpointPattern.test(value);
}

function checkSecret(scope: IConstruct, v: PropValidator, prop: string, value: unknown): void {
  const problem = secretProblem(Stack.of(scope).resolve(value));
  v.check(problem === undefined, prop, problem, ALLOWED_SECRET, false);
}

/** What is wrong with a resolved secret value, or undefined when it is a Secrets Manager dynamic reference. */
export function secretProblem(resolved: unknown): string | undefined {
  if (resolved === undefined || resolved === null || resolved === '') return 'no value';
  const text = flatten(resolved);
  if (text === undefined) return `a CloudFormation expression (${JSON.stringify(resolved).slice(0, 60)}), not a dynamic reference`;
  if (DYNAMIC_REFERENCE.test(text)) return undefined;
  if (text.startsWith('{{resolve:ssm-secure:')) return 'an SSM SecureString reference, which AWS::Events::Connection does not resolve';
  if (text.includes('{{resolve:')) return 'a dynamic reference mixed with other text';
  if (text.includes(REFERENCE)) return 'a value built from CloudFormation references, not a dynamic reference';
  return 'a plain-text value (not shown), which would be stored in the template';
}

/** A literal or `Fn::Join` string with every embedded reference replaced by a marker; undefined for other shapes. */
function flatten(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length !== 1) return undefined;
    const [fn, args] = entries[0];
    if (fn === 'Fn::Join' && Array.isArray(args) && args[0] === '' && Array.isArray(args[1])) {
      return args[1].map((part: unknown) => typeof part === 'string' ? part : (flatten(part) ?? REFERENCE)).join('');
    }
  }
  return undefined;
}
