import cookie, { type FastifyCookieOptions } from '@fastify/cookie'

export const autoConfig: FastifyCookieOptions = {}

export default cookie
