import { LOGIN_TTL_MAX_SECONDS } from '@lab/contracts'
import { tokenStrategy } from '../jwt/index.ts'
import { Denylist } from './denylist.ts'

/** The `jwt` strategy plus a Redis denylist, looked up on every request, that makes logout immediate. */
export default tokenStrategy({
  name: 'jwt-denylist',
  // A login's entries must outlive its longest access token: the demo's `?ttl=N` may exceed ACCESS_TOKEN_TTL.
  denylist: ({ redis, config }) =>
    new Denylist(redis, config.profile === 'demo' ? Math.max(config.accessTokenTtl, LOGIN_TTL_MAX_SECONDS) : config.accessTokenTtl),
})
