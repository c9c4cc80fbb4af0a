'use client'
import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { ReactNode } from 'react'

export type ViewPath = '/' | '/revocation' | '/inspector' | '/outage' | '/replicas' | '/range' | '/workshop' | '/bench' | '/token-storage' | '/two-tabs' | '/devices' | '/verdict' | '/services'

export function NavLink({ href, children }: { href: ViewPath; children: ReactNode }) {
  const current = usePathname() === href
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  )
}
