/**
 * What EventBridge requires of a connection and an API destination: the tag on the connection's key, and what the
 * EventBridge API reference allows in each field. Imports nothing, so the verifier's Lambda bundle may use it too.
 */

/**
 * The tag EventBridge requires on a key that protects a connection's secret (`EventBridgeApiDestinations=true`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export const API_DESTINATIONS_TAG_KEY = 'EventBridgeApiDestinations';

/**
 * What the EventBridge API reference allows for a connection's and an API destination's fields, in one place.
 * Each pattern is the one the API reference documents for the field, anchored.
 */
export const CONNECTION_FACTS = {
  /**
   * API key name and value, Basic user name and password, OAuth client id and secret: 1 to 512 characters, no control
   * characters (tab only around words) and no `:`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionApiKeyAuthRequestParameters.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionBasicAuthRequestParameters.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionOAuthClientRequestParameters.html
   */
  credentialPattern: /^[ \t]*[^\x00-\x1F:\x7F]+([ \t]+[^\x00-\x1F:\x7F]+)*[ \t]*$/,
  credentialAllowed: '1 to 512 characters without ":" or control characters',
  credentialMaxLength: 512,
  /**
   * Header parameter values: printable ASCII (spaces and tabs only between words), at most 512 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionHeaderParameter.html
   */
  headerValuePattern: /^[ \t]*[\x20-\x7E]+([ \t]+[\x20-\x7E]+)*[ \t]*$/,
  headerValueAllowed: 'printable ASCII characters (no control characters, no non-ASCII), at most 512',
  /**
   * Query-string parameter keys and values: no control characters (values may hold LF and CR), at most 512.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionQueryStringParameter.html
   */
  queryKeyPattern: /^[^\x00-\x1F\x7F]+$/,
  queryValuePattern: /^[^\x00-\x09\x0B\x0C\x0E-\x1F\x7F]+$/,
  /**
   * API destination invocation endpoints and OAuth authorization endpoints: 1 to 2048 characters of URL characters
   * (letters, digits, `-()_.!~*';/?:@&=+$,` and `%` escapes). No spaces, no non-ASCII host, no `{placeholder}`, no
   * `#fragment`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html#eventbridge-CreateApiDestination-request-InvocationEndpoint
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionOAuthResponseParameters.html
   */
  endpointPattern: /^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@&=+$,A-Za-z0-9])+)([).!';/?:,])?$/,
  endpointMaxLength: 2048,
  /**
   * Connection and API destination names: 1 to 64 letters, digits, `.`, `-` and `_`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnection.html#eventbridge-CreateConnection-request-Name
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html#eventbridge-CreateApiDestination-request-Name
   */
  namePattern: /^[.\-_A-Za-z0-9]+$/,
  nameMaxLength: 64,
  nameAllowed: 'letters, digits, ".", "-" and "_"',
  /**
   * Connection and API destination descriptions: at most 512 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnection.html#eventbridge-CreateConnection-request-Description
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html#eventbridge-CreateApiDestination-request-Description
   */
  descriptionMaxLength: 512,
  /**
   * HTTP parameter names (header, query string, body): 1 to 512 characters; header names are RFC 7230 tokens.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionHeaderParameter.html
   * @see https://www.rfc-editor.org/rfc/rfc7230#section-3.2.6 (token characters)
   */
  parameterMaxLength: 512,
  headerNamePattern: /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/,
  /**
   * EventBridge's default quota of invocations per second per API destination (adjustable in Service Quotas).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  defaultRateQuota: 300,
  /**
   * EventBridge uses a customer managed key for a connection only while the key carries the tag
   * `EventBridgeApiDestinations` (`KeyPolicyStatements.API_DESTINATIONS_TAG_KEY`) with this value: without it, creating
   * the connection fails and an existing connection is deauthorized.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
   */
  apiDestinationsTagValue: 'true',
  /**
   * The detail types of the connection-state events (source `aws.events`) that say a connection is losing or has lost
   * its authorization, or (private APIs) cannot reach the endpoint.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-deauthorize.html
   */
  deauthorizationDetailTypes: [
    'Connection Deauthorization Started',
    'Connection Deauthorized',
    'Connection Failed Connectivity',
  ],
};
