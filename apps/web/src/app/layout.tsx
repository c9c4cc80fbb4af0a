import type { Metadata } from 'next'
import localFont from 'next/font/local'
import { Suspense, type ReactNode } from 'react'
import { LabProviders } from '@/components/lab-providers'
import { Nav } from '@/components/nav'
import { StoreHealth } from '@/components/store-health'
import { env } from '@/lib/env'
import './globals.css'

const inter = localFont({
  src: '../../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  display: 'swap',
  variable: '--font-inter',
})

export const metadata: Metadata = {
  title: { default: 'Session vs JWT Lab', template: '%s · Session vs JWT Lab' },
  description: 'Sessions and JWTs side by side: live round trips, logout and stolen-credential replay.',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={inter.variable}>
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <LabProviders live={env.profile === 'demo'}>
          <header className="site-header">
            <Nav />
            <Suspense fallback={<span className="health">checking stores…</span>}>
              <StoreHealth />
            </Suspense>
          </header>
          <main id="main">{children}</main>
        </LabProviders>
      </body>
    </html>
  )
}
