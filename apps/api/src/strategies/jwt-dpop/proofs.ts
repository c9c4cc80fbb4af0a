import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose'
import { DPOP_ALGORITHMS, DPOP_HEADER, DPOP_PROOF_TYPE, type ErrorCode } from '@lab/contracts'
import { AppError } from '../../errors.ts'

/** Seconds a proof's `iat` may lie from the server's clock, either way: its age, and the client's clock skew. */
export const PROOF_WINDOW_SECONDS = 60
/** A proof is a header, a JWK and four claims: far below this. Longer ones are refused unparsed. */
const MAX_PROOF_LENGTH = 4096
const MAX_JTI_LENGTH = 256
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/

const REPLAY_KEY = 'lab:dpop:jti:'

const refuse = (code: ErrorCode, message: string) => new AppError(401, code, message)

/** `ath` (RFC 9449 §4.2): base64url of the SHA-256 of the access token the proof goes with. */
export const accessTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url')

/**
 * The URL a proof's `htu` must name, compared without query and fragment (RFC 9449 §4.3, step 9).
 * A URL with userinfo (`http://user:pw@host/…`) is no URL a browser requests: the comparison of
 * origins would overlook it, so it names nothing.
 */
function targetOf(url: string): string | null {
  try {
    const parsed = new URL(url)
    if (parsed.username !== '' || parsed.password !== '') return null
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return null
  }
}

export interface ProofExpectations {
  /** the access token sent with the proof: its hash must be the proof's `ath` */
  accessToken?: string
  /** the thumbprint the token or refresh family is bound to: the proof's key must be it */
  jkt?: string
}

/**
 * Verifies DPoP proofs (RFC 9449 §4.3) with jose: a `dpop+jwt` signed by the public key in its own
 * header with an asymmetric algorithm, for this method and URL, issued within PROOF_WINDOW_SECONDS,
 * carrying the hash of the access token it goes with, and never seen before: each `jti` is written to
 * Redis once (SET NX) for as long as its proof could be accepted. That write is the strategy's one
 * round trip per request. Says the thumbprint of the proof's key (RFC 7638), which binds tokens.
 */
export class DpopProofs {
  readonly #redis: Redis
  readonly #now: () => number
  /** one proof per request, checked once: "log out everywhere" authenticates, then logs out */
  readonly #verified = new WeakMap<FastifyRequest, string>()

  constructor(redis: Redis, now: () => number = Date.now) {
    this.#redis = redis
    this.#now = now
  }

  async verify(request: FastifyRequest, expected: ProofExpectations = {}): Promise<string> {
    const known = this.#verified.get(request)
    if (known !== undefined) {
      if (expected.jkt !== undefined && expected.jkt !== known) throw refuse('DPOP_KEY_MISMATCH', 'The DPoP proof is signed by another key than the token is bound to')
      return known
    }
    const proof = request.headers[DPOP_HEADER]
    if (proof === undefined || proof === '') throw refuse('DPOP_PROOF_MISSING', 'A DPoP proof is required in the DPoP header')
    // Two DPoP headers arrive joined by a comma, which is no JWS: refused here, as RFC 9449 §4.3 asks.
    if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(proof)) throw refuse('DPOP_PROOF_INVALID', 'The DPoP proof is not a compact JWS')

    let payload: Record<string, unknown>
    let jwk: JWK
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: DPOP_PROOF_TYPE, algorithms: [...DPOP_ALGORITHMS] })
      payload = verified.payload
      jwk = verified.protectedHeader.jwk as JWK
    } catch {
      // jose's reasons (bad signature, wrong typ or alg, a private or symmetric jwk) stay in the server.
      throw refuse('DPOP_PROOF_INVALID', 'The DPoP proof does not verify')
    }
    const { jti, htm, htu, iat, ath } = payload
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH || typeof htm !== 'string' || typeof htu !== 'string' || typeof iat !== 'number') {
      throw refuse('DPOP_PROOF_INVALID', 'The DPoP proof lacks jti, htm, htu or iat')
    }
    const target = targetOf(htu)
    if (target === null) throw refuse('DPOP_PROOF_INVALID', 'The DPoP proof\'s htu is not a URL without userinfo')
    if (htm !== request.method || target !== targetOf(requestUrl(request))) {
      throw refuse('DPOP_PROOF_WRONG_TARGET', 'The DPoP proof was made for another method or URL')
    }
    const now = this.#now() / 1000
    if (Math.abs(now - iat) > PROOF_WINDOW_SECONDS) throw refuse('DPOP_PROOF_STALE', `The DPoP proof's iat is more than ${PROOF_WINDOW_SECONDS} s from the server's clock`)
    if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken)) {
      throw refuse('DPOP_ATH_MISMATCH', 'The DPoP proof\'s ath is not the hash of this access token')
    }
    const jkt = await calculateJwkThumbprint(jwk, 'sha256')
    if (expected.jkt !== undefined && expected.jkt !== jkt) throw refuse('DPOP_KEY_MISMATCH', 'The DPoP proof is signed by another key than the token is bound to')

    // Last, so that only a proof good in every other way costs a write. Scoped by key: a client can
    // only ever use up its own jtis. Kept until the proof's iat leaves the window.
    const ttl = Math.max(1, Math.ceil(iat + PROOF_WINDOW_SECONDS - now))
    const fresh = await this.#redis.set(`${REPLAY_KEY}${jkt}:${jti}`, '1', 'EX', ttl, 'NX')
    if (fresh === null) throw refuse('DPOP_PROOF_REPLAYED', 'This DPoP proof was already used')
    this.#verified.set(request, jkt)
    return jkt
  }
}

/**
 * The URL the client addressed: scheme and host as the API's own proxy saw them (X-Forwarded-Proto and
 * -Host, believed only from TRUST_PROXY, as Fastify's request.protocol and request.host do), else its own.
 */
export function requestUrl(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0] as string
  return `${request.protocol}://${request.host}${path}`
}
