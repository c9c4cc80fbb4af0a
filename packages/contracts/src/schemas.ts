import { Type, type Static } from 'typebox'
import { STRATEGIES } from './strategies.ts'

export const StrategySchema = Type.Enum(STRATEGIES)

export const RoleSchema = Type.Enum(['user', 'admin'])
export type Role = Static<typeof RoleSchema>

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  role: RoleSchema,
})
export type User = Static<typeof UserSchema>

/** A username is printable: control characters (NUL, newlines, escapes) are refused as malformed, never stored or logged. */
const USERNAME_PATTERN = '^[^\\u0000-\\u001F\\u007F]+$'
/** A password may hold anything but NUL, which some hashers and stores would truncate at. */
const PASSWORD_PATTERN = '^[^\\u0000]+$'

export const LoginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, pattern: USERNAME_PATTERN }),
    password: Type.String({ minLength: 1, maxLength: 256, pattern: PASSWORD_PATTERN }),
  },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBodySchema>

/** The longest `?ttl=N` a demo login may ask for, in seconds. */
export const LOGIN_TTL_MAX_SECONDS = 600

/** `?ttl=N` (3–600), demo profile only: the login's short-lived credential (access token, cached copy) lives N seconds. */
export const LoginQuerySchema = Type.Object({ ttl: Type.Optional(Type.String({ pattern: '^([3-9]|[1-9][0-9]|[1-5][0-9]{2}|600)$' })) }, { additionalProperties: false })

/** `POST /api/:strategy/password`: the new password must be long enough to be worth hashing. */
export const ChangePasswordBodySchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256, pattern: PASSWORD_PATTERN }),
    newPassword: Type.String({ minLength: 12, maxLength: 256, pattern: PASSWORD_PATTERN }),
  },
  { additionalProperties: false },
)
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>

export const MeResponseSchema = Type.Object({
  user: UserSchema,
  strategy: StrategySchema,
})
export type MeResponse = Static<typeof MeResponseSchema>

export const LoginResponseSchema = Type.Object({
  user: UserSchema,
  strategy: StrategySchema,
  accessToken: Type.Optional(Type.String()),
  accessTokenExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
})
export type LoginResponse = Static<typeof LoginResponseSchema>

/** `?grace=0`, demo profile only: this refresh gets no REFRESH_REUSE_GRACE (strict reuse detection), to show both side by side. */
export const RefreshQuerySchema = Type.Object({ grace: Type.Optional(Type.Literal('0')) }, { additionalProperties: false })

/** `jwt-cookie` answers without `accessToken`: its token travels in an HttpOnly cookie no script can read. */
export const RefreshResponseSchema = Type.Object({
  user: UserSchema,
  strategy: StrategySchema,
  accessToken: Type.Optional(Type.String()),
  accessTokenExpiresAt: Type.String({ format: 'date-time' }),
})
export type RefreshResponse = Static<typeof RefreshResponseSchema>

/** One login of the user, as `GET /api/:strategy/sessions` lists it (a refresh family for the token strategies). */
export const LoginInfoSchema = Type.Object({
  /** names the login without being its credential: a hash of the session id, or the refresh family */
  id: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  /** the last request that reached the store (sessions) or the last refresh (token strategies) */
  lastSeenAt: Type.String({ format: 'date-time' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  /** the login this request was made with */
  current: Type.Boolean(),
})
export type LoginInfo = Static<typeof LoginInfoSchema>

export const SessionsResponseSchema = Type.Object({
  strategy: StrategySchema,
  sessions: Type.Array(LoginInfoSchema),
})
export type SessionsResponse = Static<typeof SessionsResponseSchema>

/**
 * Ending other logins (`DELETE /sessions/:id`, `POST /logout-all`) asks for the password again
 * unless this login authenticated in the last five minutes (OWASP ASVS 7.5.2).
 */
export const ReauthenticationBodySchema = Type.Object(
  { password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: PASSWORD_PATTERN })) },
  { additionalProperties: false },
)
export type ReauthenticationBody = Static<typeof ReauthenticationBodySchema>

export const LoginIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\w-]+$' }) })
export const UsernameParamsSchema = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64, pattern: USERNAME_PATTERN }) })

