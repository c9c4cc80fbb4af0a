// DELIBERATELY LAX token handling for the attack range only. Nothing here may be imported by the
// real strategies (they use @fastify/jwt), and nothing from them is imported here.
import { createHmac, sign, timingSafeEqual, type KeyObject } from 'node:crypto'

export interface NaiveToken {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function parseObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** Splits a compact token and parses header and claims, trusting both: the mistake every range target starts from. */
export function readNaively(token: string): NaiveToken | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string]
  const header = parseObject(headerPart)
  const claims = parseObject(claimsPart)
  if (!header || !claims) return null
  return { header, claims, signingInput: `${headerPart}.${claimsPart}`, signature: Buffer.from(signaturePart, 'base64url') }
}

export function hmacSha256(input: string, secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(input).digest()
}

export function hmacMatches(token: NaiveToken, secret: string | Buffer): boolean {
  const expected = hmacSha256(token.signingInput, secret)
  return token.signature.length === expected.length && timingSafeEqual(token.signature, expected)
}

export function signHs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${segment({ ...header, alg: 'HS256', typ: 'JWT' })}.${segment(claims)}`
  return `${input}.${hmacSha256(input, secret).toString('base64url')}`
}

export function signRs256(claims: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${segment({ alg: 'RS256', typ: 'JWT' })}.${segment(claims)}`
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

/** The one check the range does get right, so that a forged token must carry a live `exp` like a real one. */
export function notExpired(claims: Record<string, unknown>, nowSeconds = Date.now() / 1000): boolean {
  return typeof claims.exp !== 'number' || claims.exp > nowSeconds
}
