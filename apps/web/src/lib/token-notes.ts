// The words the token inspector puts beside a token: what each member means, and what each reason
// the demo API gives for refusing one (x-auth-reason) says.
import type { AuthRejectionReason } from '@lab/contracts'

/** Header members (RFC 7515 §4.1). */
export const HEADER_NOTES: Record<string, string> = {
  alg: 'the algorithm that made the signature; the server pins its own and refuses any other, "none" first',
  typ: 'the media type of the whole token',
  kid: 'which key signed it: the server looks it up among the keys it issued (its JWKS)',
  crit: 'extensions the verifier must understand, or refuse the token',
  jku: 'a URL to fetch keys from: the lab never follows it',
  jwk: 'a key embedded by whoever made the token: the lab never trusts it',
}

/** Payload claims: the registered ones (RFC 7519 §4.1) and the lab's own. */
export const CLAIM_NOTES: Record<string, string> = {
  iss: 'issuer: who made the token; the server checks it is itself',
  sub: 'subject: the user, by id',
  aud: 'audience: who the token is for; each strategy is its own audience, so a jwt token is refused by jwt-denylist',
  exp: 'expires: refused from this second on, whatever happened since (logout included, unless a denylist says otherwise)',
  nbf: 'not before: refused until this second',
  iat: 'issued at: when the server signed it',
  jti: 'token id: unique per token; jwt-denylist denylists it at logout',
  sid: "the login this token belongs to: its refresh family, which logout ends",
  username: 'the user, by name, copied in at login: the server does not read it again',
  role: 'copied in at login: the server believes it on every request, which is why it is signed',
}

/** The time claims, in seconds since 1970 (NumericDate). */
export const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const

/** Why the demo API refused a token (`x-auth-reason`), in a sentence. */
export const REASON_NOTES: Record<AuthRejectionReason, string> = {
  MALFORMED: 'not three non-empty, canonical base64url parts (an empty signature is not one), or too long: refused before any cryptography',
  ALG_NOT_ALLOWED: 'the header names an algorithm the server does not use; it never lets the token choose',
  MISSING_SIGNATURE: 'no signature where one is required',
  BAD_SIGNATURE: "the signature does not match this header and payload under the server's key: something was changed",
  UNKNOWN_KEY: 'signed by a key (kid) the server never issued, or one past its grace period',
  UNSUPPORTED_CRIT: 'the header makes an extension critical that the server does not understand',
  EXPIRED: 'the signature is good, but exp has passed',
  NOT_YET_VALID: 'the signature is good, but nbf is still in the future',
  MISSING_CLAIM: 'a claim the server requires (exp, iat, sub, jti, iss, aud) is missing',
  WRONG_CLAIM: 'a claim has the wrong value: another issuer, or another strategy as audience',
  BAD_CLAIM_TYPE: 'a claim has the wrong type, e.g. a role that is neither user nor admin',
  REVOKED: 'the signature is good, but the token was revoked: jwt-denylist listed its jti at logout',
}

/** "in 1 min 52 s", "3 s ago", "now": a NumericDate against the clock. */
export function relativeTime(seconds: number, nowMs: number): string {
  const delta = Math.round(seconds - nowMs / 1000)
  if (delta === 0) return 'now'
  let left = Math.abs(delta)
  const parts: string[] = []
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    if (left >= size && parts.length < 2) {
      parts.push(`${Math.floor(left / size)} ${unit}`)
      left %= size
    }
  }
  return delta > 0 ? `in ${parts.join(' ')}` : `${parts.join(' ')} ago`
}

/** A NumericDate as a reader's local date and time, with its offset from UTC. */
export function absoluteTime(seconds: number): string {
  const date = new Date(seconds * 1000)
  if (Number.isNaN(date.getTime())) return 'not a date'
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0')
  const offset = -date.getTimezoneOffset()
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `UTC${offset >= 0 ? '+' : '−'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  )
}
