import Link from 'next/link'

export default function NotFound() {
  return (
    <section className="panel">
      <h1>Not in this lab</h1>
      <p>
        There is no such view. Start from the <Link href="/">side-by-side comparison</Link>.
      </p>
    </section>
  )
}
