import { connection } from 'next/server'
import { fetchHealth } from '@/lib/api-server'

/** Redis and Postgres as the API sees them when the page is served. */
export async function StoreHealth() {
  await connection()
  const health = await fetchHealth()
  if (!health) return <span className="health health-down">API unreachable</span>
  return (
    <span className="health" aria-label="store health when this page was served">
      <span className={health.redis === 'up' ? 'dot dot-up' : 'dot dot-down'} aria-hidden /> Redis {health.redis}
      <span className={health.postgres === 'up' ? 'dot dot-up' : 'dot dot-down'} aria-hidden /> Postgres {health.postgres}
    </span>
  )
}
