import { createHash, hkdfSync } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createSigner, createVerifier } from 'fast-jwt'
import { SESSION_CACHE_COOKIE, type User } from '@lab/contracts'
import { cookieNameFor } from '../../cookies.ts'

const AUDIENCE = 'session-vs-jwt-lab:session-cached'

type Sign = (payload: Record<string, unknown>) => string
type Verify = (token: string) => Record<string, unknown>

/** Ties a copy to the one session cookie it was issued beside: a copy next to another session's cookie is ignored. */
const bindingOf = (signedSessionCookie: string) => createHash('sha256').update(signedSessionCookie).digest('base64url').slice(0, 22)

/**
 * The signed, short-lived copy of a session kept in an HttpOnly cookie (better-auth's `cookieCache`,
 * Clerk's 60-second session token): while it is fresh, a request is answered from it without asking
 * the store. The price is the lesson: a copy cannot be revoked, so a stolen one keeps working after
 * logout until it goes stale (SESSION_CACHE_TTL), when the store is asked again and says no.
 * HS256 with a key derived from SESSION_SECRET; signer and verifier are built once.
 */
export class SessionCache {
  readonly #ttlSeconds: number
  readonly #key: Buffer
  /** one signer per lifetime: SESSION_CACHE_TTL, and the demo's short-lived logins */
  readonly #signers = new Map<number, Sign>()
  readonly #verify: Verify

  constructor(sessionSecret: string, ttlSeconds: number) {
    const key = Buffer.from(hkdfSync('sha256', sessionSecret, '', 'session-vs-jwt-lab session cache', 32))
    this.#ttlSeconds = ttlSeconds
    this.#key = key
    this.#verify = createVerifier({ key, algorithms: ['HS256'], allowedAud: AUDIENCE, requiredClaims: ['exp', 'sub', 'bind'] }) as Verify
  }

  #cookieName(request: FastifyRequest): string {
    return cookieNameFor(request, SESSION_CACHE_COOKIE, '/')
  }

  /** Sets a fresh copy beside the session cookie. */
  issue(request: FastifyRequest, reply: FastifyReply, user: User, signedSessionCookie: string, ttlSeconds = this.#ttlSeconds): void {
    let sign = this.#signers.get(ttlSeconds)
    if (!sign) {
      sign = createSigner({ key: this.#key, algorithm: 'HS256', aud: AUDIENCE, expiresIn: ttlSeconds * 1000 }) as Sign
      this.#signers.set(ttlSeconds, sign)
    }
    const copy = sign({ sub: user.id, username: user.username, role: user.role, bind: bindingOf(signedSessionCookie) })
    reply.setCookie(this.#cookieName(request), copy, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: ttlSeconds })
  }

  /** The user of a fresh copy issued beside this session cookie, or null (absent, stale, forged, or another session's). */
  read(request: FastifyRequest, signedSessionCookie: string): User | null {
    const copy = request.cookies[this.#cookieName(request)]
    if (!copy) return null
    let claims: Record<string, unknown>
    try {
      claims = this.#verify(copy)
    } catch {
      return null
    }
    const { sub, username, role, bind } = claims
    if (bind !== bindingOf(signedSessionCookie) || typeof sub !== 'string' || typeof username !== 'string') return null
    if (role !== 'user' && role !== 'admin') return null
    return { id: sub, username, role }
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(this.#cookieName(request), { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' })
  }
}
