'use client'

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="panel error-panel" role="alert">
      <h1>Something broke in the lab</h1>
      <p>{error.digest ? `Error ${error.digest} (details in the web server's log).` : error.message}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  )
}
