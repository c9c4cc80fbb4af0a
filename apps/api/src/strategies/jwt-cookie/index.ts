import { tokenStrategy } from '../jwt/index.ts'

/**
 * The `jwt` strategy with its access token in an HttpOnly, SameSite=Strict cookie (`at`, path
 * /api/jwt-cookie) instead of a Bearer header (Auth.js's default): no script can read it, and the
 * browser sends it by itself, so the CSRF defences that guard sessions guard it too.
 */
export default tokenStrategy({ name: 'jwt-cookie', carrier: 'cookie' })
