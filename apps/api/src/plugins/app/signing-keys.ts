import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createSigner, createVerifier } from 'fast-jwt'
import type { AppOptions } from '../../app.ts'

export type JwtAlgorithm = 'HS256' | 'EdDSA'

/** A public key as the JWKS endpoint publishes it (RFC 7517). */
export interface PublicJwk {
  kty: string
  crv?: string
  x?: string
  kid: string
  alg: JwtAlgorithm
  use: 'sig'
}

interface SigningKey {
  kid: string
  /** what signs (the HMAC secret, or the private key as PEM, which fast-jwt takes), absent once the key is retired */
  signingKey: string | null
  /** what verifies: the same secret, or the public key as PEM */
  verifyingKey: string
  jwk: PublicJwk | null
  /** when a newer key took over; tokens of this key verify until retiredAt + grace */
  retiredAt: number | null
  /** this key's fast-jwt verifiers, one per options object (each audience with and without expiry, and the signature-only one), built on first use */
  verifiers: WeakMap<VerifyOptions, (token: string) => Record<string, unknown>>
}

export interface SignOptions {
  audience: string
  issuer: string
  ttlSeconds: number
}

/**
 * What a verification checks besides the signature. Verifiers are cached per options object: pass the
 * same object for every token of one audience (AccessTokens holds its own), not one built per request.
 */
export interface VerifyOptions {
  audience: string
  issuer: string
  requiredClaims: string[]
  /** accept a token past its `exp` (only to learn which login a logout ends) */
  allowExpired?: boolean
}

/** The options of `verifySignature`: no claim checked. */
const SIGNATURE_ONLY: VerifyOptions = Object.freeze({ audience: '', issuer: '', requiredClaims: [] })

/** RFC 7638 thumbprint of an Ed25519 public key: a kid that names the key and nothing else. */
function thumbprint(key: KeyObject): string {
  const { crv, kty, x } = key.export({ format: 'jwk' })
  return createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url')
}

