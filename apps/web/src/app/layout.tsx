import type { Metadata } from 'next'
import localFont from 'next/font/local'
import { Suspense, type ReactNode } from 'react'
import { LabProviders } from '@/components/lab-providers'
import { Nav } from '@/components/nav'
import { PresenterToggle } from '@/components/presenter-toggle'
import { RecordsStatus } from '@/components/records-status'
import { ResetLab, ResetReport } from '@/components/reset-lab'
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
  const demo = env.profile === 'demo'
  return (
    <html lang="en" className={inter.variable}>
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <LabProviders live={demo}>
          <header className="site-header">
            <Nav />
            <div className="lab-controls">
              {demo && <RecordsStatus />}
              <Suspense fallback={<span className="health">checking stores…</span>}>
                <StoreHealth />
              </Suspense>
              {demo && <ResetLab />}
              <PresenterToggle />
            </div>
          </header>
          <main id="main">
            {demo && <ResetReport />}
            {children}
          </main>
        </LabProviders>
      </body>
    </html>
  )
}
