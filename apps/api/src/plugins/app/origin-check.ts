import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Why a state-changing request looks cross-site, or null when it does not. */
function crossSiteReason(request: FastifyRequest): string | null {
  // Fetch Metadata: browsers say where a request comes from, and a page cannot forge it.
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : `Sec-Fetch-Site: ${site}`
  const origin = request.headers.origin
  if (origin === undefined) return null // not a browser, so not a forged cross-site request
  try {
    return new URL(origin).host === request.host ? null : 'Origin of another site'
  } catch {
    return 'Origin unreadable'
  }
}

/**
 * CSRF defence for every state-changing route (login, logout, refresh), after OWASP's "verifying
 * origin with standard headers". SameSite cookies are the first layer; JSON-only bodies the second
 * (a form cannot send one); this check the third, and the only one that also covers same-site pages.
 */
async function originCheck(fastify: FastifyInstance) {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (SAFE_METHODS.has(request.method)) return done()
    const reason = crossSiteReason(request)
    if (!reason) return done()
    request.log.info({ reason }, 'cross-site request refused')
    done(new AppError(403, 'CROSS_SITE_REQUEST', 'Cross-site requests are not accepted'))
  })
}

// After round-trips, so a refused request is still traced and reported like any other.
export default fp(originCheck, { name: 'origin-check', dependencies: ['round-trips'] })