function ed25519Key(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey)
  const kid = thumbprint(publicKey)
  const { kty, crv, x } = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string }
  const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }) as string
  return { kid, signingKey: pem(privateKey, 'pkcs8'), verifyingKey: pem(publicKey, 'spki'), jwk: { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' }, retiredAt: null, verifiers: new WeakMap() }
}

/**
 * The keys access tokens are signed with. HS256: one shared secret, never published. EdDSA: a key
 * ring whose current private key signs, whose public keys are published as a JWKS, and which
 * rotates with a grace period, so tokens of the previous key keep verifying until they could have
 * expired anyway. Signers and verifiers (fast-jwt) are built once per key, not per request.
 */
export class SigningKeys {
  readonly algorithm: JwtAlgorithm
  readonly #graceMs: number
  readonly #now: () => number
  #keys: SigningKey[]
  readonly #signers = new Map<string, (payload: Record<string, unknown>) => string>()

  constructor(options: {
    algorithm: JwtAlgorithm
    secret: string
    /** HS256: the secret being replaced, which still verifies (never signs) while it is configured */
    previousSecret?: string | undefined
    privateKeyPem?: string | undefined
    graceSeconds: number
    now?: () => number
  }) {
    this.algorithm = options.algorithm
    this.#graceMs = options.graceSeconds * 1000
    this.#now = options.now ?? Date.now
    if (options.algorithm === 'HS256') {
      this.#keys = [{ kid: 'hs256', signingKey: options.secret, verifyingKey: options.secret, jwk: null, retiredAt: null, verifiers: new WeakMap() }]
      if (options.previousSecret) {
        this.#keys.push({ kid: 'hs256-previous', signingKey: null, verifyingKey: options.previousSecret, jwk: null, retiredAt: null, verifiers: new WeakMap() })
      }
    } else if (options.privateKeyPem) {
      this.#keys = [ed25519Key(createPrivateKey(options.privateKeyPem))]
    } else {
      throw new Error('EdDSA needs a private key')
    }
  }

  get currentKid(): string {
    return (this.#keys[0] as SigningKey).kid
  }

  sign(payload: Record<string, unknown>, options: SignOptions): string {
    const current = this.#keys[0] as SigningKey
    const id = `${current.kid} ${options.audience} ${options.ttlSeconds}`
    let signer = this.#signers.get(id)
    if (!signer) {
      signer = createSigner({
        key: current.signingKey as string, // the current key always has one
        algorithm: this.algorithm,
        kid: this.algorithm === 'EdDSA' ? current.kid : undefined,
        iss: options.issuer,
        aud: options.audience,
        expiresIn: options.ttlSeconds * 1000,
      }) as (payload: Record<string, unknown>) => string
      this.#signers.set(id, signer)
    }
    return signer(payload)
  }

  /**
   * Verifies with the key the token names, if the server issued it and it is not past its grace;
   * throws fast-jwt's TokenError otherwise (the strategy maps it to a 401).
   */
  verify(token: string, kid: unknown, options: VerifyOptions): Record<string, unknown> {
    return this.#verifyBy(token, kid, options)
  }

  /**
   * The signature alone, with the key `verify` would use, claims unread (demo profile: the token
   * inspector asks, since an HS256 secret never leaves the server); throws as `verify` does.
   */
  verifySignature(token: string, kid: unknown): void {
    this.#verifyBy(token, kid, SIGNATURE_ONLY)
  }

  #verifyBy(token: string, kid: unknown, options: VerifyOptions): Record<string, unknown> {
    if (this.algorithm === 'HS256') {
      const [current, previous] = this.#keys as [SigningKey, SigningKey | undefined]
      try {
        return this.#verifyWith(current, token, options)
      } catch (error) {
        // A token signed before the secret was replaced: tried once more, with the one it replaced.
        if (!previous || (error as { code?: unknown }).code !== 'FAST_JWT_INVALID_SIGNATURE') throw error
        return this.#verifyWith(previous, token, options)
      }
    }
    const key = this.#keys.find((candidate) => candidate.kid === kid)
    if (!key || (key.retiredAt !== null && this.#now() > key.retiredAt + this.#graceMs)) {
      throw new Error('a key this server did not issue, or one past its grace period')
    }
    return this.#verifyWith(key, token, options)
  }

  /** `options` SIGNATURE_ONLY: the signature alone, every claim ignored. */
  #verifyWith(key: SigningKey, token: string, options: VerifyOptions): Record<string, unknown> {
    let verifier = key.verifiers.get(options)
    if (!verifier) {
      verifier = createVerifier(
        options === SIGNATURE_ONLY
          ? { key: key.verifyingKey, algorithms: [this.algorithm], ignoreExpiration: true, ignoreNotBefore: true }
          : {
              key: key.verifyingKey,
              algorithms: [this.algorithm],
              allowedIss: options.issuer,
              allowedAud: options.audience,
              requiredClaims: options.requiredClaims,
              ignoreExpiration: options.allowExpired ?? false,
            },
      ) as (token: string) => Record<string, unknown>
      key.verifiers.set(options, verifier)
    }
    return verifier(token)
  }

  /** A new current key; the previous one verifies for the grace period, then is dropped. */
  rotate(): string {
    if (this.algorithm !== 'EdDSA') throw new Error('HS256 uses one shared secret: rotate it by redeploying')
    const now = this.#now()
    const previous = this.#keys[0] as SigningKey
    previous.signingKey = null
    previous.retiredAt = now
    this.#keys = [ed25519Key(generateKeyPairSync('ed25519').privateKey), ...this.#keys.filter((key) => this.#inGrace(key, now))]
    this.#signers.clear()
    return this.currentKid
  }

  /** The public keys that verify today (RFC 7517): empty for HS256, whose secret is never published. */
  jwks(): { keys: PublicJwk[] } {
    const now = this.#now()
    return { keys: this.#keys.filter((key) => key.jwk && this.#inGrace(key, now)).map((key) => key.jwk as PublicJwk) }
  }

  #inGrace(key: SigningKey, now: number): boolean {
    return key.retiredAt === null || now <= key.retiredAt + this.#graceMs
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    signingKeys: SigningKeys
  }
}

async function signingKeysPlugin(fastify: FastifyInstance, opts: AppOptions) {
  const { jwtAlgorithm, jwtSecret, jwtSecretPrevious, jwtPrivateKey, jwtKeyGrace, accessTokenTtl } = opts.config
  fastify.decorate(
    'signingKeys',
    new SigningKeys({
      algorithm: jwtAlgorithm,
      secret: jwtSecret,
      previousSecret: jwtSecretPrevious,
      privateKeyPem: jwtPrivateKey,
      graceSeconds: jwtKeyGrace ?? accessTokenTtl,
    }),
  )
}

export default fp(signingKeysPlugin, { name: 'signing-keys' })
