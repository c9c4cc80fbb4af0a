import Link from 'next/link'
import { NavLink } from './nav-link'
import { PresenterToggle } from './presenter-toggle'
import { RecordsStatus } from './records-status'

export function Nav() {
  return (
    <nav className="nav" aria-label="Lab views">
      <Link href="/" className="brand">Session <span aria-hidden>vs</span><span className="sr-only">versus</span> JWT Lab</Link>
      <ul>
        <li><NavLink href="/">Compare</NavLink></li>
        <li><NavLink href="/revocation">Revocation</NavLink></li>
        <li><NavLink href="/inspector">Token inspector</NavLink></li>
        <li><NavLink href="/outage">Outage</NavLink></li>
        <li><NavLink href="/replicas">Replicas</NavLink></li>
        <li><NavLink href="/range">Attack range</NavLink></li>
        <li><NavLink href="/workshop">Workshop</NavLink></li>
        <li><NavLink href="/bench">Bench</NavLink></li>
      </ul>
      <RecordsStatus />
      <PresenterToggle />
    </nav>
  )
}
