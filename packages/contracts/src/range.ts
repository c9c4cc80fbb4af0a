import { Type, type Static } from 'typebox'

/**
 * The attack range: deliberately vulnerable token verifiers, served in the demo profile only, under
 * /api/range/:attack. Each attack is a classic JWT verification mistake.
 */
export const RANGE_ATTACKS = ['none', 'weak-secret', 'kid', 'alg-confusion'] as const
export type RangeAttack = (typeof RANGE_ATTACKS)[number]

export function isRangeAttack(value: string): value is RangeAttack {
  return (RANGE_ATTACKS as readonly string[]).includes(value)
}

/**
 * Common JWT secrets, as the public wordlists attackers start with (jwt_tool's, hashcat's) do. The
 * range's weak-secret target signs with one of them; the workshop and the web lab crack it with them.
 */
export const COMMON_JWT_SECRETS = [
  'secret', 'secret1', 'secret123', 'password', 'password1', '123456', 'changeme', 'changeit',
  'admin', 'admin123', 'jwt', 'jwt-secret', 'jwtsecret', 'jwt_secret', 'token', 'mysecret',
  'my-secret', 'supersecret', 'your-256-bit-secret', 'your-secret-key', 'secretkey', 'secret-key',
  'qwerty', 'qwerty123', 'letmein', 'welcome', 'default', 'test', 'development', 'key', 'private',
  'hmac', 's3cr3t',
] as const

/** Header carried by every response of the range, so no one mistakes it for the real API. */
export const RANGE_MARKER_HEADER = 'x-attack-range'
export const RANGE_MARKER = 'deliberately-vulnerable'
export const RANGE_WARNING = 'DELIBERATELY VULNERABLE attack range (demo profile only): never verify tokens like this'

export const RangeAttackInfoSchema = Type.Object({
  name: Type.Enum(RANGE_ATTACKS),
  title: Type.String(),
  /** what this verifier gets wrong */
  flaw: Type.String(),
  /** what the real API (and @lab/jwt-lite) does instead */
  defence: Type.String(),
})
export type RangeAttackInfo = Static<typeof RangeAttackInfoSchema>

export const RangeIndexSchema = Type.Object({
  warning: Type.String(),
  attacks: Type.Array(RangeAttackInfoSchema),
})
export type RangeIndex = Static<typeof RangeIndexSchema>

/** A low-privilege token issued by one of the range's verifiers: the attacker's starting point. */
export const RangeTokenSchema = Type.Object({
  warning: Type.String(),
  attack: Type.Enum(RANGE_ATTACKS),
  token: Type.String(),
})
export type RangeToken = Static<typeof RangeTokenSchema>

/** The public key the alg-confusion verifier publishes, as servers publish theirs for RS256. */
export const RangePublicKeySchema = Type.Object({
  warning: Type.String(),
  attack: Type.Literal('alg-confusion'),
  publicKey: Type.String(),
})
export type RangePublicKey = Static<typeof RangePublicKeySchema>

export const RangeMeSchema = Type.Object({
  warning: Type.String(),
  attack: Type.Enum(RANGE_ATTACKS),
  user: Type.Object({ username: Type.String(), role: Type.String() }),
  claims: Type.Record(Type.String(), Type.Unknown()),
})
export type RangeMe = Static<typeof RangeMeSchema>
