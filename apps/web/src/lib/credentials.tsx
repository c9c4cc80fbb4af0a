'use client'
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react'
import type { DPOP_STRATEGIES, TOKEN_STRATEGIES } from '@lab/contracts'

/** The strategies whose login hands the page its access token: sent as Bearer, or as DPoP with a proof. */
export type TokenStrategy = (typeof TOKEN_STRATEGIES)[number] | (typeof DPOP_STRATEGIES)[number]

/** An access token the lab received at login or refresh. */
export interface TokenGrant {
  accessToken: string
  expiresAt: string
  username: string
}

type Tokens = Partial<Record<TokenStrategy, TokenGrant>>

interface CredentialsValue {
  /** false until the tokens this tab kept are read back, after a reload */
  ready: boolean
  tokens: Tokens
  setToken: (strategy: TokenStrategy, grant: TokenGrant | null) => void
}

const CredentialsContext = createContext<CredentialsValue | null>(null)
export const TOKENS_KEY = 'lab:tokens'

/**
 * The access tokens this tab holds, shared by the views (the inspector picks them up). Kept in
 * sessionStorage so a reload does not lose them; cookies (`sid`, `sid_pg`, `rt`) stay HttpOnly in the browser.
 */
export function CredentialsProvider({ children }: { children: ReactNode }) {
  const [tokens, setTokens] = useState<Tokens>({})
  const [ready, setReady] = useState(false)
  useEffect(() => {
    const saved = sessionStorage.getItem(TOKENS_KEY)
    if (saved) setTokens(JSON.parse(saved) as Tokens)
    setReady(true)
  }, [])
  const setToken = useCallback((strategy: TokenStrategy, grant: TokenGrant | null) => {
    setTokens((previous) => {
      const next = { ...previous }
      if (grant) next[strategy] = grant
      else delete next[strategy]
      sessionStorage.setItem(TOKENS_KEY, JSON.stringify(next))
      return next
    })
  }, [])
  return <CredentialsContext value={{ ready, tokens, setToken }}>{children}</CredentialsContext>
}

export function useCredentials(): CredentialsValue {
  const value = useContext(CredentialsContext)
  if (!value) throw new Error('useCredentials outside CredentialsProvider')
  return value
}
