import { createHmac } from 'node:crypto'

export type Claims = Record<string, unknown>

/** JSON → base64url segment. */
export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** HMAC-SHA256 of a signing input, base64url: the third segment of an HS256 token. */
export function hs256Signature(signingInput: string, key: string): string {
  return createHmac('sha256', key).update(signingInput).digest('base64url')
}

/** An HS256 token with any key and extra header parameters. */
export function hs256(claims: Claims, key: string, extraHeader: Record<string, unknown> = {}): string {
  const signingInput = `${base64urlJson({ alg: 'HS256', typ: 'JWT', ...extraHeader })}.${base64urlJson(claims)}`
  return `${signingInput}.${hs256Signature(signingInput, key)}`
}

/** An unsigned token that says `alg: none`. */
export function forgeNone(claims: Claims): string {
  return `${base64urlJson({ alg: 'none', typ: 'JWT' })}.${base64urlJson(claims)}.`
}

/** The word of `wordlist` that signed `token` (HS256), or undefined. */
export function crackSecret(token: string, wordlist: string[]): string | undefined {
  const [header, payload, signature] = token.split('.')
  return wordlist.find((word) => hs256Signature(`${header}.${payload}`, word) === signature)
}

/** An HS256 token signed with a secret you know (or cracked). */
export function forgeWithSecret(claims: Claims, secret: string): string {
  return hs256(claims, secret)
}

/** A token whose `kid` makes the range use an empty key. */
export function forgeKid(claims: Claims): string {
  return hs256(claims, '', { kid: '../../../dev/null' })
}

/** HS256 keyed with the RS256 public key the range publishes. */
export function forgeAlgConfusion(claims: Claims, publicKeyPem: string): string {
  return hs256(claims, publicKeyPem)
}
