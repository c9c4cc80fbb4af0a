import type { FastifyRequest } from 'fastify'

/**
 * The name a cookie goes by on this request. Over https it carries the prefix browsers enforce
 * (OWASP ASVS 3.3.1): `__Host-` (Secure, Path=/, no Domain: no subdomain can set or shadow it) for
 * cookies of the whole site, `__Secure-` for path-scoped ones. Over plain http (the demo on a laptop
 * or a classroom's LAN) a Secure cookie would not be kept at all, so the name stays bare.
 */
export function cookieNameFor(request: FastifyRequest, base: string, path: string): string {
  if (request.protocol !== 'https') return base
  return path === '/' ? `__Host-${base}` : `__Secure-${base}`
}
