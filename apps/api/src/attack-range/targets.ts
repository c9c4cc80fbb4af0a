// DELIBERATELY BROKEN verifiers for the attack range. Each one makes a single classic mistake and
// is otherwise ordinary, so the attack that exploits it is the only way in. Keys are generated here
// at start and share nothing with the real strategies.
import { generateKeyPairSync, randomBytes, randomInt, verify as verifySignature } from 'node:crypto'
import { posix } from 'node:path'
import { COMMON_JWT_SECRETS, type RangeAttack, type RangeAttackInfo } from '@lab/contracts'
import { hmacMatches, notExpired, readNaively, signHs256, signRs256 } from './naive-jwt.ts'

export interface RangeTarget {
  info: RangeAttackInfo
  /** a low-privilege token signed the way this target expects: the attacker's starting point */
  issue(claims: Record<string, unknown>): string
  /** the token's claims when this (broken) verifier accepts it, else null */
  verify(token: string): Record<string, unknown> | null
  /** published key material (alg-confusion only) */
  publicKey?: string
}

/** `alg: none` accepted: the header decides whether a signature is needed at all. */
function noneTarget(): RangeTarget {
  const secret = randomBytes(32)
  return {
    info: {
      name: 'none',
      title: 'alg: none accepted',
      flaw: 'Reads "alg" from the token header and skips the signature check when it says "none".',
      defence: 'Allow exactly HS256 before any crypto; "none" in any casing is refused.',
    },
    issue: (claims) => signHs256({}, claims, secret),
    verify(token) {
      const parsed = readNaively(token)
      if (!parsed || !notExpired(parsed.claims)) return null
      // DELIBERATELY BROKEN: the attacker's header chooses to need no signature.
      if (String(parsed.header.alg).toLowerCase() === 'none') return parsed.claims
      return parsed.header.alg === 'HS256' && hmacMatches(parsed, secret) ? parsed.claims : null
    },
  }
}

/** A short dictionary word as the HMAC secret: one captured token lets an attacker test guesses offline. */
function weakSecretTarget(): RangeTarget {
  // DELIBERATELY BROKEN: a secret from a public wordlist instead of 32 random bytes.
  const secret = COMMON_JWT_SECRETS[randomInt(COMMON_JWT_SECRETS.length)] as string
  return {
    info: {
      name: 'weak-secret',
      title: 'guessable HMAC secret',
      flaw: 'Signs with a dictionary word; any token it issued lets an attacker test guesses offline, at millions per second.',
      defence: 'At least 32 random bytes (RFC 7518 §3.2); the API refuses to start with a short or repetitive secret.',
    },
    issue: (claims) => signHs256({}, claims, secret),
    verify(token) {
      const parsed = readNaively(token)
      if (!parsed || !notExpired(parsed.claims) || parsed.header.alg !== 'HS256') return null
      return hmacMatches(parsed, secret) ? parsed.claims : null
    },
  }
}

const KEY_DIR = '/srv/range/keys'

/** `kid` trusted as a path into a key directory: `../../../dev/null` selects an empty key. */
function kidTarget(): RangeTarget {
  // A table standing in for a filesystem: nothing here ever reads a real file.
  const virtualFiles = new Map<string, string>([
    [`${KEY_DIR}/2025-a.key`, randomBytes(32).toString('base64url')],
    [`${KEY_DIR}/2025-b.key`, randomBytes(32).toString('base64url')],
    ['/dev/null', ''],
  ])
  return {
    info: {
      name: 'kid',
      title: 'kid trusted as a key path',
      flaw: 'Joins the header\'s "kid" onto its key directory, so "../../../dev/null" selects a file whose content, the empty string, becomes the HMAC key.',
      defence: 'The key never comes from the token: one configured secret, and header parameters such as kid, jku and jwk are ignored.',
    },
    issue: (claims) => signHs256({ kid: '2025-a.key' }, claims, virtualFiles.get(`${KEY_DIR}/2025-a.key`) as string),
    verify(token) {
      const parsed = readNaively(token)
      if (!parsed || !notExpired(parsed.claims) || parsed.header.alg !== 'HS256' || typeof parsed.header.kid !== 'string') return null
      // DELIBERATELY BROKEN: attacker-controlled path traversal picks the key.
      const key = virtualFiles.get(posix.join(KEY_DIR, parsed.header.kid))
      return key !== undefined && hmacMatches(parsed, key) ? parsed.claims : null
    },
  }
}

/** RS256 and HS256 through one key: the published public key becomes an HMAC secret anyone can use. */
function algConfusionTarget(): RangeTarget {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return {
    info: {
      name: 'alg-confusion',
      title: 'algorithm confusion (RS256 → HS256)',
      flaw: 'Lets the header pick the algorithm and hands the same key to it: with HS256, the published public key (PEM text) is used as the HMAC secret.',
      defence: 'The algorithm is fixed by the server, never read from the token; a PEM key is refused as an HMAC secret.',
    },
    publicKey: publicPem,
    issue: (claims) => signRs256(claims, privateKey),
    verify(token) {
      const parsed = readNaively(token)
      if (!parsed || !notExpired(parsed.claims)) return null
      if (parsed.header.alg === 'RS256') {
        return verifySignature('sha256', Buffer.from(parsed.signingInput), publicKey, parsed.signature) ? parsed.claims : null
      }
      // DELIBERATELY BROKEN: the algorithm comes from the token, the key from the RS256 configuration.
      if (parsed.header.alg === 'HS256') return hmacMatches(parsed, publicPem) ? parsed.claims : null
      return null
    },
  }
}

/** Fresh keys and a fresh weak secret for every start of the API. */
export function createTargets(): Record<RangeAttack, RangeTarget> {
  return { none: noneTarget(), 'weak-secret': weakSecretTarget(), kid: kidTarget(), 'alg-confusion': algConfusionTarget() }
}
