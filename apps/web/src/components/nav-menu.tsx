'use client'
import { usePathname } from 'next/navigation'
import { useEffect, useId, useState } from 'react'
import { NavLink, type ViewPath } from './nav-link'

/**
 * The views: a row of links where there is room, a menu behind one button where there is not (a
 * phone, presenter mode), so the header stays one short line.
 */
export function NavMenu({ views }: { views: ReadonlyArray<{ href: ViewPath; label: string }> }) {
  const pathname = usePathname()
  const [open, setOpen] = useState(false)
  const id = useId()
  const current = views.find((view) => view.href === pathname)

  useEffect(() => setOpen(false), [pathname])
  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false)
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open])

  return (
    <div className="nav-menu" data-open={open}>
      <button type="button" className="quiet nav-menu-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {current?.label ?? 'Views'} <span aria-hidden>▾</span>
      </button>
      <ul id={id}>
        {views.map((view) => (
          <li key={view.href}>
            <NavLink href={view.href}>{view.label}</NavLink>
          </li>
        ))}
      </ul>
    </div>
  )
}
