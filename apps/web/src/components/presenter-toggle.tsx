'use client'
import { useEffect, useState } from 'react'

const KEY = 'lab:presenter'

/** Larger type for the back of the room; remembered in this browser. */
export function PresenterToggle() {
  const [on, setOn] = useState(false)
  useEffect(() => {
    setOn(localStorage.getItem(KEY) === '1')
  }, [])
  useEffect(() => {
    document.documentElement.toggleAttribute('data-presenter', on)
  }, [on])
  return (
    <button
      type="button"
      className="presenter-toggle"
      aria-pressed={on}
      onClick={() => {
        localStorage.setItem(KEY, on ? '0' : '1')
        setOn(!on)
      }}
    >
      Presenter mode
    </button>
  )
}
