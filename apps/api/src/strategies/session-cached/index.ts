import { sessionStrategy } from '../session/index.ts'
import { REDIS_SESSION_NAMESPACE, RedisSessionStore } from '../session/redis-store.ts'
import { SessionCache } from './session-cache.ts'

/**
 * The `session` strategy plus a signed copy of the session in a cookie for SESSION_CACHE_TTL seconds:
 * no round trip while the copy is fresh, one Redis GET when it is stale (which renews it).
 */
export default sessionStrategy({
  name: 'session-cached',
  store: (scope) => new RedisSessionStore(scope.redis, REDIS_SESSION_NAMESPACE['session-cached']),
  cache: (scope) => new SessionCache(scope.config.sessionSecret, scope.config.sessionCacheTtl),
})
