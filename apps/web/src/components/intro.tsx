import type { ReactNode } from 'react'

/**
 * A view's heading, its lesson in a sentence or two, and the rest of its explanation, which
 * presenter mode leaves to the speaker so that the lesson and the live result fit one screen.
 * `titleOnly`: the view shows its own lesson (a workshop step), so presenter mode keeps just the title.
 */
export function Intro({ title, lesson, children, titleOnly = false }: { title: ReactNode; lesson: ReactNode; children?: ReactNode; titleOnly?: boolean }) {
  return (
    <div className={titleOnly ? 'intro intro-title-only' : 'intro'}>
      <h1>{title}</h1>
      <p className="lesson" data-testid="lesson">
        {lesson}
      </p>
      {children && <div className="intro-more">{children}</div>}
    </div>
  )
}
