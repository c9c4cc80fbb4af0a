import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'

/** The API serves JSON only: a policy that lets nothing load or frame it. */
export const autoConfig: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
}

export default helmet
