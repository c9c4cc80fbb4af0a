import Link from 'next/link'
import { env } from '@/lib/env'
import { isDemoOnly } from '@/lib/views'
import type { ViewPath } from './nav-link'
import { NavMenu } from './nav-menu'

const VIEWS: ReadonlyArray<{ href: ViewPath; label: string }> = [
  { href: '/', label: 'Compare' },
  { href: '/revocation', label: 'Revocation' },
  { href: '/inspector', label: 'Token inspector' },
  { href: '/outage', label: 'Outage' },
  { href: '/replicas', label: 'Replicas' },
  { href: '/range', label: 'Attack range' },
  { href: '/token-storage', label: 'Token storage' },
  { href: '/two-tabs', label: 'Two tabs' },
  { href: '/devices', label: 'Devices' },
  { href: '/services', label: 'Two services' },
  { href: '/workshop', label: 'Workshop' },
  { href: '/bench', label: 'Bench' },
  { href: '/verdict', label: 'Verdict' },
]

export function Nav() {
  const views = env.profile === 'demo' ? VIEWS : VIEWS.filter((view) => !isDemoOnly(view.href))
  return (
    <nav className="nav" aria-label="Lab views">
      <Link href="/" className="brand">
        Session <span aria-hidden>vs</span>
        <span className="sr-only">versus</span> JWT Lab
      </Link>
      <NavMenu views={views} />
    </nav>
  )
}
