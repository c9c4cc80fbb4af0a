import { connection } from 'next/server'
import { fetchHealth } from '@/lib/api-server'
import { LiveStoreHealth } from './live-store-health'

/** Redis and Postgres as the API sees them: read when the page is served, then kept current by the browser. */
export async function StoreHealth() {
  await connection()
  return <LiveStoreHealth initial={await fetchHealth()} />
}
