import { JwtLiteError } from './errors.ts'

/** A JWT claims set: the registered claims of RFC 7519 §4.1, typed, plus any others. */
export interface JwtPayload {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  [claim: string]: unknown
}

const NUMERIC_DATES = ['exp', 'nbf', 'iat'] as const
const STRINGS = ['iss', 'sub', 'jti'] as const

function invalid(claim: string, rule: string): JwtLiteError {
  return new JwtLiteError('ERR_JWT_CLAIM_INVALID', `"${claim}" claim ${rule}`, claim)
}

export function assertClaimTypes(claims: Record<string, unknown>): asserts claims is JwtPayload {
  for (const name of NUMERIC_DATES) {
    const value = claims[name]
    if (value !== undefined && !Number.isFinite(value)) throw invalid(name, 'must be a number of seconds')
  }
  for (const name of STRINGS) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') throw invalid(name, 'must be a string')
  }
  const aud = claims.aud
  const audOk = typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  if (aud !== undefined && !audOk) throw invalid('aud', 'must be a string or an array of strings')
}

export interface TimeRules {
  /** Seconds since the epoch, with fractions. */
  now: number
  /** Seconds of clock skew forgiven in each direction. */
  tolerance: number
  requireExp: boolean
}

// Each test is "refuse unless (valid)": if now or tolerance were NaN, every comparison would be
// false, and the token is refused rather than accepted.
export function checkTimes(claims: JwtPayload, { now, tolerance, requireExp }: TimeRules): void {
  if (claims.exp === undefined) {
    if (requireExp) throw invalid('exp', 'is required')
  } else if (!(now < claims.exp + tolerance)) {
    throw new JwtLiteError('ERR_JWT_EXPIRED', 'token has expired', 'exp')
  }
  if (claims.nbf !== undefined && !(now >= claims.nbf - tolerance)) {
    throw new JwtLiteError('ERR_JWT_NOT_BEFORE', 'token is not valid yet', 'nbf')
  }
  if (claims.iat !== undefined && !(now >= claims.iat - tolerance)) {
    throw invalid('iat', 'is in the future')
  }
}

export interface ExpectedClaims {
  issuer?: string | undefined
  audience?: string | string[] | undefined
}

export function checkExpected(claims: JwtPayload, { issuer, audience }: ExpectedClaims): void {
  if (issuer !== undefined && claims.iss !== issuer) {
    throw new JwtLiteError('ERR_JWT_CLAIM_MISMATCH', '"iss" claim is not the expected issuer', 'iss')
  }
  if (audience !== undefined) {
    const accepted = typeof audience === 'string' ? [audience] : audience
    const actual = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? [])
    if (!actual.some((aud) => accepted.includes(aud))) {
      throw new JwtLiteError('ERR_JWT_CLAIM_MISMATCH', '"aud" claim does not name this audience', 'aud')
    }
  }
}
