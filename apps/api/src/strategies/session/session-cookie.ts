import { Signer } from '@fastify/cookie'

/** What login issues: 32 random bytes, base64url. */
const SESSION_ID = /^[\w-]{43}$/

/**
 * The session cookie's value: a session id signed with SESSION_SECRET (`<id>.<HMAC-SHA256>`, by
 * @fastify/cookie's Signer). Reads also ids signed with the secret it replaces (a rotation).
 */
export class SessionCookieSigner {
  readonly #signer: Signer

  constructor(secret: string, previous?: string) {
    this.#signer = new Signer([secret, ...(previous ? [previous] : [])], 'sha256')
  }

  sign(sessionId: string): string {
    return this.#signer.sign(sessionId)
  }

  /** The id when the signature holds and it is one this code could have issued; a forged or altered id never reaches a store. */
  read(signed: string): string | null {
    const { valid, value } = this.#signer.unsign(signed)
    return valid && value !== null && SESSION_ID.test(value) ? value : null
  }
}