export const ERROR_CODES = [
  'AUTH_MISSING',
  'AUTH_INVALID',
  'AUTH_EXPIRED',
  'AUTH_REVOKED',
  // jwt-dpop (RFC 9449): why a DPoP proof, or the binding of a token to its key, was refused
  'DPOP_PROOF_MISSING',
  'DPOP_PROOF_INVALID',
  'DPOP_PROOF_WRONG_TARGET',
  'DPOP_PROOF_STALE',
  'DPOP_PROOF_REPLAYED',
  'DPOP_ATH_MISMATCH',
  'DPOP_KEY_MISMATCH',
  'DPOP_SCHEME_REQUIRED',
  'INVALID_CREDENTIALS',
  'REAUTHENTICATION_REQUIRED',
  'WEAK_PASSWORD',
  'FORBIDDEN',
  'CROSS_SITE_REQUEST',
  'BAD_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UPGRADE_NOT_SUPPORTED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'RATE_LIMITED',
  'STORE_UNAVAILABLE',
  'SHUTTING_DOWN',
  'API_UNREACHABLE',
  'API_TIMEOUT',
  'TOKEN_UNVERIFIABLE',
  'INTERNAL_ERROR',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * Why an access token was refused, in response header `x-auth-reason`, in the demo profile only (the
 * token inspector shows it; production keeps one generic 401, which tells an attacker nothing).
 */
export const AUTH_REJECTION_REASONS = [
  'MALFORMED',
  'ALG_NOT_ALLOWED',
  'MISSING_SIGNATURE',
  'BAD_SIGNATURE',
  'UNKNOWN_KEY',
  'UNSUPPORTED_CRIT',
  'EXPIRED',
  'NOT_YET_VALID',
  'MISSING_CLAIM',
  'WRONG_CLAIM',
  'BAD_CLAIM_TYPE',
  'REVOKED',
] as const
export type AuthRejectionReason = (typeof AUTH_REJECTION_REASONS)[number]
export const AUTH_REASON_HEADER = 'x-auth-reason'

/**
 * `POST /api/lab/token-signature`, demo profile only: the signature of a token checked alone, with
 * the server's own keys, as access-token verification checks it before any claim. The token
 * inspector asks it because an HS256 secret never leaves the server; `reason` is why not.
 */
export const TokenSignatureBodySchema = Type.Object({ token: Type.String({ minLength: 1, maxLength: 16_384 }) }, { additionalProperties: false })
export const TokenSignatureCheckSchema = Type.Object({
  algorithm: Type.Enum(['HS256', 'EdDSA']),
  valid: Type.Boolean(),
  reason: Type.Union([Type.Enum(AUTH_REJECTION_REASONS), Type.Null()]),
  /** the key that verified it (EdDSA: its kid), or the key the token names */
  kid: Type.Union([Type.String(), Type.Null()]),
})
export type TokenSignatureCheck = Static<typeof TokenSignatureCheckSchema>

export const ErrorBodySchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.Enum(ERROR_CODES),
  error: Type.String(),
  message: Type.String(),
})
export type ErrorBody = Static<typeof ErrorBodySchema>

const StoreStateSchema = Type.Enum(['up', 'down'])
export const HealthSchema = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  redis: StoreStateSchema,
  postgres: StoreStateSchema,
})
export type Health = Static<typeof HealthSchema>

export const StoreNameSchema = Type.Enum(['redis', 'pg'])
export type StoreName = Static<typeof StoreNameSchema>

/** One round trip to Redis or Postgres made while serving a request. */
export const RoundTripSchema = Type.Object({
  store: StoreNameSchema,
  command: Type.String(),
  /** milliseconds from the start of the request to the command being sent */
  startMs: Type.Number(),
  durationMs: Type.Number(),
  ok: Type.Boolean(),
})
export type RoundTrip = Static<typeof RoundTripSchema>

/** What the API publishes on its live stream (`GET /api/records`) after every request. */
export const RequestRecordSchema = Type.Object({
  requestId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  strategy: Type.Union([StrategySchema, Type.Null()]),
  method: Type.String(),
  route: Type.String(),
  statusCode: Type.Integer(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  /** the server's time for the request, as its Server-Timing `total` says (until the response was handed over) */
  durationMs: Type.Number(),
  authMs: Type.Union([Type.Number(), Type.Null()]),
  roundTrips: Type.Array(RoundTripSchema),
  /** the API replica (process) that served it: REPLICA_NAME */
  replica: Type.String(),
})
export type RequestRecord = Static<typeof RequestRecordSchema>
