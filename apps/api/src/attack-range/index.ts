import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  ErrorBodySchema,
  RANGE_ATTACKS,
  RANGE_MARKER,
  RANGE_MARKER_HEADER,
  RANGE_WARNING,
  RangeIndexSchema,
  RangeMeSchema,
  RangePublicKeySchema,
  RangeTokenSchema,
  type RangeAttack,
  type RangeMe,
} from '@lab/contracts'
import { AppError, authInvalid, authMissing } from '../errors.ts'
import { createTargets, type RangeTarget } from './targets.ts'

const errors = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }
const SAMPLE_TOKEN_TTL = 15 * 60

function bearer(request: FastifyRequest): string {
  const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')
  if (!match) throw authMissing()
  return match[1] as string
}

function accept(attack: RangeAttack, target: RangeTarget, request: FastifyRequest): RangeMe {
  const claims = target.verify(bearer(request))
  if (!claims) throw authInvalid('The range refused this token')
  const username = typeof claims.username === 'string' ? claims.username : String(claims.sub ?? '')
  return { warning: RANGE_WARNING, attack, user: { username, role: String(claims.role ?? '') }, claims }
}

/**
 * The attack range: deliberately vulnerable verifiers under /api/range/:attack, for the workshop
 * and the web lab's /range page. Registered in the demo profile only (routes/range.ts); every
 * response carries the `x-attack-range: deliberately-vulnerable` header.
 */
export default async function attackRange(fastify: FastifyInstance) {
  const targets = createTargets()
  const scope = fastify.withTypeProvider<TypeBoxTypeProvider>()
  scope.addHook('onRequest', async (_request, reply) => {
    reply.header(RANGE_MARKER_HEADER, RANGE_MARKER)
  })
  scope.setNotFoundHandler(() => {
    throw new AppError(404, 'NOT_FOUND', 'No such attack on the range')
  })

  scope.get('/', { schema: { response: { 200: RangeIndexSchema } } }, async () => ({
    warning: RANGE_WARNING,
    attacks: RANGE_ATTACKS.map((attack) => targets[attack].info),
  }))

  scope.get('/alg-confusion/public-key', { schema: { response: { 200: RangePublicKeySchema } } }, async () => ({
    warning: RANGE_WARNING,
    attack: 'alg-confusion' as const,
    publicKey: targets['alg-confusion'].publicKey as string,
  }))

  for (const attack of RANGE_ATTACKS) {
    const target = targets[attack]
    scope.get(`/${attack}/token`, { schema: { response: { 200: RangeTokenSchema } } }, async () => {
      const iat = Math.floor(Date.now() / 1000)
      const token = target.issue({ sub: 'guest', username: 'guest', role: 'user', iat, exp: iat + SAMPLE_TOKEN_TTL })
      return { warning: RANGE_WARNING, attack, token }
    })
    scope.get(`/${attack}/me`, { schema: { response: { 200: RangeMeSchema, ...errors } } }, async (request) =>
      accept(attack, target, request),
    )
    scope.get(`/${attack}/admin`, { schema: { response: { 200: RangeMeSchema, ...errors } } }, async (request) => {
      const me = accept(attack, target, request)
      if (me.user.role !== 'admin') throw new AppError(403, 'FORBIDDEN', 'Admin role required')
      return me
    })
  }
}
