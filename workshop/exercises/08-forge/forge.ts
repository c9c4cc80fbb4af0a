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
  // TODO: header {"alg":"none","typ":"JWT"}, the claims, and an empty signature.
  throw new Error('TODO: forgeNone in forge.ts')
}

/** The word of `wordlist` that signed `token` (HS256), or undefined. */
export function crackSecret(token: string, wordlist: string[]): string | undefined {
  // TODO: try every word as the HMAC key of the token's first two segments.
  throw new Error('TODO: crackSecret in forge.ts')
}

/** An HS256 token signed with a secret you know (or cracked). */
export function forgeWithSecret(claims: Claims, secret: string): string {
  // TODO: one line with the helpers above.
  throw new Error('TODO: forgeWithSecret in forge.ts')
}

/** A token whose `kid` makes the range use an empty key. */
export function forgeKid(claims: Claims): string {
  // TODO: which kid leads from /srv/range/keys/ to /dev/null, and what key does that file hold?
  throw new Error('TODO: forgeKid in forge.ts')
}

/** HS256 keyed with the RS256 public key the range publishes. */
export function forgeAlgConfusion(claims: Claims, publicKeyPem: string): string {
  // TODO: the public key, as text, is now an HMAC secret.
  throw new Error('TODO: forgeAlgConfusion in forge.ts')
}
